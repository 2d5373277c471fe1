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

import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.internal.chunk.ChunkFormat;
import io.amberio.core.internal.chunk.CompressedChunk;
import io.amberio.core.internal.chunk.CorruptChunkException;
import io.amberio.core.internal.row.VersionRow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;

/**
 * Streams a range of a chunked blob, one chunk at a time, and never returns a byte of a chunk
 * before the whole chunk matched its CRC32C.
 *
 * <p>A chunk file is raw (exactly the chunk's length) or a compressed frame (shorter; see {@link
 * ChunkFormat}); its length tells which. A compressed chunk is decoded whole and its CRC32C, always
 * that of the uncompressed bytes, checked before any byte is served; a frame that does not parse or
 * decode is CORRUPT like a checksum mismatch.
 *
 * <p>Memory: when the {@link ReadBuffers} budget allows, a chunk is read (or decoded) once into a
 * buffer, verified and served from it. Otherwise the chunk is verified by a first pass through a
 * small buffer (a compressed one decoded block by block through a 64 KiB scratch buffer) and then
 * served by a second pass from the file (a compressed one decoding the block that holds the bytes
 * asked for), so heap use stays bounded however many reads run.
 */
final class ChunkStream extends InputStream {
  private static final int SMALL = 64 << 10;

  private final Path chunksDir;
  private final VersionRow row;
  private final long end;
  private final ReadBuffers buffers;
  private final BooleanSupplier stillCommitted;
  private long position;

  // The chunk being served.
  private int chunk = -1;
  private long chunkStart;
  private int chunkLength;
  private ByteBuffer buffer; // holds the verified chunk (buffered mode), or null
  private FileChannel channel; // serves the verified chunk (two-pass mode), or null
  private CompressedChunk frame; // decodes it from the channel when it is compressed, or null
  private final byte[] one = new byte[1];
  private boolean closed;

  ChunkStream(
      Path chunksDir,
      VersionRow row,
      long offset,
      long length,
      ReadBuffers buffers,
      BooleanSupplier stillCommitted) {
    this.chunksDir = chunksDir;
    this.row = row;
    this.position = offset;
    this.end = offset + length;
    this.buffers = buffers;
    this.stillCommitted = stillCommitted;
  }

  /**
   * Loads and verifies the first chunk of the range now, so that errors surface before any byte.
   */
  ChunkStream open() {
    if (position < end) {
      load(chunkOf(position));
    }
    return this;
  }

  private int chunkOf(long pos) {
    return (int) (pos / row.chunkSize());
  }

  @Override
  public int read() throws IOException {
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (position >= end) {
      return -1;
    }
    int c = chunkOf(position);
    if (c != chunk) {
      load(c);
    }
    int inChunk = (int) (position - chunkStart);
    int n = (int) Math.min(Math.min(len, chunkLength - inChunk), end - position);
    if (buffer != null) {
      buffer.get(inChunk, b, off, n);
    } else if (frame != null) {
      n = readDecoded(c, inChunk, b, off, n);
    } else {
      ByteBuffer bb = ByteBuffer.wrap(b, off, n);
      while (bb.hasRemaining()) {
        int r = channel.read(bb, inChunk + (n - bb.remaining()));
        if (r < 0) {
          throw corrupt(c, "it became shorter while being read");
        }
      }
    }
    position += n;
    return n;
  }

  @Override
  public long skip(long n) {
    long skipped = Math.max(0, Math.min(n, end - position));
    position += skipped;
    return skipped;
  }

  @Override
  public int available() {
    if (chunk >= 0 && position >= chunkStart && position < chunkStart + chunkLength) {
      return (int) Math.min(chunkStart + chunkLength - position, end - position);
    }
    return 0;
  }

  /** Two-pass mode, compressed chunk: serves from the block that holds {@code inChunk}. */
  private int readDecoded(int c, int inChunk, byte[] b, int off, int n) throws IOException {
    int log = frame.header().blockLog();
    int i = inChunk >>> log;
    ByteBuffer block;
    try {
      block = frame.block(i);
    } catch (CorruptChunkException e) {
      throw corrupt(c, e.getMessage() + " (it changed after it was verified)");
    }
    int at = inChunk - (i << log);
    int take = Math.min(n, block.limit() - at);
    block.get(at, b, off, take);
    return take;
  }

  private void load(int c) {
    release();
    long start = (long) c * row.chunkSize();
    int length = (int) Math.min(row.chunkSize(), row.size() - start);
    Path file = chunksDir.resolve(Integer.toString(c));
    ByteBuffer buf = buffers.tryAcquire(length);
    try {
      FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
      try {
        long fileLength = ch.size();
        CompressedChunk compressed = null;
        if (fileLength < length) {
          compressed = CompressedChunk.open(ch, fileLength, length);
        } else if (fileLength > length) {
          throw corrupt(c, "it has " + fileLength + " bytes instead of " + length);
        }
        CRC32C crc = new CRC32C();
        if (compressed != null) {
          if (buf != null) {
            buf.limit(length);
          }
          compressed.decodeAll(buf, crc);
        } else if (buf != null) {
          buf.limit(length);
          while (buf.hasRemaining()) {
            if (ch.read(buf, buf.position()) < 0) {
              throw corrupt(c, "it ended early");
            }
          }
          buf.flip();
          crc.update(buf.duplicate());
        } else {
          ByteBuffer bb = ByteBuffer.allocate(SMALL);
          long pos = 0;
          while (pos < length) {
            bb.clear();
            int r = ch.read(bb, pos);
            if (r < 0) {
              throw corrupt(c, "it ended early");
            }
            crc.update(bb.array(), 0, r);
            pos += r;
          }
        }
        if ((int) crc.getValue() != row.checksum(c)) {
          throw corrupt(c, "its checksum does not match");
        }
        if (buf != null) {
          ch.close();
          buffer = buf;
          buf = null;
        } else {
          channel = ch;
          frame = compressed;
        }
      } catch (CorruptChunkException e) {
        ch.close();
        throw corrupt(c, e.getMessage());
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    } catch (NoSuchFileException e) {
      if (!stillCommitted.getAsBoolean()) {
        throw BlobStoreException.of(
            Reason.DELETED,
            "version " + row.version() + " of '" + row.path() + "' was deleted while being read",
            e);
      }
      throw corrupt(c, "its file is missing");
    } catch (IOException e) {
      throw BlobStoreException.io("reading chunk " + c + " of " + row.blobId(), e);
    } finally {
      if (buf != null) {
        buffers.release(buf);
      }
    }
    chunk = c;
    chunkStart = start;
    chunkLength = length;
  }

  private BlobStoreException corrupt(int c, String why) {
    return BlobStoreException.of(
        Reason.CORRUPT,
        "chunk "
            + c
            + " of version "
            + row.version()
            + " of '"
            + row.path()
            + "' (blob "
            + row.blobId()
            + ") is corrupt: "
            + why);
  }

  private void release() {
    if (buffer != null) {
      buffers.release(buffer);
      buffer = null;
    }
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Read-only channel; nothing to lose.
      }
      channel = null;
    }
    frame = null;
    chunk = -1;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      release();
    }
  }
}
