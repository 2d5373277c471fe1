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
package io.amberio.core.internal.chunk;

import static io.amberio.core.testkit.TestSupport.bytes;
import static io.amberio.core.testkit.TestSupport.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amberio.core.Compression;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One chunk file written by {@link ChunkWriter} and read back by {@link CompressedChunk}: when it
 * is raw and when compressed, for every codec and for lengths around the block size, decoded into a
 * whole-chunk buffer (heap and direct) and block by block.
 */
class ChunkWriterTest {
  static final int BLOCK = 1 << ChunkFormat.BLOCK_LOG;
  static final int[] LENGTHS = {
    1, 100, 200, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 17, 64 * BLOCK, 4 << 20
  };

  @TempDir Path dir;
  int files;

  static List<Compression> codecs() {
    return List.of(
        Compression.lz4(), Compression.zstd(), Compression.zstd(1), Compression.zstd(19));
  }

  Path write(Compression c, byte[] data, int piece) throws IOException {
    Path f = dir.resolve("chunk-" + files++);
    try (ChunkWriter w = ChunkWriter.create(f, c)) {
      for (int off = 0; off < data.length; off += piece) {
        w.write(data, off, Math.min(piece, data.length - off));
      }
      assertThat(w.finish()).isEqualTo(Files.size(f));
    }
    return f;
  }

  static int crc(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    return (int) crc.getValue();
  }

