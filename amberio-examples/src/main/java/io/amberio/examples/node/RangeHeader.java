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

import io.amberio.core.ByteRange;
import java.util.List;

/**
 * Parses the {@code Range} header: one range of bytes, {@code bytes=a-b}, {@code bytes=a-} or
 * {@code bytes=-n} (RFC 9110, section 14.1.2). Anything else (another unit, several ranges, several
 * headers, {@code b < a}, numbers that do not fit in a long, stray characters) is a 400 {@code
 * invalid_range}, so a client never receives the whole blob when it asked for a part.
 */
final class RangeHeader {
  private RangeHeader() {}

  /**
   * The range asked for, or {@code null} when the request has no {@code Range} header.
   *
   * @param values every {@code Range} header of the request
   * @throws HttpError 400 {@code invalid_range}
   */
  static ByteRange parse(List<String> values) {
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw invalid("only one Range header is allowed");
    }
    String value = values.get(0).strip();
    int eq = value.indexOf('=');
    if (eq < 0 || !value.substring(0, eq).strip().equalsIgnoreCase("bytes")) {
      throw invalid(
          "the Range header must have the form bytes=first-last, bytes=first- or bytes=-length");
    }
    String spec = value.substring(eq + 1).strip();
    if (spec.indexOf(',') >= 0) {
      throw invalid("only one byte range per request is supported");
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      throw invalid("a byte range needs a '-'");
    }
    String first = spec.substring(0, dash);
    String last = spec.substring(dash + 1);
    if (first.isEmpty()) {
      return ByteRange.suffix(number(last));
    }
    long from = number(first);
    if (last.isEmpty()) {
      return ByteRange.from(from);
    }
    long to = number(last);
    if (to < from) {
      throw invalid("the last byte of a range must not be before its first");
    }
    return ByteRange.closed(from, to);
  }

  private static long number(String text) {
    long value = QueryParams.parseDecimal(text);
    if (value < 0) {
      throw invalid("'" + text + "' is not a byte position (decimal digits, below 2^63)");
    }
    return value;
  }

  private static HttpError invalid(String message) {
    return HttpError.badRequest("invalid_range", message);
  }
}
