package io.amberio.examples.bench;

import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Opens the stores under test and gives their space back between cells. */
final class Stores {
  private Stores() {}

  /**
   * A store with the default settings, except: background garbage collection is off (it would run at
   * random moments inside a measurement) and retention is zero, so {@link #reclaim} frees bytes at once.
   * Neither setting touches the put or get path.
   */
  static BlobStore open(Path dir, BenchOptions options) {
    BlobStoreBuilder builder = BlobStore.builder().dataDir(dir).gcInterval(Duration.ZERO).retention(Duration.ZERO);
    if (options.slotCount() > 0) {
      builder.slotCount(options.slotCount());
    }
    if (options.maxOpenSlots() > 0) {
      builder.maxOpenSlots(options.maxOpenSlots());
    }
    return builder.build();
  }

  /** Writes a delete marker on every key, then collects garbage, which removes the versions and their bytes. */
  static void reclaim(BlobStore store, List<String> keys) {
    for (String key : keys) {
      store.delete(key);
    }
    store.collectGarbage();
  }
}
