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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever a client puts in the path, query or headers, the node answers with a JSON status below
 * 500: a client's mistake never becomes a server error.
 */
class NoServerErrorTest {
  private static Path dir;
  private static TestNode node;

  @BeforeContainer
  static void start() throws Exception {
    dir = Files.createTempDirectory("amberio-props");
    node = TestNode.start(dir);
    node.rawPut("/objects/fixed/a", "0123456789");
  }

  @AfterContainer
  static void stop() throws Exception {
    node.close();
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Property(tries = 150)
  void anyObjectPathGetsAClientAnswer(
      @ForAll("rawPaths") String rawPath, @ForAll("methods") String method) {
    String request =
        method
            + " /objects/"
            + rawPath
            + " HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi";
    TestNode.Raw response = node.raw(request);
    assertThat(response.status()).as("%s %s", method, rawPath).isBetween(200, 499);
    if (response.status() >= 400 && !method.equals("HEAD")) {
      assertThat(response.errorCode()).isNotBlank();
    }
  }

  @Property(tries = 150)
  void anyListingQueryGetsAClientAnswer(@ForAll("rawQueries") String query) {
    TestNode.Raw response = node.rawGet("/objects?" + query);
    assertThat(response.status()).as(query).isIn(200, 400);
    if (response.status() == 400) {
      assertThat(response.errorCode()).startsWith("invalid_");
    }
  }

  @Property(tries = 150)
  void anyRangeAndConditionGetsAClientAnswer(
      @ForAll("headerValues") String range, @ForAll("headerValues") String etags) {
    TestNode.Raw response =
        node.raw(
            "GET /objects/fixed/a HTTP/1.1\r\nHost: x\r\nRange: "
                + range
                + "\r\nIf-None-Match: "
                + etags
                + "\r\nIf-Match: "
                + etags
                + "\r\nConnection: close\r\n\r\n");
    assertThat(response.status())
        .as("Range: %s, tags: %s", range, etags)
        .isIn(200, 206, 304, 400, 412, 416);
  }

  @Provide
  Arbitrary<String> rawPaths() {
    Arbitrary<String> pieces =
        Arbitraries.oneOf(
            Arbitraries.of(
                "a", "b", "/", ".", "..", ";", "+", "=", "%", "%2F", "%2e", "%00", "%0A", "%7F",
                "%C3", "%A9", "%FF", "%E2%82", "~", "\\", "\"", "{", "|"),
            Arbitraries.strings()
                .withCharRange('!', '~')
                .ofMinLength(1)
                .ofMaxLength(4)
                .filter(s -> !s.contains("?") && !s.contains("#")));
    return pieces.list().ofMinSize(0).ofMaxSize(12).map(list -> String.join("", list));
  }

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.of("GET", "HEAD", "PUT", "DELETE");
  }

  @Provide
  Arbitrary<String> rawQueries() {
    Arbitrary<String> names =
        Arbitraries.of("prefix", "limit", "cursor", "versions", "x", "%70refix", "");
    Arbitrary<String> values =
        Arbitraries.oneOf(
            Arbitraries.of(
                "",
                "0",
                "1",
                "-1",
                "10000",
                "10001",
                "true",
                "false",
                "99999999999999999999",
                "%FF",
                "%",
                "%2F",
                "+",
                "a%00"),
            Arbitraries.strings()
                .withCharRange('!', '~')
                .ofMaxLength(8)
                .filter(s -> !s.contains("#") && !s.contains("&")));
    return net.jqwik.api.Combinators.combine(names, values)
        .as((n, v) -> n + "=" + v)
        .list()
        .ofMaxSize(4)
        .map(l -> String.join("&", l));
  }

  @Provide
  Arbitrary<String> headerValues() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "bytes=0-1",
            "bytes=-1",
            "bytes=5-",
            "bytes=9-0",
            "bytes=0-1,2-3",
            "*",
            "\"x\"",
            "W/\"x\"",
            "\"",
            "W/",
            ",,,",
            "bytes=99999999999999999999-"),
        Arbitraries.strings()
            .withCharRange(' ', '~')
            .ofMinLength(1)
            .ofMaxLength(16)
            .map(String::strip)
            .filter(s -> !s.isEmpty()));
  }
}
