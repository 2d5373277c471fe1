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

import java.nio.ByteBuffer;

/**
 * The on-disk format of a chunk file, in one place.
 *
 * <p>A chunk file is either <b>raw</b>, the chunk's bytes exactly (what every store wrote before
 * compression, and what a store writes with compression off or for data that does not compress), or
 * a <b>compressed frame</b> (format version {@value #VERSION}):
 *
 * <pre>
 * offset size
 *  0     4   magic "AMBZ" (0x41 0x4D 0x42 0x5A)
 *  4     1   format version, 1
 *  5     1   codec: 1 = LZ4 (block format), 2 = zstd (one zstd frame per block)
 *  6     1   log2 of the block size, 10 to 20 (the writer uses 16: 64 KiB)
 *  7     1   reserved, 0
 *  8     4   the chunk's uncompressed length (big-endian, like every number here)
 * 12     4   the number of bytes after this header (the file's length - 16)
 * 16         the blocks, in order: each a 4-byte stored length L, then L bytes
 * </pre>
 *
 * The chunk is cut into blocks of the block size (the last one shorter); block {@code i} holds
 * bytes {@code [i * blockSize, ...)} of the chunk. A block whose L equals its uncompressed length
 * is stored raw; a smaller L (at least 1) is that block compressed with the codec; anything else is
 * corrupt. Blocks are compressed independently, so a block is decoded on its own with a block-sized
 * buffer.
 *
 * <p>A reader tells the two kinds apart by the file's length alone, against the chunk's length that
 * the version row gives ({@code min(chunkSize, size - index * chunkSize)}): equal means raw;
 * shorter means a compressed frame, whose header must then parse (magic, version, codec, block
 * size, reserved byte, both lengths); longer is corrupt. This is unambiguous because a frame is
 * written only when it is strictly shorter than its chunk. The CRC32C in the row is always that of
 * the uncompressed chunk, whatever the file holds.
 */
public final class ChunkFormat {
  /** The first four bytes of a compressed frame: "AMBZ". */
  public static final int MAGIC = 0x414D425A;

  /** The format version this code writes and reads. */
  public static final int VERSION = 1;

  /** The length of a frame's header. */
  public static final int HEADER_LENGTH = 16;

  /** The bytes before each block's payload: its stored length. */
  public static final int BLOCK_PREFIX = 4;

  /** Codec id of LZ4 (block format). */
  public static final int LZ4 = 1;

  /** Codec id of zstd (one frame per block). */
  public static final int ZSTD = 2;

  /** log2 of the block size this code writes: 64 KiB, LZ4's own window. */
  public static final int BLOCK_LOG = 16;

  /** The smallest and largest block size a reader takes (it allocates two blocks' worth). */
  public static final int MIN_BLOCK_LOG = 10;

  public static final int MAX_BLOCK_LOG = 20;

  /**
   * The largest chunk (the builder's limit, 64 MiB). With blocks of {@code 1 << BLOCK_LOG} a frame
   * spends at most {@code HEADER_LENGTH + 4 * (MAX_CHUNK_LENGTH >> BLOCK_LOG)} bytes (4,112) on
   * headers, less than the 1/8 of a block (8,192) that a first block must save before a frame is
   * started; so a started frame is always strictly shorter than its chunk.
   */
  public static final int MAX_CHUNK_LENGTH = 64 << 20;

  private ChunkFormat() {}

  /** A parsed, checked frame header. */
  public record Header(int codec, int blockLog, int uncompressedLength, int bodyLength) {
    /** The block size. */
    public int blockSize() {
      return 1 << blockLog;
    }

    /** The number of blocks. */
    public int blockCount() {
      return (int) (((long) uncompressedLength + blockSize() - 1) >> blockLog);
    }

    /** The uncompressed length of block {@code i}. */
    public int blockLength(int i) {
      return (int) Math.min(blockSize(), (long) uncompressedLength - ((long) i << blockLog));
    }

    /** The header's 16 bytes. */
    public byte[] encode() {
      ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH);
      b.putInt(MAGIC)
          .put((byte) VERSION)
          .put((byte) codec)
          .put((byte) blockLog)
          .put((byte) 0)
          .putInt(uncompressedLength)
          .putInt(bodyLength);
      return b.array();
    }
  }

  /** The name of a codec id, for messages. */
  public static String codecName(int codec) {
    return switch (codec) {
      case LZ4 -> "lz4";
      case ZSTD -> "zstd";
      default -> "codec " + codec;
    };
  }

  /**
   * Parses and checks the header of a file of {@code fileLength} bytes that must hold a chunk of
   * {@code chunkLength} bytes.
   *
   * @param head the file's first {@link #HEADER_LENGTH} bytes (fewer if the file is shorter)
   * @throws CorruptChunkException naming what is wrong
   */
  public static Header parse(ByteBuffer head, long fileLength, int chunkLength)
      throws CorruptChunkException {
    if (fileLength < HEADER_LENGTH || head.remaining() < HEADER_LENGTH) {
      throw new CorruptChunkException(
          "it has "
              + fileLength
              + " bytes instead of "
              + chunkLength
              + ", too few even for a compressed chunk's header");
    }
    int magic = head.getInt(head.position());
    if (magic != MAGIC) {
      throw new CorruptChunkException(
          "it has "
              + fileLength
              + " bytes instead of "
              + chunkLength
              + " and does not start like a compressed chunk (magic "
              + String.format("0x%08X", magic)
              + ", not 0x414D425A)");
    }
    int at = head.position();
    int version = head.get(at + 4) & 0xff;
    int codec = head.get(at + 5) & 0xff;
    int blockLog = head.get(at + 6) & 0xff;
    int reserved = head.get(at + 7) & 0xff;
    int uncompressed = head.getInt(at + 8);
    int body = head.getInt(at + 12);
    if (version != VERSION) {
      throw new CorruptChunkException(
          "it is a compressed chunk of format version "
              + version
              + ", and this release reads version "
              + VERSION);
    }
    if (codec != LZ4 && codec != ZSTD) {
      throw new CorruptChunkException("its header names an unknown codec, id " + codec);
    }
    if (blockLog < MIN_BLOCK_LOG || blockLog > MAX_BLOCK_LOG) {
      throw new CorruptChunkException(
          "its header gives a block size of 2^"
              + blockLog
              + " bytes, outside 2^"
              + MIN_BLOCK_LOG
              + " to 2^"
              + MAX_BLOCK_LOG);
    }
    if (reserved != 0) {
      throw new CorruptChunkException("its header's reserved byte is " + reserved + ", not 0");
    }
    if (uncompressed != chunkLength) {
      throw new CorruptChunkException(
          "its header says it holds "
              + Integer.toUnsignedString(uncompressed)
              + " bytes uncompressed, and the chunk has "
              + chunkLength);
    }
    if (Integer.toUnsignedLong(body) != fileLength - HEADER_LENGTH) {
      throw new CorruptChunkException(
          "its header says "
              + Integer.toUnsignedString(body)
              + " bytes follow it, and the file has "
              + (fileLength - HEADER_LENGTH)
              + " (truncated or extended?)");
    }
    return new Header(codec, blockLog, uncompressed, body);
  }
}
