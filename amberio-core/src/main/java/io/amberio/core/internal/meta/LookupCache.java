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
package io.amberio.core.internal.meta;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.amberio.core.ReadCacheStats;
import io.amberio.core.internal.meta.SlotDatabase.Lookup;
import io.amberio.core.internal.row.VersionRow;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The store's read cache: recent {@link SlotDatabase#find} results (the path's state, the row and,
 * for an inline blob, its bytes), bounded by bytes, so that a repeated read of a small blob or of a
 * chunked blob's metadata skips SQLite and the slot's database lock.
 *
 * <h2>Why a cached lookup is never older than a committed change</h2>
 *
 * Each slot has a <em>generation</em>, a counter in {@link #generations}. Every entry records the
 * generation its slot had when the lookup ran, and is served only while the slot still has that
 * generation. Both sides run under the slot database's lock:
 *
 * <ul>
 *   <li>a miss runs its query and reads the generation under the lock, so the entry's generation is
 *       the one of the snapshot it read;
 *   <li>every change ({@link SlotDatabase#apply}, and opening or closing the database) increments
 *       the generation under the lock, after its commit.
 * </ul>
 *
 * A hit takes no lock: it compares generations. Until a change's increment, no reader can have seen
 * the change (a query needs the lock, which the change holds), so serving the entry before it is
 * fine; after it, every entry read before the change is refused. Entries of an older generation are
 * dead weight that Caffeine evicts by size. A write to one slot so invalidates the cached lookups
 * of every path of that slot, not just its own: coarse, but obviously right, and with 2048 slots a
 * write costs a read-mostly workload little.
 *
 * <p>In a cluster the cache sits below the replica's read rules: the read server checks the epoch,
 * the lease and the in-sync state before it asks this store, so a cached read is served exactly
 * where an uncached one would be.
 *
 * <p>Inline bytes were checked against their CRC32C when they were read from the database; the
 * cached copy lives on the heap and is not checked again.
 */
public final class LookupCache {
  /** A cache that keeps nothing. */
  public static final LookupCache DISABLED = new LookupCache(0, 1);

  /** What {@link #get} returns for a path that was never written ({@code find} returns null). */
  public static final Lookup NEVER_WRITTEN = new Lookup(null, null);

  // Rough heap cost of an entry beyond its strings and arrays: key, entry, lookup, row, and
  // Caffeine's node.
  private static final int OVERHEAD = 256;

  private record Key(String path, long version) {}

  private record Entry(long generation, Lookup lookup) {}

  private final long maxBytes;
  private final Cache<Key, Entry> cache;
  private final AtomicLongArray generations;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  /** A cache of at most {@code maxBytes} (0 disables it) for a store of {@code slotCount} slots. */
  public LookupCache(long maxBytes, int slotCount) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative, was " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.generations = new AtomicLongArray(maxBytes == 0 ? 0 : slotCount);
    this.cache =
        maxBytes == 0
            ? null
            : Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Key k, Entry e) -> weight(k, e.lookup()))
                .executor(Runnable::run)
                .recordStats()
                .build();
  }

  /** Whether this cache keeps anything. */
  public boolean enabled() {
    return cache != null;
  }

  /**
   * The cached lookup of {@code path} ({@code version} 0: the current one) in slot {@code slot}:
   * {@link #NEVER_WRITTEN} for a path that was never written, null on a miss. Counts nothing: the
   * caller that answers from it (or queries instead) calls {@link #hit} or {@link #miss}.
   */
  public Lookup get(int slot, String path, long version) {
    if (cache == null) {
      return null;
    }
    Entry e = cache.getIfPresent(new Key(path, version));
    if (e == null) {
      return null;
    }
    return e.generation() == generations.get(slot) ? e.lookup() : null;
  }

  /** Counts a read answered from the cache. */
  public void hit() {
    hits.increment();
  }

  /** Counts a read that went to the database. */
  public void miss() {
    misses.increment();
  }

  /** The generation of {@code slot}; read it under the slot database's lock. */
  long generation(int slot) {
    return cache == null ? 0 : generations.get(slot);
  }

  /**
   * Caches {@code lookup} (null: never written) read at {@code generation}; call it under the slot
   * database's lock that the lookup ran under.
   */
  void put(int slot, String path, long version, long generation, Lookup lookup) {
    if (cache == null) {
      return;
    }
    cache.put(
        new Key(path, version), new Entry(generation, lookup == null ? NEVER_WRITTEN : lookup));
  }

  /** Invalidates every cached lookup of {@code slot}; call it under its database's lock. */
  void changed(int slot) {
    if (cache != null) {
      generations.incrementAndGet(slot);
    }
  }

  /** The counters of this cache. */
  public ReadCacheStats stats() {
    if (cache == null) {
      return ReadCacheStats.NONE;
    }
    return new ReadCacheStats(
        hits.sum(),
        misses.sum(),
        cache.stats().evictionCount(),
        cache.policy().eviction().map(ev -> ev.weightedSize().orElse(0)).orElse(0L),
        maxBytes);
  }

  private static int weight(Key k, Lookup lookup) {
    long w = OVERHEAD + 2L * k.path().length();
    VersionRow row = lookup.row();
    if (row != null) {
      w += OVERHEAD + 2L * row.path().length() + 2L * row.blobId().length();
      w += row.checksums() == null ? 0 : row.checksums().length;
      w += row.inlineData() == null ? 0 : row.inlineData().length;
      w += row.contentType() == null ? 0 : 2L * row.contentType().length();
    }
    return (int) Math.min(Integer.MAX_VALUE, w);
  }
}
