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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AmberioServer#close()} lets requests in flight finish before it stops. */
class DrainTest {
  @TempDir Path dir;

  @Test
  void closeWaitsForAnUploadInFlightThenStopsListening() throws Exception {
    try (TestNode node = TestNode.start(dir)) {
      int port = node.server.port();
      try (Socket upload = new Socket("127.0.0.1", port);
          Socket keepAlive = new Socket("127.0.0.1", port)) {
        keepAlive.setSoTimeout(30_000);
        String health = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
        keepAlive.getOutputStream().write(health.getBytes(StandardCharsets.US_ASCII));
        assertThat(TestNode.Raw.parse(readUntilClosedOrComplete(keepAlive)).status())
            .isEqualTo(200);

        upload.setSoTimeout(30_000);
        OutputStream out = upload.getOutputStream();
        out.write(
            "PUT /objects/drain/a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        awaitActiveRequests(node, 2); // the upload and the metrics request asking

        CompletableFuture<Void> closing = CompletableFuture.runAsync(node.server::close);
        awaitRefused(port);
        assertThat(closing).isNotDone();

        // A connection opened before the stop may still ask, and learns that the node is going
        // away.
        keepAlive.getOutputStream().write(health.getBytes(StandardCharsets.US_ASCII));
        byte[] answer = readUntilClosedOrComplete(keepAlive);
        if (answer.length > 0) {
          TestNode.Raw draining = TestNode.Raw.parse(answer);
          assertThat(draining.status()).isEqualTo(503);
          assertThat(draining.errorCode()).isEqualTo("unavailable");
        }

        out.write("56789".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        TestNode.Raw response = TestNode.Raw.parse(readUntilClosedOrComplete(upload));
        assertThat(response.status()).isEqualTo(201);
        closing.get();
      }
      assertThat(node.store.get("drain/a").readAllBytes()).asString().isEqualTo("0123456789");
      assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
          .isInstanceOf(ConnectException.class);
    }
  }

  private static void awaitActiveRequests(TestNode node, int atLeast) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      if (Metrics.active(new String(node.get("/metrics").body(), StandardCharsets.UTF_8))
          >= atLeast) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the upload never started");
  }

  private static void awaitRefused(int port) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      try {
        new Socket("127.0.0.1", port).close();
        Thread.sleep(20);
      } catch (IOException refused) {
        return;
      }
    }
    throw new AssertionError("the server kept accepting connections while draining");
  }

  private static byte[] readUntilClosedOrComplete(Socket socket) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    InputStream in = socket.getInputStream();
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      bytes.write(buffer, 0, n);
      String text = bytes.toString(StandardCharsets.ISO_8859_1);
      int head = text.indexOf("\r\n\r\n");
      if (head >= 0) {
        Matcher m = Pattern.compile("(?i)content-length: (\\d+)").matcher(text.substring(0, head));
        if (m.find() && bytes.size() >= head + 4 + Integer.parseInt(m.group(1))) {
          break;
        }
      }
    }
    return bytes.toByteArray();
  }
}
