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
import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.core.ListRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Size limits, slow and idle clients, and a full disk. */
class LimitsTest {
  @TempDir Path dir;

  @Test
  void contentLengthOverTheMaximumGets413BeforeTheBodyIsSent() throws Exception {
    try (TestNode node =
        TestNode.start(dir, b -> b.maxBlobSize(1000), o -> o.withMaxBlobSize(1000))) {
      // Only the headers are sent: the answer must come without the body.
      try (Socket socket = new Socket("127.0.0.1", node.server.port())) {
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            "PUT /objects/big HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        TestNode.Raw response = TestNode.Raw.parse(readHead(socket.getInputStream()));
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.header("Connection")).isEqualTo("close");
      }
      HttpResponse<byte[]> justOver = node.put("/objects/big", new byte[1001]);
      assertThat(justOver.statusCode()).isEqualTo(413);
      assertThat(errorCode(justOver)).isEqualTo("too_large");
      assertThat(node.put("/objects/big", new byte[1000]).statusCode()).isEqualTo(201);
      node.assertServing();
    }
  }

  @Test
  void chunkedBodyGrowingPastTheMaximumGets413AndStoresNothing() {
    try (TestNode node =
        TestNode.start(dir, b -> b.maxBlobSize(100_000), o -> o.withMaxBlobSize(100_000))) {
      HttpRequest.BodyPublisher chunked =
          HttpRequest.BodyPublishers.ofInputStream(
              () -> new ByteArrayInputStream(new byte[300_000]));
      HttpResponse<byte[]> response =
          node.send(HttpRequest.newBuilder(node.uri("/objects/chunked")).PUT(chunked));
      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(errorCode(response)).isEqualTo("too_large");
      assertThat(node.get("/objects/chunked").statusCode()).isEqualTo(404);
      assertThat(node.store.list(ListRequest.prefix("").withAllVersions(true)).items()).isEmpty();

      HttpRequest.BodyPublisher small =
          HttpRequest.BodyPublishers.ofInputStream(
              () -> new ByteArrayInputStream(new byte[100_000]));
      assertThat(
              node.send(HttpRequest.newBuilder(node.uri("/objects/chunked")).PUT(small))
                  .statusCode())
          .isEqualTo(201);
      node.assertServing();
    }
  }

  @Test
  void aFullDiskGets507() {
    try (TestNode node = TestNode.start(dir, b -> b.minFreeBytes(Long.MAX_VALUE), o -> o)) {
      HttpResponse<byte[]> response = node.put("/objects/full", new byte[200_000]);
      assertThat(response.statusCode()).isEqualTo(507);
      assertThat(errorCode(response)).isEqualTo("insufficient_storage");
      assertThat(node.get("/objects/full").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void idleClientsAreDisconnected() throws Exception {
    try (TestNode node =
        TestNode.start(dir, b -> b, o -> o.withIdleTimeout(Duration.ofMillis(500)))) {
      try (Socket socket = new Socket("127.0.0.1", node.server.port())) {
        socket.setSoTimeout(30_000);
        socket
            .getOutputStream()
            .write("GET /objects/x HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        // The request never ends: the node must close the connection on its own.
        socket.getInputStream().readAllBytes();
      }
      try (Socket socket = new Socket("127.0.0.1", node.server.port())) {
        socket.setSoTimeout(30_000);
        socket
            .getOutputStream()
            .write(
                "PUT /objects/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc"
                    .getBytes(StandardCharsets.US_ASCII));
        byte[] answer = socket.getInputStream().readAllBytes();
        if (answer.length > 0) {
          assertThat(TestNode.Raw.parse(answer).status()).isEqualTo(408);
        }
      }
      Metrics.awaitRequest(node, "PUT", "object", status -> !status.equals("201"));
      assertThat(node.get("/objects/slow").statusCode()).isEqualTo(404);
      node.assertServing();
    }
  }

  @Test
  void bodiesBelowTheMinimumRateAreCutOff() throws Exception {
    try (TestNode node = TestNode.start(dir, b -> b, o -> o.withMinRequestRate(1_000_000))) {
      try (Socket socket = new Socket("127.0.0.1", node.server.port())) {
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            "PUT /objects/trickle HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        byte[] answer = null;
        boolean closed = false;
        for (int i = 0; i < 500 && answer == null && !closed; i++) {
          try {
            out.write(new byte[10]);
            out.flush();
          } catch (IOException e) {
            closed = true;
          }
          Thread.sleep(20);
          if (in.available() > 0) {
            answer = readHead(in);
          }
        }
        // The node cut the trickle off (an answer, or a closed connection) long before its 100000
        // bytes.
        assertThat(answer != null || closed).isTrue();
        if (answer != null) {
          assertThat(TestNode.Raw.parse(answer).status()).isEqualTo(408);
        }
      }
      Metrics.awaitRequest(node, "PUT", "object", status -> !status.equals("201"));
      assertThat(node.get("/objects/trickle").statusCode()).isEqualTo(404);
      node.assertServing();
    }
  }

  /** Reads the status line and headers, and as much body as has arrived with them. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      byte[] sofar = head.toByteArray();
      int n = sofar.length;
      if (n >= 4
          && sofar[n - 4] == '\r'
          && sofar[n - 3] == '\n'
          && sofar[n - 2] == '\r'
          && sofar[n - 1] == '\n') {
        break;
      }
    }
    return head.toByteArray();
  }
}
