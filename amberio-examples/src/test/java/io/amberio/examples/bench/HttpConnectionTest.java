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
import java.util.zip.CRC32C;
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
        "/counting/",
        ex -> {
          long n = Long.parseLong(ex.getRequestURI().getPath().substring("/counting/".length()));
          boolean chunked = "chunked".equals(ex.getRequestURI().getQuery());
          ex.sendResponseHeaders(200, chunked ? 0 : n);
          try (OutputStream out = ex.getResponseBody()) {
            byte[] b = new byte[7_777];
            for (long at = 0; at < n; ) {
              int len = (int) Math.min(n - at, b.length);
              for (int i = 0; i < len; i++) {
                b[i] = counting(at + i);
              }
              out.write(b, 0, len);
              at += len;
            }
          }
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

  /** Byte {@code i} of a counting body: every position differs from its neighbours. */
  private static byte counting(long i) {
    return (byte) (i % 251);
  }

  @Test
  void checksumsEveryBodyByteAsItArrives() throws IOException {
    for (long n : new long[] {0, 1, 4096, 65_536, 1_000_003, 3 << 20}) {
      CRC32C expected = new CRC32C();
      for (long i = 0; i < n; i++) {
        expected.update(counting(i));
      }
      for (String query : new String[] {"", "?chunked"}) {
        CRC32C got = new CRC32C();
        assertThat(connection.get("/counting/" + n + query, got)).as("%d%s", n, query).isEqualTo(n);
        assertThat(got.getValue()).as("CRC32C of %d%s", n, query).isEqualTo(expected.getValue());
      }
    }
    CRC32C untouched = new CRC32C();
    assertThatThrownBy(() -> connection.get("/missing", untouched)).hasMessageContaining("404");
    assertThat(untouched.getValue()).as("an error body is not checksummed").isEqualTo(0);
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
