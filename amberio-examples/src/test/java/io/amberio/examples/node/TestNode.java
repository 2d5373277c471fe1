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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A store in a temporary directory served by an {@link AmberioServer} on a free port, with HTTP
 * helpers.
 */
final class TestNode implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final BlobStore store;
  final AmberioServer server;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private TestNode(BlobStore store, AmberioServer server) {
    this.store = store;
    this.server = server;
  }

  /**
   * A node over a small store: 16 slots, 64 KiB chunks (so a few hundred KiB already span chunks).
   */
  static TestNode start(Path dir) {
    return start(dir, b -> b.chunkSize(64 << 10), o -> o);
  }

  /**
   * A node over a 16-slot store configured by {@code store}, served with {@code options} on a free
   * port.
   */
  static TestNode start(
      Path dir, UnaryOperator<BlobStoreBuilder> store, UnaryOperator<ServerOptions> options) {
    BlobStore s = store.apply(BlobStore.builder().dataDir(dir).slotCount(16)).build();
    try {
      return new TestNode(
          s, AmberioServer.start(s, options.apply(ServerOptions.defaults().withPort(0))));
    } catch (IOException e) {
      s.close();
      throw new UncheckedIOException(e);
    }
  }

  URI uri(String rawPathAndQuery) {
    return URI.create(server.uri() + rawPathAndQuery);
  }

  HttpResponse<byte[]> send(HttpRequest.Builder request) {
    try {
      return client.send(
          request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<byte[]> get(String rawPathAndQuery) {
    return send(HttpRequest.newBuilder(uri(rawPathAndQuery)));
  }

  HttpResponse<byte[]> put(String rawPathAndQuery, byte[] body) {
    return send(
        HttpRequest.newBuilder(uri(rawPathAndQuery))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  HttpResponse<byte[]> put(String rawPathAndQuery, String body) {
    return put(rawPathAndQuery, body.getBytes(StandardCharsets.UTF_8));
  }

  HttpResponse<byte[]> delete(String rawPathAndQuery) {
    return send(HttpRequest.newBuilder(uri(rawPathAndQuery)).DELETE());
  }

  HttpResponse<byte[]> head(String rawPathAndQuery) {
    return send(
        HttpRequest.newBuilder(uri(rawPathAndQuery))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()));
  }

  /**
   * Sends raw bytes on a fresh socket (nothing normalizes them) and reads the answer until the
   * server closes.
   */
  Raw raw(String request) {
    return raw(request.getBytes(StandardCharsets.UTF_8));
  }

  Raw raw(byte[] request) {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return Raw.parse(socket.getInputStream().readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A raw GET of {@code target}, exactly as given, with {@code Connection: close}. */
  Raw rawGet(String target) {
    return raw("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  }

  /** A raw PUT of {@code body} to {@code target}, exactly as given. */
  Raw rawPut(String target, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return raw(
        "PUT "
            + target
            + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
            + bytes.length
            + "\r\nConnection: close\r\n\r\n"
            + body);
  }

  /** Asserts that the node still answers a normal request. */
  void assertServing() {
    HttpResponse<byte[]> health = get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    HttpResponse<byte[]> put = put("/objects/still-serving", "ok");
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(get("/objects/still-serving").body()).asString().isEqualTo("ok");
  }

  static JsonNode json(HttpResponse<byte[]> response) {
    return json(response.body());
  }

  static JsonNode json(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + new String(body, StandardCharsets.UTF_8), e);
    }
  }

  /** The error code of a JSON error response, after checking its shape. */
  static String errorCode(HttpResponse<byte[]> response) {
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    return errorCode(response.body());
  }

  static String errorCode(byte[] body) {
    JsonNode node = json(body);
    assertThat(node.path("message").isTextual()).as("error message in %s", node).isTrue();
    return node.path("error").asText();
  }

  @Override
  public void close() {
    server.close();
    store.close();
  }

  /** A response read off a raw socket. */
  record Raw(int status, Map<String, String> headers, byte[] body) {
    static Raw parse(byte[] bytes) {
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      if (end < 0) {
        throw new AssertionError("no complete response: '" + text + "'");
      }
      String[] lines = text.substring(0, end).split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
      byte[] body = Arrays.copyOfRange(bytes, end + 4, bytes.length);
      return new Raw(status, headers, body);
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String errorCode() {
      assertThat(header("Content-Type")).startsWith("application/json");
      return TestNode.errorCode(body);
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }
}
