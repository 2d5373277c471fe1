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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The query parameters of a request, taken from the raw query string.
 *
 * <p>Names and values are percent-decoded with the same strict rules as paths ({@link
 * PercentDecoder}): a {@code +} stays a {@code +} (keys may contain it; send {@code %20} for a
 * space). Each endpoint names the parameters it takes: an unknown parameter is a 400 {@code
 * invalid_parameter} rather than being ignored, so a typo such as {@code ?verison=3} on a DELETE
 * cannot silently delete the whole path. A parameter given twice is a 400 with that parameter's own
 * error code.
 */
final class QueryParams {
  private final Map<String, List<String>> rawValues;

  private QueryParams(Map<String, List<String>> rawValues) {
    this.rawValues = rawValues;
  }

  /** Splits a raw query string ({@code null} for none) into names and raw values. */
  static QueryParams parse(String rawQuery) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&", -1)) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name =
            PercentDecoder.decode(
                eq < 0 ? pair : pair.substring(0, eq), "invalid_parameter", "parameter name");
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      }
    }
    return new QueryParams(values);
  }

  /**
   * Checks that no parameter other than {@code allowed} was given.
   *
   * @throws HttpError 400 {@code invalid_parameter}
   */
  QueryParams allowOnly(Set<String> allowed) {
    for (String name : rawValues.keySet()) {
      if (!allowed.contains(name)) {
        String known =
            allowed.isEmpty() ? "none" : String.join(", ", allowed.stream().sorted().toList());
        throw HttpError.badRequest(
            "invalid_parameter",
            "unknown query parameter '" + name + "'; this endpoint takes: " + known);
      }
    }
    return this;
  }

  /**
   * The decoded value of {@code name}, or {@code null} when absent.
   *
   * @throws HttpError 400 {@code errorCode} if it is given twice or does not decode
   */
  String get(String name, String errorCode) {
    List<String> values = rawValues.get(name);
    if (values == null) {
      return null;
    }
    if (values.size() > 1) {
      throw HttpError.badRequest(
          errorCode, "the parameter '" + name + "' is given " + values.size() + " times");
    }
    return PercentDecoder.decode(values.get(0), errorCode, "parameter '" + name + "'");
  }

  /**
   * The {@code version} parameter: a positive decimal integer.
   *
   * @throws HttpError 400 {@code invalid_version}
   */
  OptionalLong version() {
    String text = get("version", "invalid_version");
    if (text == null) {
      return OptionalLong.empty();
    }
    long version = parseDecimal(text);
    if (version < 1) {
      throw HttpError.badRequest(
          "invalid_version",
          "version must be a positive decimal integer below 2^63, was '" + text + "'");
    }
    return OptionalLong.of(version);
  }

  /**
   * An integer parameter in {@code [min, max]}, or {@code fallback} when absent.
   *
   * @throws HttpError 400 {@code errorCode}
   */
  int intInRange(String name, String errorCode, int min, int max, int fallback) {
    String text = get(name, errorCode);
    if (text == null) {
      return fallback;
    }
    long value = parseDecimal(text);
    if (value < min || value > max) {
      throw HttpError.badRequest(
          errorCode,
          name + " must be an integer from " + min + " to " + max + ", was '" + text + "'");
    }
    return (int) value;
  }

  /**
   * A boolean parameter, exactly {@code true} or {@code false}, or {@code fallback} when absent.
   *
   * @throws HttpError 400 {@code errorCode}
   */
  boolean bool(String name, String errorCode, boolean fallback) {
    String text = get(name, errorCode);
    if (text == null) {
      return fallback;
    }
    return switch (text) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw HttpError.badRequest(
              errorCode, name + " must be true or false, was '" + text + "'");
    };
  }

  /**
   * Parses ASCII decimal digits (no sign, no spaces) into a non-negative long.
   *
   * @return the value, or -1 if {@code text} is not such a number or does not fit in a long
   */
  static long parseDecimal(String text) {
    if (text.isEmpty() || text.length() > 19) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      if (value > (Long.MAX_VALUE - (c - '0')) / 10) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