  /** Decodes a compressed file both ways and checks the bytes and the CRC. */
  static void assertDecodes(Path f, byte[] want) throws Exception {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      for (ByteBuffer whole :
          new ByteBuffer[] {
            ByteBuffer.allocate(want.length + 5), ByteBuffer.allocateDirect(want.length)
          }) {
        CompressedChunk c = CompressedChunk.open(ch, ch.size(), want.length);
        CRC32C crc = new CRC32C();
        whole.limit(want.length);
        c.decodeAll(whole, crc);
        assertThat((int) crc.getValue()).isEqualTo(crc(want));
        byte[] got = new byte[want.length];
        whole.get(0, got);
        assertThat(got).isEqualTo(want);
      }
      CompressedChunk c = CompressedChunk.open(ch, ch.size(), want.length);
      CRC32C crc = new CRC32C();
      c.decodeAll(null, crc);
      assertThat((int) crc.getValue()).isEqualTo(crc(want));
      int blocks = c.header().blockCount();
      // Out of order, as a reader that skipped would ask.
      for (int i = blocks - 1; i >= 0; i--) {
        ByteBuffer b = c.block(i);
        byte[] got = new byte[b.remaining()];
        b.get(0, got);
        int from = i * BLOCK;
        assertThat(got)
            .isEqualTo(Arrays.copyOfRange(want, from, Math.min(want.length, from + BLOCK)));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("codecs")
  void textIsWrittenCompressedAndDecodesToTheSameBytes(Compression codec) throws Exception {
    for (int length : LENGTHS) {
      if (length < 200) {
        continue; // too short to gain anything; see shortChunks...
      }
      byte[] data = text(length, length);
      Path f = write(codec, data, 1000);
      assertThat(Files.size(f)).as("file of a %d-byte chunk", length).isLessThan((long) length);
      if (length >= BLOCK) {
        assertThat(Files.size(f)).as("text shrinks by more than half").isLessThan(length / 2L);
      }
      assertDecodes(f, data);
    }
  }

  @ParameterizedTest
  @MethodSource("codecs")
  void randomBytesAreWrittenRawByteForByte(Compression codec) throws IOException {
    for (int length : LENGTHS) {
      byte[] data = bytes(length, length);
      Path f = write(codec, data, 4096);
      assertThat(Files.readAllBytes(f)).as("a %d-byte chunk", length).isEqualTo(data);
    }
  }

  @Test
  void noCompressionWritesTheBytesAsTheyCome() throws IOException {
    byte[] data = text(3 * BLOCK + 17, 1);
    assertThat(Files.readAllBytes(write(Compression.none(), data, 777))).isEqualTo(data);
  }

  @ParameterizedTest
  @MethodSource("codecs")
  void aChunkThatWouldNotComeOutShorterAsAFrameStaysRaw(Compression codec) throws Exception {
    // 1 to 40 bytes: the header and the block's length alone take 20.
    for (int length = 1; length <= 40; length++) {
      byte[] zeros = new byte[length];
      Path f = write(codec, zeros, length);
      long size = Files.size(f);
      if (size == length) {
        assertThat(Files.readAllBytes(f)).isEqualTo(zeros);
      } else {
        assertThat(size).as("a %d-byte chunk", length).isLessThan(length);
        assertDecodes(f, zeros);
      }
    }
    assertThat(Files.size(write(codec, new byte[20], 20))).isEqualTo(20);
    assertThat(Files.size(write(codec, new byte[1000], 1000))).isLessThan(100);
  }

  @ParameterizedTest
  @MethodSource("codecs")
  void blocksThatDoNotCompressAreStoredRawInsideAFrame(Compression codec) throws Exception {
    // Block 0 is text (the file becomes a frame), blocks 1 and 3 random, block 2 and 4 text.
    byte[] data = new byte[4 * BLOCK + 1000];
    System.arraycopy(text(BLOCK, 1), 0, data, 0, BLOCK);
    System.arraycopy(bytes(BLOCK, 2), 0, data, BLOCK, BLOCK);
    System.arraycopy(text(BLOCK, 3), 0, data, 2 * BLOCK, BLOCK);
    System.arraycopy(bytes(BLOCK, 4), 0, data, 3 * BLOCK, BLOCK);
    System.arraycopy(text(1000, 5), 0, data, 4 * BLOCK, 1000);
    Path f = write(codec, data, 10_000);
    long size = Files.size(f);
    assertThat(size).isLessThan(data.length).isGreaterThan(2L * BLOCK);
    assertDecodes(f, data);
    // The random blocks are there verbatim, behind their stored length.
    byte[] file = Files.readAllBytes(f);
    int at = ChunkFormat.HEADER_LENGTH;
    int first = ByteBuffer.wrap(file).getInt(at);
    at += 4 + first;
    assertThat(ByteBuffer.wrap(file).getInt(at)).isEqualTo(BLOCK);
    assertThat(Arrays.copyOfRange(file, at + 4, at + 4 + BLOCK)).isEqualTo(bytes(BLOCK, 2));
  }

  @ParameterizedTest
  @MethodSource("codecs")
  void theFirstBlockDecides(Compression codec) throws IOException {
    // Random first block, text after: raw, without compressing the rest.
    byte[] data = new byte[3 * BLOCK];
    System.arraycopy(bytes(BLOCK, 1), 0, data, 0, BLOCK);
    System.arraycopy(text(2 * BLOCK, 2), 0, data, BLOCK, 2 * BLOCK);
    assertThat(Files.readAllBytes(write(codec, data, 5000))).isEqualTo(data);
  }

  @Test
  void theHeaderSaysWhatTheFileHolds() throws Exception {
    byte[] data = text(3 * BLOCK + 17, 9);
    Path f = write(Compression.zstd(), data, 65536);
    ByteBuffer head = ByteBuffer.wrap(Files.readAllBytes(f), 0, ChunkFormat.HEADER_LENGTH);
    ChunkFormat.Header h = ChunkFormat.parse(head, Files.size(f), data.length);
    assertThat(h)
        .isEqualTo(
            new ChunkFormat.Header(
                ChunkFormat.ZSTD,
                16,
                data.length,
                (int) Files.size(f) - ChunkFormat.HEADER_LENGTH));
    assertThat(h.blockCount()).isEqualTo(4);
    assertThat(h.blockLength(3)).isEqualTo(17);
    assertThat(Arrays.copyOf(Files.readAllBytes(f), 8))
        .containsExactly('A', 'M', 'B', 'Z', 1, ChunkFormat.ZSTD, 16, 0);
  }

  @Test
  void aChunkLongerThanTheLargestIsRefused() throws IOException {
    try (ChunkWriter w = ChunkWriter.create(dir.resolve("big"), Compression.lz4())) {
      byte[] mib = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        w.write(mib, 0, mib.length);
      }
      assertThatThrownBy(() -> w.write(mib, 0, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at most " + (64 << 20));
    }
  }
}
