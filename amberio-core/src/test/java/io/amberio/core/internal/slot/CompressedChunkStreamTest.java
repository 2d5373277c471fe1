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

import static io.amberio.core.testkit.TestSupport.bytes;
import static io.amberio.core.testkit.TestSupport.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.Compression;
import io.amberio.core.internal.chunk.ChunkWriter;
import io.amberio.core.internal.row.VersionRow;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chunk reader over compressed and raw chunk files of one blob, in both of its modes (a
 * whole-chunk buffer, and two passes past the buffer budget): every range reads the right bytes,
 * and every way a compressed file can be damaged fails the read with CORRUPT and says how.
 *
 * <p>The blob: 256 KiB chunks (four 64 KiB blocks each): chunk 0 text (a frame), chunk 1 random
 * (raw), chunk 2 text with a random block inside (a frame with a raw block), chunk 3 the last, 1000
 * bytes of text (a frame).
 */
class CompressedChunkStreamTest {
  static final int B = 64 * 1024;
  static final int CHUNK = 4 * B;
  static final int SIZE = 3 * CHUNK + 1000;

  @TempDir Path dir;
  Path chunks;
  byte[] data;
  VersionRow row;

  void write(Compression codec) throws IOException {
    chunks = Files.createDirectories(dir.resolve("chunks"));
    data = new byte[SIZE];
    System.arraycopy(text(CHUNK, 1), 0, data, 0, CHUNK);
    System.arraycopy(bytes(CHUNK, 2), 0, data, CHUNK, CHUNK);
    System.arraycopy(text(CHUNK, 3), 0, data, 2 * CHUNK, CHUNK);
    System.arraycopy(bytes(B, 4), 0, data, 2 * CHUNK + B, B);
    System.arraycopy(text(1000, 5), 0, data, 3 * CHUNK, 1000);
    int[] crcs = new int[4];
    for (int c = 0; c < 4; c++) {
      byte[] part = Arrays.copyOfRange(data, c * CHUNK, Math.min(SIZE, (c + 1) * CHUNK));
      try (ChunkWriter w = ChunkWriter.create(chunks.resolve(Integer.toString(c)), codec)) {
        w.write(part, 0, part.length);
        w.finish();
      }
      CRC32C crc = new CRC32C();
      crc.update(part);
      crcs[c] = (int) crc.getValue();
    }
    assertThat(Files.size(file(0))).isLessThan(CHUNK / 2);
    assertThat(Files.size(file(1))).isEqualTo(CHUNK);
    assertThat(Files.size(file(2))).isLessThan(CHUNK).isGreaterThan(B);
    assertThat(Files.size(file(3))).isLessThan(1000);
    row =
        new VersionRow(
            "p",
            1,
            "01JZZZZZZZZZZZZZZZZZZZZZZZ",
            VersionRow.LIVE,
            SIZE,
            "text/plain",
            0,
            0,
            CHUNK,
            4,
            VersionRow.packChecksums(crcs),
            false,
            null);
  }

  Path file(int c) {
    return chunks.resolve(Integer.toString(c));
  }

  ChunkStream stream(long budget, long offset, long length) {
    return new ChunkStream(chunks, row, offset, length, new ReadBuffers(budget, CHUNK), () -> true)
        .open();
  }

  static final long[][] RANGES = {
    {0, SIZE},
    {0, 1},
    {B - 1, 2},
    {CHUNK - 5, 10},
    {CHUNK + 3, CHUNK},
    {2 * CHUNK + B - 1, B + 2},
    {3 * CHUNK, 1000},
    {SIZE - 1, 1},
    {12345, 3 * CHUNK - 20_000},
    {5, 0}
  };

  @ParameterizedTest(name = "budget {0}")
  @ValueSource(longs = {0, 1L << 30})
  void everyRangeReadsTheRightBytesWithLz4(long budget) throws IOException {
    everyRangeReadsTheRightBytes(Compression.lz4(), budget);
  }

  @ParameterizedTest(name = "budget {0}")
  @ValueSource(longs = {0, 1L << 30})
  void everyRangeReadsTheRightBytesWithZstd(long budget) throws IOException {
    everyRangeReadsTheRightBytes(Compression.zstd(), budget);
  }

  void everyRangeReadsTheRightBytes(Compression codec, long budget) throws IOException {
    write(codec);
    for (long[] r : RANGES) {
      byte[] want = Arrays.copyOfRange(data, (int) r[0], (int) (r[0] + r[1]));
      for (int bufferSize : new int[] {1, 777, B, 3 * CHUNK}) {
        if (bufferSize == 1 && r[1] > 3 * B) {
          continue; // byte by byte through a whole blob adds time and nothing else
        }
        try (ChunkStream s = stream(budget, r[0], r[1])) {
          assertThat(ChunkStreamTest.drain(s, bufferSize))
              .as("range %d+%d, buffer %d", r[0], r[1], bufferSize)
              .isEqualTo(want);
          assertThat(s.read()).isEqualTo(-1);
        }
      }
    }
  }

