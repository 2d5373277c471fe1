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
package io.amberio.examples.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints the byte sizes, durations and rates of the bench, in binary units (KiB, MiB).
 */
final class Units {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*([kmg]?)(i?b?)", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?", Pattern.CASE_INSENSITIVE);
  static final double MIB = 1 << 20;

  private Units() {}

  /**
   * Parses {@code 4096}, {@code 4k}, {@code 4KiB}, {@code 1m}, {@code 64MiB}, {@code 1g}: binary
   * multiples.
   */
  static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a size: '" + text + "' (examples: 4096, 4KiB, 1MiB, 64m)");
    }
    long value = Long.parseLong(m.group(1));
    int shift =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          default -> 0;
        };
    if (value <= 0 || value > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("size out of range: '" + text + "'");
    }
    return value << shift;
  }

  /** Parses {@code 3s}, {@code 500ms}, {@code 1.5s}, {@code 2m}; a bare number is seconds. */
  static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a duration: '" + text + "' (examples: 3s, 500ms, 1m)");
    }
    double value = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
    double millis =
        switch (unit) {
          case "ms" -> value;
          case "m" -> value * 60_000;
          default -> value * 1000;
        };
    return Duration.ofNanos(Math.round(millis * 1_000_000));
  }

  /** {@code 4 KiB}, {@code 1 MiB}, {@code 64 MiB}, or bytes when not a whole multiple. */
  static String size(long bytes) {
    if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
      return (bytes >> 30) + " GiB";
    }
    if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
      return (bytes >> 20) + " MiB";
    }
    if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
      return (bytes >> 10) + " KiB";
    }
    return bytes + " B";
  }

  /** A human amount of bytes with one decimal: {@code 1.5 GiB}. */
  static String bytes(long bytes) {
    if (Math.abs(bytes) >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
    if (Math.abs(bytes) >= 1L << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / MIB);
    }
    if (Math.abs(bytes) >= 1L << 10) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return bytes + " B";
  }

  /**
   * A latency in milliseconds with three significant digits: {@code 0.214}, {@code 3.52}, {@code
   * 187}.
   */
  static String millis(long nanos) {
    double ms = nanos / 1e6;
    if (ms >= 100) {
      return String.format(Locale.ROOT, "%.0f", ms);
    }
    if (ms >= 10) {
      return String.format(Locale.ROOT, "%.1f", ms);
    }
    if (ms >= 1) {
      return String.format(Locale.ROOT, "%.2f", ms);
    }
    return String.format(Locale.ROOT, "%.3f", ms);
  }

  /**
   * A rate with three significant digits, no exponent: {@code 0.52}, {@code 41.7}, {@code 12345}.
   */
  static String rate(double value) {
    if (value >= 100) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    if (value >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }

  /** A ratio: {@code 0.83x}. */
  static String ratio(double value) {
    return String.format(Locale.ROOT, "%.2fx", value);
  }

  /** A duration for people: {@code 3s}, {@code 500ms}. */
  static String duration(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }
}
