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
package io.amberio.core;

/**
 * The counters of a store's read cache (see {@link BlobStoreBuilder#readCacheBytes}).
 *
 * @param hits lookups answered from the cache
 * @param misses lookups that went to a slot's database (including entries a newer change had made
 *     stale)
 * @param evictions entries dropped to stay within {@code maxBytes}
 * @param bytes the estimated heap bytes the cache holds now
 * @param maxBytes the configured bound (0: the cache is disabled)
 */
public record ReadCacheStats(long hits, long misses, long evictions, long bytes, long maxBytes) {
  /** The counters of a store without a cache. */
  public static final ReadCacheStats NONE = new ReadCacheStats(0, 0, 0, 0, 0);

  /** Checks that every counter is non-negative. */
  public ReadCacheStats {
    if (hits < 0 || misses < 0 || evictions < 0 || bytes < 0 || maxBytes < 0) {
      throw new IllegalArgumentException(
          "counters must not be negative: "
              + hits
              + ", "
              + misses
              + ", "
              + evictions
              + ", "
              + bytes
              + ", "
              + maxBytes);
    }
  }

  /** Hits over all lookups, or 0 before the first. */
  public double hitRatio() {
    long total = hits + misses;
    return total == 0 ? 0 : (double) hits / total;
  }
}
