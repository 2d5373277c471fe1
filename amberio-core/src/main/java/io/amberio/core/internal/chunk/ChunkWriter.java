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

import io.amberio.core.Compression;
import io.amberio.core.internal.chunk.BlockCodecs.BlockCompressor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes one chunk file from bytes pushed to it, raw or as a compressed frame ({@link
 * ChunkFormat}), streaming: it holds one 64 KiB block and its compressed form, never the chunk.
 *
 * <p>The choice is made on the first block (or on the whole chunk when it is shorter than a block):
 * if that block does not shrink by at least 1/8, the file is raw from the first byte and nothing
 * more is compressed, so incompressible data (random, already compressed) costs one block's
 * compression per chunk. Otherwise the file is a frame, and each later block is stored compressed
 * when that saves 1/8 of it, raw when not. A started frame is always strictly shorter than its
 * chunk (see {@link ChunkFormat#MAX_CHUNK_LENGTH}), which is what lets readers tell the kinds apart
 * by length. With {@link Compression#none()} every byte goes straight to the file, as before
 * compression existed.
 *
 * <p>The caller computes the chunk's CRC32C over the bytes it pushes and calls {@link #finish},
 * which writes the header, fdatasyncs and closes; or {@link #close} to give up (the caller deletes
 * the file).
 */
public final class ChunkWriter implements AutoCloseable {
  private enum Mode {
    UNDECIDED,
    RAW,
    FRAME
  }

  private static final int BLOCK = 1 << ChunkFormat.BLOCK_LOG;

  private final Path file;
  private final FileChannel out;
  private BlockCompressor compressor; // null once raw
  private Mode mode;
  private byte[] block; // the block being filled (not raw)
  private int filled;
  private byte[] packed; // a block's stored length and payload
  private long length; // bytes pushed
  private long position; // where the next write goes

  private ChunkWriter(Path file, FileChannel out, BlockCompressor compressor) {
    this.file = file;
    this.out = out;
    this.compressor = compressor;
    if (compressor == null) {
      mode = Mode.RAW;
    } else {
      mode = Mode.UNDECIDED;
      block = new byte[BLOCK];
      packed = new byte[ChunkFormat.BLOCK_PREFIX + compressor.maxCompressedLength(BLOCK)];
    }
  }

  /** Creates {@code file} (it must not exist) for a chunk written with {@code compression}. */
  public static ChunkWriter create(Path file, Compression compression) throws IOException {
    FileChannel out =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      return new ChunkWriter(file, out, BlockCodecs.compressor(compression));
    } catch (RuntimeException | LinkageError e) {
      out.close();
      throw e;
    }
  }

  /** Appends {@code src[off, off + len)} to the chunk. */
  public void write(byte[] src, int off, int len) throws IOException {
    if (length + len > ChunkFormat.MAX_CHUNK_LENGTH) {
      throw new IllegalArgumentException(
          "a chunk has at most " + ChunkFormat.MAX_CHUNK_LENGTH + " bytes");
    }
    length += len;
    while (len > 0) {
      if (mode == Mode.RAW) {
        writeFully(ByteBuffer.wrap(src, off, len));
        return;
      }
      int take = Math.min(len, BLOCK - filled);
      System.arraycopy(src, off, block, filled, take);
      filled += take;
      off += take;
      len -= take;
      if (filled == BLOCK) {
        flushBlock(false); // the first may turn the file raw: the rest then goes straight out
      }
    }
  }

  /**
   * Writes what is pending and the header, fdatasyncs and closes the file.
   *
   * @return the file's length
   */
  public long finish() throws IOException {
    long n = complete();
    syncAndClose();
    return n;
  }

  /**
   * Writes what is pending and the header, but does not sync: {@link #syncAndClose} (on any thread)
   * must follow. On failure the file is closed.
   *
   * @return the file's length
   */
  public long complete() throws IOException {
    try {
      if (mode != Mode.RAW && filled > 0) {
        flushBlock(true);
      }
      if (mode == Mode.UNDECIDED) {
        mode = Mode.RAW; // an empty chunk
      }
      if (mode == Mode.FRAME) {
        if (position >= length) {
          throw new IllegalStateException(
              "a compressed frame of " + position + " bytes for a chunk of " + length);
        }
        ChunkFormat.Header h =
            new ChunkFormat.Header(
                compressor.codecId(),
                ChunkFormat.BLOCK_LOG,
                (int) length,
                (int) (position - ChunkFormat.HEADER_LENGTH));
        ByteBuffer head = ByteBuffer.wrap(h.encode());
        while (head.hasRemaining()) {
          out.write(head, head.position());
        }
      }
      freeCompressor();
      block = null;
      packed = null;
      return mode == Mode.FRAME ? position : length;
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Fdatasyncs and closes a file that {@link #complete} wrote whole. */
  public void syncAndClose() throws IOException {
    try {
      out.force(false);
    } finally {
      close();
    }
  }

  /** Whether the file is a compressed frame (known once a block is full or the chunk finished). */
  public boolean compressed() {
    return mode == Mode.FRAME;
  }

  /** Closes the file, finished or not, and frees the compressor. */
  @Override
  public void close() throws IOException {
    block = null;
    packed = null;
    try {
      freeCompressor();
    } finally {
      out.close();
    }
  }

  /** Writes the pending block: decides the file's kind on the first, then stores it. */
  private void flushBlock(boolean lastOfChunk) throws IOException {
    int n = filled;
    filled = 0;
    int c = compress(n);
    if (mode == Mode.UNDECIDED) {
      // A chunk that is one short block must come out strictly shorter as a whole frame.
      boolean pays =
          saves(c, n)
              && (!lastOfChunk || ChunkFormat.HEADER_LENGTH + ChunkFormat.BLOCK_PREFIX + c < n);
      if (!pays) {
        mode = Mode.RAW;
        freeCompressor();
        position = 0;
        writeFully(ByteBuffer.wrap(block, 0, n));
        block = null;
        packed = null;
        return;
      }
      mode = Mode.FRAME;
      position = ChunkFormat.HEADER_LENGTH;
    } else if (!saves(c, n)) {
      System.arraycopy(block, 0, packed, ChunkFormat.BLOCK_PREFIX, n);
      c = n;
    }
    ByteBuffer.wrap(packed).putInt(0, c);
    writeFully(ByteBuffer.wrap(packed, 0, ChunkFormat.BLOCK_PREFIX + c));
  }

  private int compress(int n) throws IOException {
    try {
      return compressor.compress(block, 0, n, packed, ChunkFormat.BLOCK_PREFIX);
    } catch (RuntimeException e) {
      throw new IOException("compressing a block of " + file + " failed: " + e.getMessage(), e);
    }
  }

  /** Whether {@code compressed} bytes save at least 1/8 of {@code n}. */
  private static boolean saves(int compressed, int n) {
    return compressed <= n - n / 8;
  }

  private void writeFully(ByteBuffer b) throws IOException {
    if (mode == Mode.RAW) {
      while (b.hasRemaining()) {
        out.write(b);
      }
      return;
    }
    while (b.hasRemaining()) {
      position += out.write(b, position);
    }
  }

  private void freeCompressor() {
    if (compressor != null) {
      BlockCompressor c = compressor;
      compressor = null;
      c.close();
    }
  }
}
