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

import io.amberio.core.internal.chunk.BlockCodecs.BlockDecompressor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Reads a compressed chunk file ({@link ChunkFormat}) from an open channel, which the caller owns.
 *
 * <p>{@link #decodeAll} runs through every block in order, one read per block (its payload and the
 * next block's length), decodes it either into a whole-chunk buffer or through a block-sized
 * scratch buffer, and feeds the decoded bytes to a CRC32C: the caller compares that with the row's
 * checksum before serving a byte. It also records where each block lies, so that a reader without a
 * whole-chunk buffer can then serve any block again with {@link #block} (decoding it a second
 * time). Memory beyond the caller's buffer: two blocks (64 KiB each as written; at most 1 MiB each,
 * the largest block size the header may give).
 */
public final class CompressedChunk {
  private final FileChannel channel;
  private final long fileLength;
  private final ChunkFormat.Header header;
  private final int firstStored;
  private final long[] offsets; // where each block's payload starts
  private final int[] stored; // each block's stored length
  private final byte[] in; // a payload, plus the next block's length
  private ByteBuffer scratch; // one decoded block, when not decoding into the caller's buffer
  private int scratchBlock = -1;
  private boolean decoded;

  private CompressedChunk(
      FileChannel channel, long fileLength, ChunkFormat.Header header, int firstStored) {
    this.channel = channel;
    this.fileLength = fileLength;
    this.header = header;
    this.firstStored = firstStored;
    int n = header.blockCount();
    this.offsets = new long[n];
    this.stored = new int[n];
    this.in = new byte[header.blockSize() + ChunkFormat.BLOCK_PREFIX];
  }

  /**
   * Reads and checks the header of the file behind {@code channel}, {@code fileLength} bytes long,
   * which must hold a chunk of {@code chunkLength} bytes.
   */
  public static CompressedChunk open(FileChannel channel, long fileLength, int chunkLength)
      throws IOException, CorruptChunkException {
    ByteBuffer head = ByteBuffer.allocate(ChunkFormat.HEADER_LENGTH + ChunkFormat.BLOCK_PREFIX);
    readFully(channel, head, 0, (int) Math.min(head.capacity(), fileLength));
    head.flip();
    ChunkFormat.Header h = ChunkFormat.parse(head, fileLength, chunkLength);
    if (h.blockCount() == 0) {
      throw new CorruptChunkException("its header says it holds no bytes");
    }
    if (head.remaining() < ChunkFormat.HEADER_LENGTH + ChunkFormat.BLOCK_PREFIX) {
      throw new CorruptChunkException("it ends right after its header");
    }
    return new CompressedChunk(channel, fileLength, h, head.getInt(ChunkFormat.HEADER_LENGTH));
  }

  /** The header. */
  public ChunkFormat.Header header() {
    return header;
  }

  /**
   * Decodes every block, in order, and updates {@code crc} with the chunk's bytes. With {@code
   * chunk} (room for the chunk's length; its position and limit are left alone) block {@code i}
   * lands at {@code i * blockSize}; without, each block passes through a scratch buffer.
   */
  public void decodeAll(ByteBuffer chunk, CRC32C crc) throws IOException, CorruptChunkException {
    int n = header.blockCount();
    long pos = ChunkFormat.HEADER_LENGTH;
    int next = firstStored;
    try (BlockDecompressor d = decompressor()) {
      for (int i = 0; i < n; i++) {
        int blockLength = header.blockLength(i);
        int len = next;
        if (len < 1 || len > blockLength) {
          throw new CorruptChunkException(
              "block " + i + " has a stored length of " + len + ", outside 1 to " + blockLength);
        }
        long payload = pos + ChunkFormat.BLOCK_PREFIX;
        int tail = i + 1 < n ? ChunkFormat.BLOCK_PREFIX : 0;
        if (payload + len + tail > fileLength) {
          throw new CorruptChunkException(
              "block " + i + " runs past the end of the file (" + fileLength + " bytes)");
        }
        offsets[i] = payload;
        stored[i] = len;
        readFully(channel, ByteBuffer.wrap(in), payload, len + tail);
        ByteBuffer target = chunk != null ? chunk : scratch().clear();
        int at = chunk != null ? i << header.blockLog() : 0;
        decode(d, i, len, target, at, blockLength);
        ByteBuffer view = target.duplicate();
        view.clear();
        view.position(at).limit(at + blockLength);
        crc.update(view);
        if (tail > 0) {
          next = ByteBuffer.wrap(in).getInt(len);
        }
        pos = payload + len;
      }
    }
    if (pos != fileLength) {
      throw new CorruptChunkException(
          (fileLength - pos) + " bytes follow its last block, and none should");
    }
    scratchBlock = chunk == null ? n - 1 : -1;
    decoded = true;
  }

  /**
   * Block {@code i}, decoded again from the file into the scratch buffer (position 0, limit its
   * length); after {@link #decodeAll} without a chunk buffer. The file is not re-verified: see the
   * two-pass mode of the reader.
   */
  public ByteBuffer block(int i) throws IOException, CorruptChunkException {
    if (!decoded) {
      throw new IllegalStateException("decodeAll first");
    }
    ByteBuffer s = scratch().clear();
    int blockLength = header.blockLength(i);
    if (scratchBlock != i) {
      scratchBlock = -1;
      readFully(channel, ByteBuffer.wrap(in), offsets[i], stored[i]);
      try (BlockDecompressor d = decompressor()) {
        decode(d, i, stored[i], s, 0, blockLength);
      }
      scratchBlock = i;
    }
    s.clear();
    s.limit(blockLength);
    return s;
  }

  private ByteBuffer scratch() {
    if (scratch == null) {
      scratch = ByteBuffer.allocate(header.blockSize());
    }
    return scratch;
  }

  private BlockDecompressor decompressor() throws IOException, CorruptChunkException {
    try {
      return BlockCodecs.decompressor(header.codec());
    } catch (LinkageError e) {
      throw new IOException(
          "the " + ChunkFormat.codecName(header.codec()) + " library cannot be loaded: " + e, e);
    }
  }

  private void decode(
      BlockDecompressor d, int i, int len, ByteBuffer target, int at, int blockLength)
      throws CorruptChunkException {
    if (len == blockLength) {
      target.put(at, in, 0, len); // stored raw
      return;
    }
    try {
      d.decompress(in, 0, len, target, at, blockLength);
    } catch (CorruptChunkException e) {
      throw new CorruptChunkException("block " + i + ": " + e.getMessage(), e);
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer into, long at, int len)
      throws IOException, CorruptChunkException {
    into.clear().limit(len);
    while (into.hasRemaining()) {
      if (ch.read(into, at + into.position()) < 0) {
        throw new CorruptChunkException("it became shorter while being read");
      }
    }
  }
}
