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
import io.amberio.core.BlobStoreBuilder;
import io.amberio.core.Compression;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/** Opens the stores under test, prepares them, and gives their space back between cells. */
final class Stores {
  private static final int HELPERS = 8;

  private Stores() {}

  /**
   * A store with the default settings, except: background garbage collection is off (it would run
   * at random moments inside a measurement) and retention is zero, so {@link #reclaim} frees bytes
   * at once. Neither setting touches the put or get path.
   */
  static BlobStore open(Path dir, BenchOptions options) {
    return builder(dir, options, options.slotCount()).build();
  }

  /**
   * The builder of {@link #open}, with {@code slotCount} (0: the default) instead of the option's.
   */
  static BlobStoreBuilder builder(Path dir, BenchOptions options, int slotCount) {
    BlobStoreBuilder builder = tune(BlobStore.builder().dataDir(dir), options);
    if (slotCount > 0) {
      builder.slotCount(slotCount);
    }
    return builder;
  }

  /**
   * The bench's store settings on {@code builder}: no background collection or retention (a cell's
   * deletes are reclaimed at once), slots kept open for the whole run (an idle-slot timeout of
   * {@link #IDLE_SLOT_TIMEOUT}: otherwise a cell that comes more than the default minute after the
   * prefill would also measure reopening every slot another cell left idle), and the slot, inline,
   * chunk and compression options of the run.
   */
  /** How long an unused slot of a bench store stays open: longer than any run. */
  static final Duration IDLE_SLOT_TIMEOUT = Duration.ofHours(6);

  static BlobStoreBuilder tune(BlobStoreBuilder builder, BenchOptions options) {
    return tune(builder, options, options.compression());
  }

  /** {@link #tune(BlobStoreBuilder, BenchOptions)} with another compression than the run's. */
  static BlobStoreBuilder tune(
      BlobStoreBuilder builder, BenchOptions options, Compression compression) {
    builder
        .gcInterval(Duration.ZERO)
        .retention(Duration.ZERO)
        .idleSlotTimeout(IDLE_SLOT_TIMEOUT)
        .compression(compression);
    if (options.maxOpenSlots() > 0) {
      builder.maxOpenSlots(options.maxOpenSlots());
    }
    if (options.inlineThreshold() >= 0) {
      builder.inlineThreshold(options.inlineThreshold());
    }
    if (options.chunkSize() > 0) {
      builder.chunkSize(options.chunkSize());
    }
    if (options.readCacheBytes() >= 0) {
      builder.readCacheBytes(options.readCacheBytes());
    }
    return builder;
  }

  /**
   * Brings a new store to the state of one that has been in use: writes one 1-byte blob into every
   * slot, so every slot's database exists. Without it, the first cells would mostly measure slot
   * creation (a new SQLite database and two directory fsyncs per slot), which a store pays once in
   * its life.
   *
   * @return a note for the report
   */
  static String prefill(String name, BlobStore store) {
    int slots = store.slotCount();
    List<String> paths = new ArrayList<>();
    boolean[] covered = new boolean[slots];
    for (long i = 0; paths.size() < slots; i++) {
      String path = "bench/prefill/" + i;
      int slot = store.slotOf(path);
      if (!covered[slot]) {
        covered[slot] = true;
        paths.add(path);
      }
    }
    long start = System.nanoTime();
    parallel(paths, p -> store.put(p, new byte[] {1}));
    double seconds = (System.nanoTime() - start) / 1e9;
    return String.format(
        Locale.ROOT,
        "%s: before its cells, one 1-byte blob was written into each of the store's %d slots (%d threads, %.1fs, %.1f ms"
            + " per slot and thread): the cells measure a store whose slots exist, not their creation.",
        name,
        slots,
        HELPERS,
        seconds,
        seconds * 1000 * HELPERS / slots);
  }

  /**
   * Writes a delete marker on every key, then collects garbage, which removes the versions and
   * their bytes.
   */
  static void reclaim(BlobStore store, List<String> keys) {
    parallel(keys, store::delete);
    store.collectGarbage();
  }

  /** Runs {@code action} on every item with a few threads; rethrows the first failure. */
  static void parallel(List<String> items, Consumer<String> action) {
    ExecutorService pool = Executors.newFixedThreadPool(HELPERS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      int per = (items.size() + HELPERS - 1) / HELPERS;
      for (int from = 0; from < items.size(); from += per) {
        List<String> part = items.subList(from, Math.min(items.size(), from + per));
        futures.add(pool.submit(() -> part.forEach(action)));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
