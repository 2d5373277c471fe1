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

import io.amberio.core.BlobStore;
import io.amberio.core.PutOptions;
import io.amberio.examples.node.AmberioServer;
import io.amberio.examples.node.ServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The node over HTTP on loopback: an in-process server over its own store, and one keep-alive
 * {@link HttpConnection} per worker, connected before the clock starts.
 */
final class HttpSubject implements Subject {
  private final BlobStore store;
  private final AmberioServer server;
  private final InetSocketAddress address;

  private HttpSubject(BlobStore store, AmberioServer server) {
    this.store = store;
    this.server = server;
    this.address = new InetSocketAddress("127.0.0.1", server.port());
  }

  /**
   * Opens a store in {@code dir} and starts a node over it with the node's default options, except
   * port 0 (a free port) on 127.0.0.1.
   */
  static HttpSubject start(Path dir, BenchOptions options) throws IOException {
    BlobStore store = Stores.open(dir, options);
    try {
      return new HttpSubject(
          store,
          AmberioServer.start(
              store, ServerOptions.defaults().withBindAddress("127.0.0.1").withPort(0)));
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  @Override
  public String name() {
    return "http";
  }

  @Override
  public Session open(int worker) throws IOException {
    HttpConnection connection = new HttpConnection(address, Bench.IO_BUFFER);
    connection.connect();
    return new Session() {
      @Override
      public void put(String key, InputStream data, long size) throws IOException {
        connection.put("/objects/" + key, PutOptions.DEFAULT_CONTENT_TYPE, data, size);
      }

      @Override
      public long get(String key) throws IOException {
        return connection.get("/objects/" + key);
      }

      @Override
      public long list(String prefix) throws IOException {
        long n = 0;
        String cursor = null;
        do {
          String target =
              "/objects?prefix="
                  + URLEncoder.encode(prefix, StandardCharsets.UTF_8)
                  + "&limit="
                  + ListingSection.PAGE
                  + (cursor == null ? "" : "&cursor=" + cursor);
          int length = (int) connection.get(target);
          String body = connection.bodyText(length);
          n += ListingSection.count(body, "\"path\":");
          cursor = ListingSection.nextCursor(body);
        } while (cursor != null);
        return n;
      }

      @Override
      public void close() {
        connection.close();
      }
    };
  }

  @Override
  public boolean lists() {
    return true;
  }

  @Override
  public String prepare() {
    return Stores.prefill(name(), store);
  }

  @Override
  public void reclaim(List<String> keys) {
    Stores.reclaim(store, keys);
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      store.close();
    }
  }
}
