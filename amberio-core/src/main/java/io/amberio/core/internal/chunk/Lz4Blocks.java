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

import io.amberio.core.internal.chunk.BlockCodecs.BlockCompressor;
import io.amberio.core.internal.chunk.BlockCodecs.BlockDecompressor;
import java.nio.ByteBuffer;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * LZ4 block format through lz4-java. Stateless and thread-safe, so one instance serves everyone and
 * {@code close} does nothing.
 */
final class Lz4Blocks implements BlockCompressor, BlockDecompressor {
  private static final LZ4Factory FACTORY = LZ4Factory.fastestInstance();

  // After FACTORY, which the constructor uses.
  static final Lz4Blocks INSTANCE = new Lz4Blocks();
  private final LZ4Compressor compressor = FACTORY.fastCompressor();
  private final LZ4SafeDecompressor decompressor = FACTORY.safeDecompressor();

  private Lz4Blocks() {}

  @Override
  public int codecId() {
    return ChunkFormat.LZ4;
  }

  @Override
  public int maxCompressedLength(int length) {
    return compressor.maxCompressedLength(length);
  }

  @Override
  public int compress(byte[] src, int off, int len, byte[] dst, int dstOff) {
    return compressor.compress(src, off, len, dst, dstOff, dst.length - dstOff);
  }

  @Override
  public void decompress(byte[] src, int off, int len, ByteBuffer dst, int dstOff, int dstLen)
      throws CorruptChunkException {
    int n;
    try {
      n = decompressor.decompress(ByteBuffer.wrap(src), off, len, dst, dstOff, dstLen);
    } catch (RuntimeException e) {
      throw new CorruptChunkException("lz4 cannot decode it: " + e.getMessage(), e);
    }
    if (n != dstLen) {
      throw new CorruptChunkException("it decodes to " + n + " bytes, not " + dstLen);
    }
  }

  @Override
  public void close() {
    // Nothing to free.
  }
}
