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

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small HTTP client for one node's base URI. */
final class Http {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final URI base;

  Http(URI base) {
    this.base = base;
  }

  HttpResponse<byte[]> send(HttpRequest.Builder request) {
    try {
      return CLIENT.send(
          request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpRequest.Builder request(String rawPathAndQuery) {
    return HttpRequest.newBuilder(URI.create(base + rawPathAndQuery));
  }

  HttpResponse<byte[]> get(String rawPathAndQuery) {
    return send(request(rawPathAndQuery));
  }

  HttpResponse<byte[]> put(String rawPathAndQuery, byte[] body) {
    return send(request(rawPathAndQuery).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  HttpResponse<byte[]> put(String rawPathAndQuery, String body) {
    return put(rawPathAndQuery, body.getBytes(StandardCharsets.UTF_8));
  }

  HttpResponse<byte[]> delete(String rawPathAndQuery) {
    return send(request(rawPathAndQuery).DELETE());
  }

  JsonNode json(String rawPathAndQuery) {
    HttpResponse<byte[]> r = get(rawPathAndQuery);
    if (r.statusCode() != 200) {
      throw new AssertionError(
          rawPathAndQuery
              + " answered "
              + r.statusCode()
              + ": "
              + new String(r.body(), StandardCharsets.UTF_8));
    }
    return TestNode.json(r);
  }

  static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }
}
