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

import static io.amberio.examples.node.TestNode.errorCode;
import static io.amberio.examples.node.TestNode.json;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.core.ListRequest;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests written byte by byte on a raw socket, so nothing between the test and the node
 * normalizes them. Every bad request gets a JSON 4xx, changes nothing, and leaves the node serving.
 */
class HostileInputTest {
  @TempDir static Path dir;
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(dir);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @AfterEach
  void stillServing() {
    node.assertServing();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "..",
        ".",
        "a/..",
        "a/.",
        "../a",
        "./a",
        "a/../b",
        "a/./b",
        "a//b",
        "a/",
        "/a",
        "//a",
        "a%2F%2Fb",
        "%2Fa",
        "a%2F",
        "%2e%2e",
        "a/%2e%2e/b",
        "%2E",
        "a/%2e",
        "a%00b",
        "%00",
        "a%0Ab",
        "a%0D%0Ab",
        "a%09b",
        "a%1Fb",
        "a%7Fb",
        "a%C2%80b",
        "%C3%28",
        "%FF",
        "a%FFb",
        "%C0%AE",
        "%C0%AF",
        "%ED%A0%80",
        "%E2%82",
        "%F4%90%80%80",
        "%",
        "a%",
        "a%2",
        "a%zz",
        "a%G0",
        "%u0041",
        "a%%41"
      })
  void badPathsGet400InvalidPathAndStoreNothing(String rawPath) {
    TestNode.Raw put = node.rawPut("/objects/" + rawPath, "data");
    assertThat(put.status()).as("PUT %s -> %s", rawPath, put.bodyText()).isEqualTo(400);
    assertThat(put.errorCode()).as("PUT %s", rawPath).isEqualTo("invalid_path");
    TestNode.Raw get = node.rawGet("/objects/" + rawPath);
    assertThat(get.status()).as("GET %s", rawPath).isEqualTo(400);
    assertThat(get.errorCode()).isEqualTo("invalid_path");
    TestNode.Raw delete =
        node.raw(
            "DELETE /objects/" + rawPath + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(delete.status()).as("DELETE %s", rawPath).isEqualTo(400);
    assertThat(delete.errorCode()).isEqualTo("invalid_path");
    assertNothingStoredExceptProbes();
  }

  @ParameterizedTest
  @ValueSource(strings = {"../../x", "a/../../x", "%2e%2e/%2e%2e/x", "../../../../etc/passwd"})
  void pathsClimbingAboveTheRootAreInvalidPathsToo(String rawPath) {
    TestNode.Raw put = node.rawPut("/objects/" + rawPath, "data");
    assertThat(put.status()).as(rawPath).isEqualTo(400);
    assertThat(put.errorCode()).isEqualTo("invalid_path");
    assertNothingStoredExceptProbes();
  }

  @Test
  void emptyPathIsInvalid() {
    TestNode.Raw put = node.rawPut("/objects/", "data");
    assertThat(put.status()).isEqualTo(400);
    assertThat(put.errorCode()).isEqualTo("invalid_path");
  }

  @Test
  void rawNonAsciiBytesInThePathAreInvalid() {
    byte[] head = "PUT /objects/caf".getBytes(UTF_8);
    byte[] tail =
        " HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx".getBytes(UTF_8);
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(head);
    request.writeBytes(new byte[] {(byte) 0xC3, (byte) 0xA9});
    request.writeBytes(tail);
    TestNode.Raw put = node.raw(request.toByteArray());
    assertThat(put.status()).isEqualTo(400);
    assertThat(put.errorCode()).isIn("invalid_path", "bad_request");
    assertNothingStoredExceptProbes();
  }

  @Test
  void encodedSlashSemicolonAndPlusAreOrdinaryCharacters() {
    assertThat(node.rawPut("/objects/enc/a%2Fb", "slash").status()).isEqualTo(201);
    assertThat(node.rawGet("/objects/enc/a/b").bodyText()).isEqualTo("slash");

    TestNode.Raw semi = node.rawPut("/objects/enc/a;b=c/d", "semicolon");
    assertThat(semi.status()).isEqualTo(201);
    assertThat(json(semi.body()).path("path").asText()).isEqualTo("enc/a;b=c/d");
    assertThat(node.rawGet("/objects/enc/a;b=c/d").bodyText()).isEqualTo("semicolon");
    assertThat(node.rawGet("/objects/enc/a%3Bb=c/d").bodyText()).isEqualTo("semicolon");
    assertThat(node.rawGet("/objects/enc/a/d").status()).isEqualTo(404);

    TestNode.Raw plus = node.rawPut("/objects/enc/a+b", "plus");
    assertThat(json(plus.body()).path("path").asText()).isEqualTo("enc/a+b");
    assertThat(node.rawGet("/objects/enc/a%2Bb").bodyText()).isEqualTo("plus");
    assertThat(node.rawGet("/objects/enc/a%20b").status()).isEqualTo(404);

    TestNode.Raw unicode = node.rawPut("/objects/enc/caf%C3%A9%F0%9F%98%80", "unicode");
    assertThat(json(unicode.body()).path("path").asText()).isEqualTo("enc/café😀");
  }

  @Test
  void pathsUpTo1024BytesAreAcceptedAndLongerOnesAreNot() {
    String ascii1024 = "p/" + "a".repeat(1022);
    assertThat(node.rawPut("/objects/" + ascii1024, "max").status()).isEqualTo(201);
    assertThat(node.rawGet("/objects/" + ascii1024).bodyText()).isEqualTo("max");
    TestNode.Raw tooLong = node.rawPut("/objects/" + ascii1024 + "a", "over");
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.errorCode()).isEqualTo("invalid_path");

    String twoByteChars = "q/" + "%C3%A9".repeat(511); // 2 + 1022 = 1024 bytes
    assertThat(node.rawPut("/objects/" + twoByteChars, "max").status()).isEqualTo(201);
    TestNode.Raw overByOne = node.rawPut("/objects/" + twoByteChars + "x", "over");
    assertThat(overByOne.status()).isEqualTo(400);
    assertThat(overByOne.errorCode()).isEqualTo("invalid_path");
  }

  @Test
  void absurdNumbersAreClientErrors() {
    node.rawPut("/objects/absurd/a", "0123456789");
    TestNode.Raw version = node.rawGet("/objects/absurd/a?version=99999999999999999999999");
    assertThat(version.status()).isEqualTo(400);
    assertThat(version.errorCode()).isEqualTo("invalid_version");
    TestNode.Raw limit = node.rawGet("/objects?limit=-1");
    assertThat(limit.status()).isEqualTo(400);
    assertThat(limit.errorCode()).isEqualTo("invalid_limit");
    TestNode.Raw range =
        node.raw(
            "GET /objects/absurd/a HTTP/1.1\r\nHost: x\r\nRange: bytes=99999999999999999999-\r\nConnection: close\r\n\r\n");
    assertThat(range.status()).isEqualTo(400);
    assertThat(range.errorCode()).isEqualTo("invalid_range");
    TestNode.Raw slot = node.rawGet("/slots/99999999999999999999999");
    assertThat(slot.status()).isEqualTo(404);
    assertThat(slot.errorCode()).isEqualTo("slot_not_found");
    TestNode.Raw length =
        node.raw(
            "PUT /objects/absurd/b HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\nConnection: close\r\n\r\n");
    assertThat(length.status()).isEqualTo(400);
    assertThat(length.errorCode()).isEqualTo("bad_request");
    assertThat(node.rawGet("/objects/absurd/b").status()).isEqualTo(404);
  }

  @Test
  void oversizedHeadersGet431() {
    TestNode.Raw response =
        node.raw(
            "GET /objects/x HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "a".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");
    assertThat(response.status()).isEqualTo(431);
    assertThat(response.errorCode()).isEqualTo("header_too_large");
    TestNode.Raw many =
        node.raw(
            "GET /objects/x HTTP/1.1\r\nHost: x\r\n"
                + "X-H: 0123456789abcdef\r\n".repeat(1000)
                + "Connection: close\r\n\r\n");
    assertThat(many.status()).isEqualTo(431);
  }

  @Test
  void oversizedRequestLineGetsAJsonError() {
    TestNode.Raw response = node.rawGet("/objects/" + "a".repeat(20_000));
    assertThat(response.status()).isIn(414, 431);
    assertThat(response.errorCode()).isIn("uri_too_long", "header_too_large");
  }

  @Test
  void garbageRequestsGetJsonErrors() {
    for (String request :
        List.of(
            "GET /objects/a HTTP/9.9\r\nHost: x\r\n\r\n",
            "G@T /objects/a HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /objects/a HTTP/1.1\r\nConnection: close\r\n\r\n",
            "PUT /objects/a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            "PUT /objects/a HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
            "GET objects/a HTTP/1.1\r\nHost: x\r\n\r\n")) {
      TestNode.Raw response = node.raw(request);
      assertThat(response.status()).as(request).isBetween(400, 505);
      assertThat(response.header("Content-Type")).as(request).startsWith("application/json");
      assertThat(errorCode(response.body())).as(request).isNotBlank();
    }
    assertThat(node.rawGet("/objects/a").status()).isEqualTo(404);
  }

  @Test
  void laterHttpVersionsAre505AndUnknownMetricsParametersAre400() {
    for (String v : List.of("HTTP/2.0", "HTTP/3.0", "HTTP/9.9")) {
      TestNode.Raw response =
          node.raw("GET /health " + v + "\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(response.status()).as(v).isEqualTo(505);
      assertThat(response.errorCode()).as(v).isEqualTo("http_version_not_supported");
    }
    TestNode.Raw metrics = node.rawGet("/metrics?x=1");
    assertThat(metrics.status()).isEqualTo(400);
    assertThat(metrics.errorCode()).isEqualTo("invalid_parameter");
    assertThat(node.rawGet("/metrics").status()).isEqualTo(200);
  }

  @Test
  void clientDisconnectingMidUploadLeavesNothingVisible() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", node.server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          "PUT /objects/cut/a HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n0123456789"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    Metrics.awaitRequest(node, "PUT", "object", status -> !status.equals("201"));
    assertThat(node.rawGet("/objects/cut/a").status()).isEqualTo(404);
    assertThat(node.store.list(ListRequest.prefix("cut/").withAllVersions(true)).items()).isEmpty();
  }

  @Test
  void chunkedUploadCutOffMidwayLeavesNothingVisible() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", node.server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          "PUT /objects/cut/b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10000\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[30_000]);
      out.flush();
    }
    Metrics.awaitRequest(node, "PUT", "object", status -> !status.equals("201"));
    assertThat(node.rawGet("/objects/cut/b").status()).isEqualTo(404);
    assertThat(node.store.list(ListRequest.prefix("cut/").withAllVersions(true)).items()).isEmpty();
  }

  /**
   * Every path stored by this class is one of the probes of {@link TestNode#assertServing()} or a
   * test's own.
   */
  private static void assertNothingStoredExceptProbes() {
    node.store
        .list(new ListRequest("", ListRequest.MAX_LIMIT, null, true))
        .items()
        .forEach(
            info -> assertThat(info.path()).matches("still-serving|enc/.*|p/a+|q/.*|absurd/a"));
  }
}
