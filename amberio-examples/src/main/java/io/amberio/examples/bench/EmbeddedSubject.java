package io.amberio.examples.bench;

import io.amberio.core.BlobContent;
import io.amberio.core.BlobStore;
import io.amberio.core.PutOptions;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** The store called in-process: {@link BlobStore#put} from a generated stream, {@link BlobStore#get} into a buffer. */
final class EmbeddedSubject implements Subject {
  private final BlobStore store;

  EmbeddedSubject(BlobStore store) {
    this.store = store;
  }

  @Override
  public String name() {
    return "embedded";
  }

  @Override
  public Session open(int worker) {
    byte[] buffer = new byte[Bench.IO_BUFFER];
    return new Session() {
      @Override
      public void put(String key, InputStream data, long size) {
        long written = store.put(key, data, PutOptions.defaults()).size();
        if (written != size) {
          throw new IllegalStateException("put of " + key + " stored " + written + " bytes, expected " + size);
        }
      }

      @Override
      public long get(String key) throws IOException {
        try (BlobContent content = store.get(key)) {
          InputStream in = content.stream();
          long total = 0;
          for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
          }
          if (total != content.info().size()) {
            throw new IOException("get of " + key + " returned " + total + " of " + content.info().size() + " bytes");
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
