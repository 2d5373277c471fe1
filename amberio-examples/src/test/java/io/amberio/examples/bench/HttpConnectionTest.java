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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bench's HTTP client against the JDK's server: fixed-length and chunked bodies, errors,
 * keep-alive.
 */
class HttpConnectionTest {
  private HttpServer server;
  private final AtomicLong received = new AtomicLong();
  private HttpConnection connection;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/fixed/",
        ex -> {
          long n = Long.parseLong(ex.getRequestURI().getPath().substring("/fixed/".length()));
          ex.sendResponseHeaders(200, n);
          writeBytes(ex.getResponseBody(), n);
        });
    server.createContext(
        "/chunked/",
        ex -> {
          long n = Long.parseLong(ex.getRequestURI().getPath().substring("/chunked/".length()));
          ex.sendResponseHeaders(200, 0);
          writeBytes(ex.getResponseBody(), n);
        });
    server.createContext(
        "/put",
        ex -> {
          long n = 0;
          try (InputStream in = ex.getRequestBody()) {
            byte[] b = new byte[8192];
            for (int r; (r = in.read(b)) >= 0; ) {
              n += r;
            }
          }
          received.set(n);
          byte[] body = ("{\"size\":" + n + "}").getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(201, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.createContext(
        "/missing",
        ex -> {
          byte[] body = "{\"error\":\"not_found\"}".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(404, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    connection =
        new HttpConnection(
            new InetSocketAddress("127.0.0.1", server.getAddress().getPort()), 1 << 16);
  }

  private static void writeBytes(OutputStream out, long n) throws IOException {
    byte[] b = new byte[10_000];
    for (long left = n; left > 0; left -= Math.min(left, b.length)) {
      out.write(b, 0, (int) Math.min(left, b.length));
    }
    out.close();
  }

  @AfterEach
  void stop() {
    connection.close();
    server.stop(0);
  }

  @Test
  void readsFixedAndChunkedBodiesOfAnySizeOnOneConnection() throws IOException {
    for (long n : new long[] {0, 1, 4096, 65_536, 1_000_003, 3 << 20}) {
      assertThat(connection.get("/fixed/" + n)).as("fixed %d", n).isEqualTo(n);
      assertThat(connection.get("/chunked/" + n)).as("chunked %d", n).isEqualTo(n);
    }
  }

  @Test
  void streamsPutBodies() throws IOException {
    PatternData data = new PatternData(3);
    for (long n : new long[] {1, 4096, (1 << 16) - 10, 5_000_000}) {
      assertThat(connection.put("/put", "application/octet-stream", data.stream(n, 0), n))
          .isEqualTo(201);
      assertThat(received.get()).isEqualTo(n);
    }
  }

  @Test
  void errorStatusesFailWithTheBody() throws IOException {
    assertThatThrownBy(() -> connection.get("/missing"))
        .hasMessageContaining("404")
        .hasMessageContaining("not_found");
    assertThat(connection.get("/fixed/10")).isEqualTo(10);
  }
}
