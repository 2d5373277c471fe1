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

import io.amberio.core.BlobInfo;
import java.time.Instant;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The preconditions of a read (RFC 9110, section 13): {@code If-Match}, {@code
 * If-Unmodified-Since}, {@code If-None-Match}, {@code If-Modified-Since} and {@code If-Range},
 * evaluated in the RFC's order against the version being read.
 *
 * <p>Entity tags are compared on their opaque part, the text between the quotes: {@code If-Match}
 * and {@code If-Range} use the strong comparison (a weak {@code W/"..."} tag never matches), {@code
 * If-None-Match} the weak one. {@code *} matches any version. A date that does not parse is
 * ignored, as the RFC says.
 */
final class ConditionalHeaders {
  /** What the preconditions decide. */
  enum Outcome {
    /** Serve the request. */
    PROCEED,
    /** Answer 304 Not Modified. */
    NOT_MODIFIED,
    /** Answer 412 Precondition Failed. */
    PRECONDITION_FAILED
  }

  private ConditionalHeaders() {}

  /** Whether the request has any precondition besides {@code If-Range}. */
  static boolean present(HttpFields headers) {
    return headers.contains(HttpHeader.IF_MATCH)
        || headers.contains(HttpHeader.IF_NONE_MATCH)
        || headers.contains(HttpHeader.IF_MODIFIED_SINCE)
        || headers.contains(HttpHeader.IF_UNMODIFIED_SINCE);
  }

  /** Evaluates the preconditions of a GET or HEAD of {@code info}. */
  static Outcome evaluate(HttpFields headers, BlobInfo info) {
    Instant modified = HttpDates.truncate(info.lastModified());
    String ifMatch = joined(headers, HttpHeader.IF_MATCH);
    if (ifMatch != null) {
      if (!matches(ifMatch, info.etag(), true)) {
        return Outcome.PRECONDITION_FAILED;
      }
    } else {
      Instant since = date(headers, HttpHeader.IF_UNMODIFIED_SINCE);
      if (since != null && modified.isAfter(since)) {
        return Outcome.PRECONDITION_FAILED;
      }
    }
    String ifNoneMatch = joined(headers, HttpHeader.IF_NONE_MATCH);
    if (ifNoneMatch != null) {
      if (matches(ifNoneMatch, info.etag(), false)) {
        return Outcome.NOT_MODIFIED;
      }
    } else {
      Instant since = date(headers, HttpHeader.IF_MODIFIED_SINCE);
      if (since != null && !modified.isAfter(since)) {
        return Outcome.NOT_MODIFIED;
      }
    }
    return Outcome.PROCEED;
  }

  /**
   * Whether a {@code Range} header applies: true without {@code If-Range}, or when {@code If-Range}
   * names this version by strong entity tag or by its exact {@code Last-Modified} date.
   */
  static boolean rangeApplies(HttpFields headers, BlobInfo info) {
    String ifRange = headers.get(HttpHeader.IF_RANGE);
    if (ifRange == null) {
      return true;
    }
    String value = ifRange.strip();
    if (value.startsWith("\"") || value.startsWith("W/")) {
      return !value.startsWith("W/") && matches(value, info.etag(), true);
    }
    Instant date = HttpDates.parse(value);
    return date != null && date.equals(HttpDates.truncate(info.lastModified()));
  }

  /**
   * Whether a list of entity tags ({@code *}, {@code "x"}, {@code W/"x"}, separated by commas)
   * matches {@code etag}. A tag without quotes is accepted too, as some clients send them.
   */
  static boolean matches(String list, String etag, boolean strong) {
    int i = 0;
    int n = list.length();
    while (i < n) {
      char c = list.charAt(i);
      if (c == ',' || c == ' ' || c == '\t') {
        i++;
        continue;
      }
      if (c == '*') {
        return true;
      }
      boolean weak = list.startsWith("W/", i);
      if (weak) {
        i += 2;
      }
      String tag;
      if (i < n && list.charAt(i) == '"') {
        int close = list.indexOf('"', i + 1);
        int end = close < 0 ? n : close;
        tag = list.substring(i + 1, end);
        i = end + 1;
      } else {
        int end = i;
        while (end < n
            && list.charAt(end) != ','
            && list.charAt(end) != ' '
            && list.charAt(end) != '\t') {
          end++;
        }
        tag = list.substring(i, end);
        i = end;
      }
      if (tag.equals(etag) && !(strong && weak)) {
        return true;
      }
    }
    return false;
  }

  private static String joined(HttpFields headers, HttpHeader header) {
    List<String> values = headers.getValuesList(header);
    return values.isEmpty() ? null : String.join(",", values);
  }

  private static Instant date(HttpFields headers, HttpHeader header) {
    String value = headers.get(header);
    return value == null ? null : HttpDates.parse(value);
  }
}