  static void edit(Path f, Consumer<ByteBuffer> change) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f));
    change.accept(b);
    Files.write(f, Arrays.copyOf(b.array(), b.limit()));
  }

  static void truncate(Path f, long size) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(size);
    }
  }

  /** Each damage, applied to chunk 0 (a frame), and a phrase of the message it must give. */
  @ParameterizedTest(name = "{0}, budget {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "flip a payload byte|0|chunk 0 of version 1 of 'p'",
        "flip a payload byte|1073741824|chunk 0 of version 1 of 'p'",
        "flip the last byte|0|chunk 0 of version 1 of 'p'",
        "flip the last byte|1073741824|chunk 0 of version 1 of 'p'",
        "truncate to half|0|bytes follow it, and the file has",
        "truncate to half|1073741824|bytes follow it, and the file has",
        "truncate to 10 bytes|0|too few even for a compressed chunk's header",
        "append a byte|1073741824|bytes follow it, and the file has",
        "bad magic|0|does not start like a compressed chunk (magic 0x414D425B",
        "bad magic|1073741824|does not start like a compressed chunk",
        "version 2|0|compressed chunk of format version 2, and this release reads version 1",
        "codec 9|1073741824|unknown codec, id 9",
        "reserved byte|0|reserved byte is 1",
        "block size 2^30|0|block size of 2^30 bytes",
        "wrong uncompressed length|1073741824|holds 262143 bytes uncompressed, and the chunk has 262144",
        "first block length 0|0|block 0 has a stored length of 0",
        "first block length too long|1073741824|block 0 has a stored length of 65537",
        "second block length past the end|0|block 1 runs past the end of the file",
        "padded to the chunk's length|0|its checksum does not match",
        "padded past the chunk's length|1073741824|it has 262145 bytes instead of 262144",
      })
  void aDamagedCompressedChunkIsCorrupt(String damage, long budget, String message)
      throws IOException {
    write(Compression.zstd());
    Path f = file(0);
    long size = Files.size(f);
    switch (damage) {
      case "flip a payload byte" -> edit(f, b -> b.put(100, (byte) (b.get(100) ^ 0x40)));
      case "flip the last byte" ->
          edit(f, b -> b.put(b.limit() - 1, (byte) (b.get(b.limit() - 1) ^ 1)));
      case "truncate to half" -> truncate(f, size / 2);
      case "truncate to 10 bytes" -> truncate(f, 10);
      case "append a byte" -> Files.write(f, new byte[] {0}, StandardOpenOption.APPEND);
      case "bad magic" -> edit(f, b -> b.put(3, (byte) 0x5B));
      case "version 2" -> edit(f, b -> b.put(4, (byte) 2));
      case "codec 9" -> edit(f, b -> b.put(5, (byte) 9));
      case "reserved byte" -> edit(f, b -> b.put(7, (byte) 1));
      case "block size 2^30" -> edit(f, b -> b.put(6, (byte) 30));
      case "wrong uncompressed length" -> edit(f, b -> b.putInt(8, CHUNK - 1));
      case "first block length 0" -> edit(f, b -> b.putInt(16, 0));
      case "first block length too long" -> edit(f, b -> b.putInt(16, B + 1));
      case "second block length past the end" -> edit(f, b -> b.putInt(20 + b.getInt(16), B - 1));
      case "padded to the chunk's length" -> truncate(f, CHUNK);
      case "padded past the chunk's length" -> truncate(f, CHUNK + 1);
      default -> throw new AssertionError(damage);
    }
    // Fails when opened (the range starts in chunk 0), and the message says what is wrong.
    Throwable t = catchThrowable(() -> stream(budget, 10, 20).close());
    assertThat(t).isInstanceOf(BlobStoreException.class);
    assertThat(((BlobStoreException) t).reason()).isEqualTo(Reason.CORRUPT);
    assertThat(t.getMessage()).contains("chunk 0 of version 1 of 'p'", message);
    // A range that never touches chunk 0 still reads.
    try (ChunkStream s = stream(budget, CHUNK, SIZE - CHUNK)) {
      assertThat(ChunkStreamTest.drain(s, 9999)).isEqualTo(Arrays.copyOfRange(data, CHUNK, SIZE));
    }
  }
}
