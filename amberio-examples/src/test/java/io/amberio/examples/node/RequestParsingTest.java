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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amberio.core.ByteRange;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The node's own parsing of paths, query strings, ranges and entity tags. */
class RequestParsingTest {
  @Test
  void percentDecodingIsStrictAndKeepsPlusAndSemicolon() {
    assertThat(PercentDecoder.decode("a%2Fb", "c", "path")).isEqualTo("a/b");
    assertThat(PercentDecoder.decode("a+b;c=d", "c", "path")).isEqualTo("a+b;c=d");
    assertThat(PercentDecoder.decode("caf%c3%a9", "c", "path")).isEqualTo("café");
    assertThat(PercentDecoder.decode("%F0%9F%98%80", "c", "path")).isEqualTo("😀");
    assertThat(PercentDecoder.decode("%25", "c", "path")).isEqualTo("%");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "%",
        "%2",
        "%zz",
        "%٣٣",
        "a b",
        "é",
        "%C3%28",
        "%FF",
        "%C0%AE",
        "%ED%A0%80",
        "%F4%90%80%80",
        "\u0000"
      })
  void percentDecodingRejects(String raw) {
    assertThatThrownBy(() -> PercentDecoder.decode(raw, "invalid_path", "path"))
        .isInstanceOfSatisfying(
            HttpError.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo("invalid_path");
            });
  }

  @Test
  void decimalsAreDigitsThatFitInALong() {
    assertThat(QueryParams.parseDecimal("0")).isZero();
    assertThat(QueryParams.parseDecimal("007")).isEqualTo(7);
    assertThat(QueryParams.parseDecimal("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(QueryParams.parseDecimal("9223372036854775808")).isEqualTo(-1);
    assertThat(QueryParams.parseDecimal("")).isEqualTo(-1);
    assertThat(QueryParams.parseDecimal("+1")).isEqualTo(-1);
    assertThat(QueryParams.parseDecimal("١")).isEqualTo(-1);
  }

  @Test
  void queryParametersAreDecodedOnDemandAndDuplicatesRejected() {
    QueryParams query = QueryParams.parse("prefix=a+b%20c&limit=5&&flag");
    assertThat(query.get("prefix", "invalid_prefix")).isEqualTo("a+b c");
    assertThat(query.intInRange("limit", "invalid_limit", 1, 10, 1)).isEqualTo(5);
    assertThat(query.get("flag", "x")).isEmpty();
    assertThat(query.get("absent", "x")).isNull();
    assertThatThrownBy(() -> QueryParams.parse("a=1&a=2").get("a", "invalid_a"))
        .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.code()).isEqualTo("invalid_a"));
    assertThatThrownBy(() -> QueryParams.parse("%zz=1"))
        .isInstanceOfSatisfying(
            HttpError.class, e -> assertThat(e.code()).isEqualTo("invalid_parameter"));
  }

  @Test
  void rangesParse() {
    assertThat(RangeHeader.parse(List.of())).isNull();
    assertThat(RangeHeader.parse(List.of("bytes=0-9"))).isEqualTo(ByteRange.closed(0, 9));
    assertThat(RangeHeader.parse(List.of("Bytes = 5-"))).isEqualTo(ByteRange.from(5));
    assertThat(RangeHeader.parse(List.of("bytes=-7"))).isEqualTo(ByteRange.suffix(7));
    assertThatThrownBy(() -> RangeHeader.parse(List.of("bytes=0-1", "bytes=2-3")))
        .isInstanceOf(HttpError.class);
  }

  @Test
  void entityTagListsMatch() {
    assertThat(ConditionalHeaders.matches("\"abc\"", "abc", true)).isTrue();
    assertThat(ConditionalHeaders.matches("W/\"abc\"", "abc", true)).isFalse();
    assertThat(ConditionalHeaders.matches("W/\"abc\"", "abc", false)).isTrue();
    assertThat(ConditionalHeaders.matches("\"x\", \"y\",\"abc\"", "abc", true)).isTrue();
    assertThat(ConditionalHeaders.matches("\"a,b\", \"abc\"", "abc", true)).isTrue();
    assertThat(ConditionalHeaders.matches("\"a,b\"", "b", true)).isFalse();
    assertThat(ConditionalHeaders.matches("*", "abc", true)).isTrue();
    assertThat(ConditionalHeaders.matches("abc", "abc", true)).isTrue();
    assertThat(ConditionalHeaders.matches("\"abcd\"", "abc", false)).isFalse();
    assertThat(ConditionalHeaders.matches("", "abc", false)).isFalse();
  }

  @Test
  void httpDatesRoundTrip() {
    Instant t = Instant.parse("1994-11-06T08:49:37Z");
    assertThat(HttpDates.format(t)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    assertThat(HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(t);
    assertThat(HttpDates.parse("yesterday")).isNull();
  }
}
