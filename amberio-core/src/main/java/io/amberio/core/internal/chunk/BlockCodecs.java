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
import java.nio.ByteBuffer;

/**
 * The codecs of compressed chunk frames, behind two small interfaces so that the frame code does
 * not care which library does the work: LZ4 through lz4-java (its fastest implementation: JNI where
 * it loads, else pure Java; the "safe" decompressor, which checks every bound of a malformed
 * input), zstd through zstd-jni (one context per compressor or decompressor, freed by {@code
 * close}).
 */
public final class BlockCodecs {
  private BlockCodecs() {}

  /** Compresses blocks; one thread uses it for one chunk file, then closes it. */
  public interface BlockCompressor extends AutoCloseable {
    /** The codec id written in the frame header. */
    int codecId();

    /** The most bytes {@link #compress} may produce for {@code length} bytes. */
    int maxCompressedLength(int length);

    /**
     * Compresses {@code src[off, off + len)} into {@code dst} from {@code dstOff} (which has room
     * for {@link #maxCompressedLength}) and returns the compressed length.
     */
    int compress(byte[] src, int off, int len, byte[] dst, int dstOff);

    @Override
    void close();
  }

  /** Decompresses blocks; one thread uses it, then closes it. */
  public interface BlockDecompressor extends AutoCloseable {
    /**
     * Decompresses {@code src[off, off + len)} into {@code dst[dstOff, dstOff + dstLen)}, a heap or
     * a direct buffer (its position and limit are ignored).
     *
     * @throws CorruptChunkException if the input is malformed or does not give exactly {@code
     *     dstLen} bytes
     */
    void decompress(byte[] src, int off, int len, ByteBuffer dst, int dstOff, int dstLen)
        throws CorruptChunkException;

    @Override
    void close();
  }

  /** A compressor for {@code compression}, or null for {@link Compression#none()}. */
  public static BlockCompressor compressor(Compression compression) {
    return switch (compression.codec()) {
      case NONE -> null;
      case LZ4 -> Lz4Blocks.INSTANCE;
      case ZSTD -> new ZstdBlocks.Compressor(compression.level());
    };
  }

  /**
   * A decompressor for a codec id that {@link ChunkFormat#parse} accepted.
   *
   * @throws CorruptChunkException for any other id
   */
  public static BlockDecompressor decompressor(int codecId) throws CorruptChunkException {
    return switch (codecId) {
      case ChunkFormat.LZ4 -> Lz4Blocks.INSTANCE;
      case ChunkFormat.ZSTD -> new ZstdBlocks.Decompressor();
      default -> throw new CorruptChunkException("unknown codec id " + codecId);
    };
  }

  /**
   * Checks that the library of {@code compression} loads here (zstd-jni unpacks a native library),
   * so that a store that cannot compress fails when it opens rather than at its first large write.
   *
   * @throws IllegalStateException if it does not
   */
  public static void requireAvailable(Compression compression) {
    try {
      BlockCompressor c = compressor(compression);
      if (c != null) {
        try (c) {
          byte[] probe = new byte[64];
          c.compress(probe, 0, probe.length, new byte[c.maxCompressedLength(64)], 0);
        }
      }
    } catch (LinkageError | RuntimeException e) {
      throw new IllegalStateException(
          "compression " + compression + " is not available on this platform: " + e, e);
    }
  }
}
