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
package io.amberio.examples.node;

import io.amberio.core.Compression;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The value syntaxes of the command line: sizes such as {@code 4MiB} and durations such as {@code
 * 24h}. picocli turns a {@link TypeConversionException} into a usage error (exit code 2) naming the
 * option.
 */
final class CliValues {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*([a-z]*)");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,18})\\s*(ms|s|m|h|d)");

  private CliValues() {}

  /**
   * Parses a size in bytes: digits with an optional binary unit, {@code B}, {@code K}/{@code
   * KiB}/{@code KB}, {@code M}/{@code MiB}/{@code MB}, {@code G}/{@code GiB}/{@code GB}, {@code
   * T}/{@code TiB}/{@code TB} (case-insensitive; every multiple is a power of 1024).
   *
   * @throws TypeConversionException if {@code text} is not a size or does not fit in a long
   */
  static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new TypeConversionException(
          "'" + text + "' is not a size (examples: 1048576, 64KiB, 4MiB, 5GiB)");
    }
    int shift =
        switch (m.group(2)) {
          case "", "b" -> 0;
          case "k", "kb", "kib" -> 10;
          case "m", "mb", "mib" -> 20;
          case "g", "gb", "gib" -> 30;
          case "t", "tb", "tib" -> 40;
          default ->
              throw new TypeConversionException(
                  "'"
                      + text
                      + "' has an unknown unit '"
                      + m.group(2)
                      + "' (use B, KiB, MiB, GiB or TiB)");
        };
    try {
      long number = Long.parseLong(m.group(1));
      if (number > (Long.MAX_VALUE >> shift)) {
        throw new TypeConversionException("'" + text + "' is too large");
      }
      return number << shift;
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + text + "' is too large");
    }
  }

  /**
   * Parses a duration: digits with a unit {@code ms}, {@code s}, {@code m}, {@code h} or {@code d},
   * or an ISO-8601 duration such as {@code PT1H30M}.
   *
   * @throws TypeConversionException if {@code text} is not a non-negative duration
   */
  static Duration parseDuration(String text) {
    String value = text.strip();
    Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      Duration d = Duration.parse(value);
      if (d.isNegative()) {
        throw new TypeConversionException("'" + text + "' is negative");
      }
      return d;
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new TypeConversionException(
          "'" + text + "' is not a duration (examples: 500ms, 30s, 5m, 24h, 7d, PT1H30M)");
    }
  }

  /** picocli converter for sizes; see {@link #parseSize(String)}. */
  static final class SizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return parseSize(value);
    }
  }

  /** picocli converter for {@code --compression}; see {@link Compression#parse(String)}. */
  static final class CompressionConverter implements ITypeConverter<Compression> {
    @Override
    public Compression convert(String value) {
      try {
        return Compression.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** picocli converter for durations; see {@link #parseDuration(String)}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return parseDuration(value);
    }
  }
}
