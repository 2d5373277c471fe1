/*
 * Copyright 2026 The Amberio Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package io.amberio.core.internal.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.internal.row.VersionRow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chunk reader in both of its modes: buffered (a verified chunk is served from memory) and
 * two-pass (past the read-buffer budget, a chunk is verified through a small buffer and then served
 * from the file). The store only switches to two-pass mode under heavy concurrent reading, so the
 * black-box suites rarely reach it; here the budget is set directly.
 */
class ChunkStreamTest {
  static final int K = 64 * 1024;
  static final int SIZE = 3 * K + 17;

  @TempDir Path dir;
  Path chunks;
  byte[] data;
  VersionRow row;

  @BeforeEach
  void writeChunks() throws IOException {
    chunks = Files.createDirectories(dir.resolve("chunks"));
    data = new byte[SIZE];
    new SplittableRandom(7).nextBytes(data);
    int count = (SIZE + K - 1) / K;
    int[] crcs = new int[count];
    for (int c = 0; c < count; c++) {
      byte[] part = Arrays.copyOfRange(data, c * K, Math.min(SIZE, (c + 1) * K));
      Files.write(chunks.resolve(Integer.toString(c)), part);
      CRC32C crc = new CRC32C();
      crc.update(part);
      crcs[c] = (int) crc.getValue();
    }
    row =
        new VersionRow(
            "p",
            1,
            "01JZZZZZZZZZZZZZZZZZZZZZZZ",
            VersionRow.LIVE,
            SIZE,
            "application/octet-stream",
            0,
            0,
            K,
            count,
            VersionRow.packChecksums(crcs),
            false,
            null);
  }

  ChunkStream stream(long budget, long offset, long length, boolean stillCommitted) {
    return new ChunkStream(
            chunks, row, offset, length, new ReadBuffers(budget, K), () -> stillCommitted)
        .open();
  }

  static byte[] drain(InputStream in, int bufferSize) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[bufferSize];
    int n;
    while ((n = in.read(buf, 0, buf.length)) != -1) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  static final long[][] RANGES = {
    {0, SIZE},
    {0, 1},
    {K - 1, 2},
    {K, K},
    {K - 7, 2 * K + 14},
    {3 * K, 17},
    {SIZE - 1, 1},
    {12345, 54321},
    {5, 0}
  };

  @ParameterizedTest(name = "budget {0}")
  @ValueSource(longs = {0, 1L << 30})
  void everyRangeReadsTheRightBytes(long budget) throws IOException {
    for (long[] r : RANGES) {
      byte[] want = Arrays.copyOfRange(data, (int) r[0], (int) (r[0] + r[1]));
      for (int bufferSize : new int[] {1, 777, K, 3 * K}) {
        try (ChunkStream s = stream(budget, r[0], r[1], true)) {
          assertThat(drain(s, bufferSize))
              .as("range %d+%d, buffer %d", r[0], r[1], bufferSize)
              .isEqualTo(want);
          assertThat(s.read()).isEqualTo(-1);
        }
      }
    }
  }

  static void flip(Path f, long at) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.seek(at);
      int b = raf.read();
      raf.seek(at);
      raf.write(b ^ 0x10);
    }
  }

  static Reason failure(ChunkStream s) {
    Throwable t = catchThrowable(() -> drain(s, 1000));
    assertThat(t).isInstanceOf(BlobStoreException.class);
    return ((BlobStoreException) t).reason();
  }

  @ParameterizedTest(name = "budget {0}")
  @ValueSource(longs = {0, 1L << 30})
  void aCorruptChunkFailsEveryReadThatTouchesIt(long budget) throws IOException {
    flip(chunks.resolve("1"), K / 2);
    try (ChunkStream s = stream(budget, 0, SIZE, true)) {
      assertThat(failure(s)).isEqualTo(Reason.CORRUPT);
    }
    try (ChunkStream s = stream(budget, K - 10, 20, true)) {
      assertThat(failure(s)).isEqualTo(Reason.CORRUPT);
    }
    Throwable t = catchThrowable(() -> stream(budget, K + 5, 10, true));
    assertThat(t)
        .as("a range that starts in the corrupt chunk fails when opened")
        .isInstanceOf(BlobStoreException.class);
    assertThat(((BlobStoreException) t).reason()).isEqualTo(Reason.CORRUPT);
    try (ChunkStream s = stream(budget, 2 * K, K + 17, true)) {
      assertThat(drain(s, 999)).isEqualTo(Arrays.copyOfRange(data, 2 * K, SIZE));
    }
    try (ChunkStream s = stream(budget, 0, K, true)) {
      assertThat(drain(s, 999)).isEqualTo(Arrays.copyOfRange(data, 0, K));
    }
  }

  @ParameterizedTest(name = "budget {0}")
  @ValueSource(longs = {0, 1L << 30})
  void aMissingChunkIsCorruptWhileCommittedAndDeletedOnceCollected(long budget) throws IOException {
    try (ChunkStream committed = stream(budget, 0, SIZE, true);
        ChunkStream collected = stream(budget, 0, SIZE, false)) {
      Files.delete(chunks.resolve("2"));
      assertThat(failure(committed)).isEqualTo(Reason.CORRUPT);
      assertThat(failure(collected)).isEqualTo(Reason.DELETED);
    }
  }

  @ParameterizedTest(name = "budget {0}")
  @ValueSource(longs = {0, 1L << 30})
  void aChunkOfTheWrongLengthIsCorrupt(long budget) throws IOException {
    Files.write(chunks.resolve("3"), new byte[18]);
    try (ChunkStream s = stream(budget, 3 * K - 1, 5, true)) {
      assertThat(failure(s)).isEqualTo(Reason.CORRUPT);
    }
  }
}
