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

import io.amberio.core.BlobContent;
import io.amberio.core.BlobStore;
import io.amberio.core.ListPage;
import io.amberio.core.ListRequest;
import io.amberio.core.PutOptions;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The store called in-process: {@link BlobStore#put} from a generated stream, {@link BlobStore#get}
 * into a buffer. The same session code drives the cluster ({@link ClusterSubject}), over the
 * blocking views of its nodes.
 */
final class EmbeddedSubject implements Subject {
  private final String name;
  private final BlobStore store;

  EmbeddedSubject(BlobStore store) {
    this("embedded", store);
  }

  EmbeddedSubject(String name, BlobStore store) {
    this.name = name;
    this.store = store;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Session open(int worker) {
    return session(List.of(store), worker);
  }

  @Override
  public boolean lists() {
    return true;
  }

  /**
   * A worker's session over {@code stores}: each op goes to the next store in turn, starting at
   * {@code worker} (with one store, always that one).
   */
  static Session session(List<BlobStore> stores, int worker) {
    byte[] buffer = new byte[Bench.IO_BUFFER];
    return new Session() {
      private int next = worker;

      private BlobStore next() {
        BlobStore s = stores.get(Math.floorMod(next, stores.size()));
        next++;
        return s;
      }

      @Override
      public long list(String prefix) {
        BlobStore s = next();
        long n = 0;
        ListRequest request = ListRequest.prefix(prefix).withLimit(ListingSection.PAGE);
        while (true) {
          ListPage page = s.list(request);
          n += page.items().size();
          if (page.nextCursor() == null) {
            return n;
          }
          request = request.withCursor(page.nextCursor());
        }
      }

      @Override
      public void put(String key, InputStream data, long size) {
        long written = next().put(key, data, PutOptions.defaults()).size();
        if (written != size) {
          throw new IllegalStateException(
              "put of " + key + " stored " + written + " bytes, expected " + size);
        }
      }

      @Override
      public long get(String key) throws IOException {
        try (BlobContent content = next().get(key)) {
          InputStream in = content.stream();
          long total = 0;
          for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
          }
          if (total != content.info().size()) {
            throw new IOException(
                "get of " + key + " returned " + total + " of " + content.info().size() + " bytes");
          }
          return total;
        }
      }

      @Override
      public void close() {}
    };
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
    store.close();
  }
}
