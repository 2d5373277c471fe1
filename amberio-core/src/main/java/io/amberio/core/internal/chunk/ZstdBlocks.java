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

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import io.amberio.core.internal.chunk.BlockCodecs.BlockCompressor;
import io.amberio.core.internal.chunk.BlockCodecs.BlockDecompressor;
import java.nio.ByteBuffer;

/**
 * zstd through zstd-jni: each block one zstd frame (no zstd checksum: the chunk's CRC32C covers
 * it). A compressor or decompressor holds one native context, reused for every block of a chunk and
 * freed by {@code close}.
 */
final class ZstdBlocks {
  private ZstdBlocks() {}

  static final class Compressor implements BlockCompressor {
    private final ZstdCompressCtx ctx = new ZstdCompressCtx();

    Compressor(int level) {
      ctx.setLevel(level);
    }

    @Override
    public int codecId() {
      return ChunkFormat.ZSTD;
    }

    @Override
    public int maxCompressedLength(int length) {
      return (int) Zstd.compressBound(length);
    }

    @Override
    public int compress(byte[] src, int off, int len, byte[] dst, int dstOff) {
      return ctx.compressByteArray(dst, dstOff, dst.length - dstOff, src, off, len);
    }

    @Override
    public void close() {
      ctx.close();
    }
  }

  static final class Decompressor implements BlockDecompressor {
    private final ZstdDecompressCtx ctx = new ZstdDecompressCtx();

    @Override
    public void decompress(byte[] src, int off, int len, ByteBuffer dst, int dstOff, int dstLen)
        throws CorruptChunkException {
      int n;
      try {
        n =
            dst.hasArray()
                ? ctx.decompressByteArray(
                    dst.array(), dst.arrayOffset() + dstOff, dstLen, src, off, len)
                : ctx.decompressByteArrayToDirectByteBuffer(dst, dstOff, dstLen, src, off, len);
      } catch (RuntimeException e) {
        throw new CorruptChunkException("zstd cannot decode it: " + e.getMessage(), e);
      }
      if (n != dstLen) {
        throw new CorruptChunkException("it decodes to " + n + " bytes, not " + dstLen);
      }
    }

    @Override
    public void close() {
      ctx.close();
    }
  }
}
