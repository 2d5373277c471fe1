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

import static io.amberio.core.testkit.TestSupport.bytes;
import static io.amberio.core.testkit.TestSupport.readCurrent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.replica.ReplicaStore;
import io.amberio.core.testkit.TestSupport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read cache: it answers repeated reads, is bounded by bytes, and never serves a version once a
 * newer change of the path committed, whichever way the change came (put, delete, tombstone,
 * garbage collection, a two-phase commit, an import).
 */
class ReadCacheTest {
  private static final int K = 1024;

  @TempDir Path dir;
  private final TestSupport.MutableClock clock =
      new TestSupport.MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<BlobStore> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(BlobStore::close);
  }

  private BlobStoreBuilder builder(long cacheBytes) {
    return BlobStore.builder()
        .dataDir(dir)
        .slotCount(8)
        .chunkSize(64 * K)
        .inlineThreshold(16 * K)
        .retention(Duration.ofMinutes(1))
        .gcInterval(Duration.ZERO)
        .clock(clock)
        .minFreeBytes(0)
        .readCacheBytes(cacheBytes);
  }

  private ReplicaStore open(long cacheBytes) {
    ReplicaStore s = ReplicaStore.open(builder(cacheBytes));
    opened.add(s);
    return s;
  }

  private static byte[] readAll(BlobStore s, String path, long version) throws IOException {
    try (BlobContent c = s.get(path, GetOptions.version(version));
        InputStream in = c.stream()) {
      return in.readAllBytes();
    }
  }

  @Test
  void repeatedReadsOfAnInlineBlobAreHits() {
    BlobStore s = open(1 << 20);
    s.put("a", bytes(3 * K, 1));
    for (int i = 0; i < 10; i++) {
      assertThat(readCurrent(s, "a")).isEqualTo(bytes(3 * K, 1));
    }
    ReadCacheStats st = s.readCacheStats();
    assertThat(st.misses()).as("the first read").isEqualTo(1);
    assertThat(st.hits()).isEqualTo(9);
    assertThat(st.bytes()).isBetween((long) 3 * K, 1L << 20);
    assertThat(st.maxBytes()).isEqualTo(1 << 20);
  }

  @Test
  void headsAndReadsShareEntriesAndAChunkedBlobsMetadataIsCached() {
    BlobStore s = open(1 << 20);
    s.put("big", bytes(200 * K, 2)); // 4 chunks: only the row is cached, bytes come from files
    assertThat(s.head("big").size()).isEqualTo(200 * K);
    assertThat(readCurrent(s, "big")).isEqualTo(bytes(200 * K, 2));
    assertThat(readCurrent(s, "big")).isEqualTo(bytes(200 * K, 2));
    assertThat(s.readCacheStats().hits()).isEqualTo(2);
    assertThat(s.readCacheStats().bytes()).as("no chunk bytes are cached").isLessThan(8 * K);
  }

  @Test
  void everyKindOfChangeEndsTheCachedAnswer() throws IOException {
    ReplicaStore s = open(1 << 20);
    // a put after a cached read
    s.put("p", bytes(100, 1));
    assertThat(readCurrent(s, "p")).isEqualTo(bytes(100, 1));
    assertThat(readCurrent(s, "p")).isEqualTo(bytes(100, 1));
    assertThat(s.readCacheStats().hits()).as("the second read").isEqualTo(1);
    s.put("p", bytes(100, 2));
    assertThat(readCurrent(s, "p")).isEqualTo(bytes(100, 2));
    // a delete marker after a cached read
    s.delete("p");
    assertThat(reasonOf(() -> s.head("p"))).isEqualTo(Reason.DELETED);
    // tombstoning the marker brings version 2 back (cached as DELETED a moment ago)
    s.deleteVersion("p", 3);
    assertThat(readCurrent(s, "p")).isEqualTo(bytes(100, 2));
    // a version read by number, then tombstoned
    assertThat(readAll(s, "p", 1)).isEqualTo(bytes(100, 1));
    s.deleteVersion("p", 1);
    assertThat(reasonOf(() -> s.head("p", 1))).isEqualTo(Reason.DELETED);
    // garbage collection removes the tombstone: the cached row of version 1 must go too
    clock.advance(Duration.ofMinutes(2));
    s.collectGarbage();
    assertThat(reasonOf(() -> s.get("p", GetOptions.version(1))))
        .as("collected")
        .isEqualTo(Reason.DELETED);
    // a path never written is cached as such, until it is written
    assertThat(reasonOf(() -> s.head("new"))).isEqualTo(Reason.NOT_FOUND);
    assertThat(reasonOf(() -> s.head("new"))).isEqualTo(Reason.NOT_FOUND);
    s.put("new", bytes(10, 3));
    assertThat(readCurrent(s, "new")).isEqualTo(bytes(10, 3));
    // a two-phase commit
    BlobId txn = ReplicaStoreTest.newTxn();
    ReplicaStoreTest.preparePut(
        s, ReplicaStoreTest.put(txn, "new", "text/plain", clock.millis(), null), bytes(20, 4), 7);
    assertThat(readCurrent(s, "new")).as("prepared, not committed").isEqualTo(bytes(10, 3));
    s.commitPrepared(txn, 2);
    assertThat(readCurrent(s, "new")).isEqualTo(bytes(20, 4));
  }

  @Test
  void theCacheStaysWithinItsBound() {
    long bound = 64 * K;
    BlobStore s = open(bound);
    for (int i = 0; i < 200; i++) {
      s.put("k" + i, bytes(2 * K, i));
      assertThat(readCurrent(s, "k" + i)).isEqualTo(bytes(2 * K, i));
    }
    ReadCacheStats st = s.readCacheStats();
    assertThat(st.bytes()).isLessThanOrEqualTo(bound);
    assertThat(st.evictions()).isPositive();
    for (int i = 0; i < 200; i++) {
      assertThat(readCurrent(s, "k" + i))
          .as("evicted entries read again")
          .isEqualTo(bytes(2 * K, i));
    }
  }

  @Test
  void zeroDisablesTheCache() {
    BlobStore s = open(0);
    s.put("a", bytes(10, 1));
    readCurrent(s, "a");
    readCurrent(s, "a");
    assertThat(s.readCacheStats()).isEqualTo(ReadCacheStats.NONE);
  }

  @Test
  void theBuilderChecksTheBound() {
    assertThatThrownBy(() -> BlobStore.builder().readCacheBytes(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("readCacheBytes");
    assertThatThrownBy(() -> BlobStore.builder().readCacheBytes(1).readCacheBytes(2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set to 1");
  }

  /**
   * Writers put increasing versions of a few paths of one slot while readers read them: a read that
   * starts after a put returned must see that version or a newer one, and no reader ever sees a
   * path go back. (Without the generation check, a reader keeps hitting the entry it cached first.)
   */
  @Test
  void aReadAfterAnAcknowledgedWriteNeverSeesAnOlderVersion() throws Exception {
    BlobStore s = open(1 << 20);
    int paths = 4;
    AtomicLong[] acked = new AtomicLong[paths];
    for (int p = 0; p < paths; p++) {
      acked[p] = new AtomicLong(s.put("race/" + p, versionBytes(0)).version());
    }
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> writers = new ArrayList<>();
    List<Future<Long>> readers = new ArrayList<>();
    try {
      for (int w = 0; w < 2; w++) {
        int first = w;
        writers.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 1; i <= 300; i++) {
                    int p = (first + i) % paths;
                    BlobInfo info = s.put("race/" + p, versionBytes(i));
                    acked[p].accumulateAndGet(info.version(), Math::max);
                  }
                  return null;
                }));
      }
      for (int r = 0; r < 4; r++) {
        readers.add(
            pool.submit(
                () -> {
                  start.await();
                  long[] seen = new long[paths];
                  long reads = 0;
                  while (!stop.get()) {
                    for (int p = 0; p < paths; p++) {
                      long floor = acked[p].get();
                      long v = version(s, "race/" + p, p % 2 == 0);
                      if (v < floor || v < seen[p]) {
                        throw new AssertionError(
                            "race/" + p + ": read v" + v + " after v" + Math.max(floor, seen[p]));
                      }
                      seen[p] = v;
                      reads++;
                    }
                  }
                  return reads;
                }));
      }
      start.countDown();
      for (Future<?> w : writers) {
        w.get(60, TimeUnit.SECONDS);
      }
      stop.set(true);
    } finally {
      stop.set(true);
      pool.shutdown();
      pool.awaitTermination(60, TimeUnit.SECONDS);
    }
    long reads = 0;
    for (Future<Long> f : readers) {
      reads += f.get();
    }
    assertThat(reads).isPositive();
    assertThat(s.readCacheStats().hits()).as("the readers used the cache").isPositive();
  }

  /** The version a head (or a get: the fast path of cached inline blobs) answers. */
  private static long version(BlobStore s, String path, boolean head) throws IOException {
    if (head) {
      return s.head(path).version();
    }
    try (BlobContent c = s.get(path)) {
      long v = c.info().version();
      assertThat(c.stream().readAllBytes()).hasSize(64);
      return v;
    }
  }

  private static byte[] versionBytes(int i) {
    return ByteBuffer.allocate(64).putInt(i).array();
  }

  private static Reason reasonOf(Runnable r) {
    try {
      r.run();
    } catch (BlobStoreException e) {
      return e.reason();
    }
    throw new AssertionError("no failure");
  }
}
