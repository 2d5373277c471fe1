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
package io.amberio.core;

import java.util.Locale;
import java.util.Objects;

/**
 * How a store compresses the chunk files of large blobs ({@link BlobStoreBuilder#compression}):
 * {@link #none()} (the default), {@link #lz4()} (fast, a modest ratio) or {@link #zstd(int)} (a
 * better ratio for more CPU). Each chunk is compressed on its own and only when that pays (data
 * that does not compress, such as random or already compressed bytes, stays raw), so a ranged read
 * still reads only the chunks it needs. The setting decides how new chunks are written; every store
 * reads chunks written with any setting, so it may change between opens, and replicas may differ.
 *
 * <p>Its text form, accepted by {@link #parse} and given by {@link #toString}: {@code none}, {@code
 * lz4}, {@code zstd} (level {@value #DEFAULT_ZSTD_LEVEL}) or {@code zstd:LEVEL}.
 */
public final class Compression {
  /** The codecs. */
  public enum Codec {
    /** Chunks are written raw. */
    NONE,
    /** LZ4 (block format). */
    LZ4,
    /** Zstandard, at a level. */
    ZSTD
  }

  /** The zstd level of {@link #zstd()}. */
  public static final int DEFAULT_ZSTD_LEVEL = 3;

  /** The lowest zstd level taken. */
  public static final int MIN_ZSTD_LEVEL = 1;

  /**
   * The highest zstd level taken: zstd's levels above 19 ("ultra") need far more memory for little
   * gain on chunks compressed in 64 KiB blocks.
   */
  public static final int MAX_ZSTD_LEVEL = 19;

  private static final Compression NONE = new Compression(Codec.NONE, 0);
  private static final Compression LZ4 = new Compression(Codec.LZ4, 0);

  private final Codec codec;
  private final int level;

  private Compression(Codec codec, int level) {
    this.codec = codec;
    this.level = level;
  }

  /** Chunks are written raw: exactly what stores wrote before compression existed. */
  public static Compression none() {
    return NONE;
  }

  /** LZ4: compresses and decompresses at memory-like speeds, with a modest ratio. */
  public static Compression lz4() {
    return LZ4;
  }

  /** Zstandard at level {@value #DEFAULT_ZSTD_LEVEL}. */
  public static Compression zstd() {
    return zstd(DEFAULT_ZSTD_LEVEL);
  }

  /**
   * Zstandard at {@code level}, {@value #MIN_ZSTD_LEVEL} (fastest) to {@value #MAX_ZSTD_LEVEL}
   * (smallest); decompression is about as fast at every level.
   *
   * @throws IllegalArgumentException if the level is out of range
   */
  public static Compression zstd(int level) {
    if (level < MIN_ZSTD_LEVEL || level > MAX_ZSTD_LEVEL) {
      throw new IllegalArgumentException(
          "zstd level must be " + MIN_ZSTD_LEVEL + " to " + MAX_ZSTD_LEVEL + ", was " + level);
    }
    return new Compression(Codec.ZSTD, level);
  }

  /**
   * Parses the text form: {@code none}, {@code lz4}, {@code zstd} or {@code zstd:LEVEL}
   * (case-insensitive).
   *
   * @throws IllegalArgumentException naming the text if it is none of these
   */
  public static Compression parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.strip().toLowerCase(Locale.ROOT);
    switch (t) {
      case "none":
        return NONE;
      case "lz4":
        return LZ4;
      case "zstd":
        return zstd();
      default:
        break;
    }
    if (t.startsWith("zstd:")) {
      String digits = t.substring("zstd:".length());
      if (digits.matches("[0-9]{1,3}")) {
        int level = Integer.parseInt(digits);
        if (level >= MIN_ZSTD_LEVEL && level <= MAX_ZSTD_LEVEL) {
          return zstd(level);
        }
      }
      throw new IllegalArgumentException(
          "'"
              + text
              + "' has no zstd level from "
              + MIN_ZSTD_LEVEL
              + " to "
              + MAX_ZSTD_LEVEL
              + " (examples: zstd:1, zstd:3, zstd:19)");
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not a compression: use none, lz4, zstd or zstd:LEVEL (1 to 19)");
  }

  /** The codec. */
  public Codec codec() {
    return codec;
  }

  /** The zstd level; 0 for the other codecs. */
  public int level() {
    return level;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Compression c && c.codec == codec && c.level == level;
  }

  @Override
  public int hashCode() {
    return codec.hashCode() * 31 + level;
  }

  /**
   * The text form, which {@link #parse} reads back: {@code none}, {@code lz4} or {@code zstd:N}.
   */
  @Override
  public String toString() {
    return switch (codec) {
      case NONE -> "none";
      case LZ4 -> "lz4";
      case ZSTD -> "zstd:" + level;
    };
  }
}
