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

import io.amberio.core.Compression;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ChunkFiles#write}: the head and the rest of the stream land in chunk files of the right
 * lengths and CRC32Cs whatever the chunk size (a multiple of the write size or not, smaller than
 * the head or not), and with helpers syncing full chunks while the next is written.
 */
class ChunkFilesWriteTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "chunk {0}, head {1}, size {2}, helpers {3}")
  @CsvSource({
    "4194304, 65537, 1048576, 2",
    "4194304, 65537, 9437185, 2",
    "4194304, 65537, 9437185, 0",
    "1048576, 65537, 3145728, 2",
    "100000, 65537, 1048577, 2",
    "100000, 150001, 1048577, 2",
    "65536, 65537, 300000, 0",
  })
  void chunksHoldTheBytesInOrder(int chunkSize, int headLength, int size, int helpers)
      throws IOException {
    byte[] data = new byte[size];
    new SplittableRandom(size).nextBytes(data);
    Path blobs = Files.createDirectories(dir.resolve("blobs"));
    try (ChunkIo io = new ChunkIo(helpers)) {
      ChunkFiles files = new ChunkFiles(blobs, Files.getFileStore(dir), 0, Compression.none(), io);
      byte[] head = Arrays.copyOf(data, headLength);
      ByteArrayInputStream rest = new ByteArrayInputStream(data, headLength, size - headLength);
      ChunkFiles.Written w = files.write("b", head, headLength, rest, chunkSize, Long.MAX_VALUE);
      int count = (size + chunkSize - 1) / chunkSize;
      assertThat(w.size()).isEqualTo(size);
      assertThat(w.chunkCount()).isEqualTo(count);
      for (int c = 0; c < count; c++) {
        byte[] want = Arrays.copyOfRange(data, c * chunkSize, Math.min(size, (c + 1) * chunkSize));
        byte[] got = Files.readAllBytes(files.chunksDir("b").resolve(Integer.toString(c)));
        assertThat(got).as("chunk %d", c).isEqualTo(want);
        CRC32C crc = new CRC32C();
        crc.update(want);
        assertThat(w.crcs()[c]).as("crc of chunk %d", c).isEqualTo((int) crc.getValue());
      }
      try (var list = Files.list(files.chunksDir("b"))) {
        assertThat(list.count()).isEqualTo(count);
      }
    }
  }
}
