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
package io.amberio.core.testkit;

import static io.amberio.core.testkit.TestSupport.bytes;
import static io.amberio.core.testkit.TestSupport.listAll;
import static io.amberio.core.testkit.TestSupport.listAllVersions;
import static io.amberio.core.testkit.TestSupport.paths;
import static io.amberio.core.testkit.TestSupport.readVersion;
import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.core.BlobContent;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.ListRequest;
import io.amberio.core.VersionState;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link BlobStore} implementation owes its users: the rules of {@code
 * contract/http-api.md} expressed against the Java API. An implementation binds to it with a tiny
 * subclass that says how to open a store on a directory with a {@link StoreConfig}; everything else
 * is here.
 *
 * <p>The rules are spread over a chain of abstract classes, one topic each, so that every file
 * reads in one sitting: {@link BlobStoreContractSupport} (the fixture), {@link
 * VersionRulesContract}, {@link ContentContract}, {@link ListingContract}, {@link
 * LifecycleContract}, and this class (concurrency). Every test opens a fresh store on a fresh
 * directory. Tests that look at bytes on disk use the optional {@link #blobIdsOnDisk(Path)} hook
 * and check only what the API shows where the binding cannot answer it.
 */
public abstract class BlobStoreContract extends LifecycleContract {
  // ---------------------------------------------------------------------------------------------------
  // Concurrency

  /** Content that says who wrote it, so a reader can tell a whole version from a torn one. */
  protected static byte[] signedContent(int writer, int seq, int size) {
    byte[] body = bytes(size, writer * 100_000L + seq);
    if (size >= 12) {
      ByteBuffer.wrap(body).putInt(writer).putInt(seq).putInt(size);
    }
    return body;
  }

  protected static boolean isWhole(byte[] b) {
    if (b.length < 12) {
      return true;
    }
    ByteBuffer h = ByteBuffer.wrap(b);
    int writer = h.getInt();
    int seq = h.getInt();
    int size = h.getInt();
    return size == b.length && Arrays.equals(b, signedContent(writer, seq, size));
  }

  @Test
  @Timeout(120)
  public void concurrentWritersAndReadersSeeWholeDenseVersions() throws Exception {
    int writers = 6;
    int writesEach = 30;
    String[] shared = {"shared/0", "shared/1", "shared/é"};
    int[] sizes = {20, 3000, K, K + 100, 2 * K + 5};
    Map<String, byte[]> written = new ConcurrentHashMap<>();
    Map<String, Set<Long>> versionsByPath = new ConcurrentHashMap<>();
    AtomicBoolean done = new AtomicBoolean();
    List<Throwable> readerFailures = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  Random r = new Random(writer);
                  for (int i = 0; i < writesEach; i++) {
                    String path =
                        i % 2 == 0
                            ? "own/" + writer + "/" + (i % 5)
                            : shared[r.nextInt(shared.length)];
                    byte[] content = signedContent(writer, i, sizes[r.nextInt(sizes.length)]);
                    BlobInfo info = store.put(path, content);
                    assertThat(
                            versionsByPath
                                .computeIfAbsent(path, k -> ConcurrentHashMap.newKeySet())
                                .add(info.version()))
                        .as("version %d of %s returned twice", info.version(), path)
                        .isTrue();
                    written.put(path + "@" + info.version(), content);
                  }
                  return null;
                }));
      }
      for (int rd = 0; rd < 2; rd++) {
        pool.submit(
            () -> {
              Map<String, Long> lastSeen = new HashMap<>();
              try {
                start.await();
                while (!done.get()) {
                  for (String p : shared) {
                    try (BlobContent c = store.get(p)) {
                      byte[] b = c.readAllBytes();
                      if (!isWhole(b) || b.length != c.info().size()) {
                        throw new AssertionError("torn read of " + p + " v" + c.info().version());
                      }
                      long prev = lastSeen.getOrDefault(p, 0L);
                      if (c.info().version() < prev) {
                        throw new AssertionError(
                            "current version of "
                                + p
                                + " went back from "
                                + prev
                                + " to "
                                + c.info().version());
                      }
                      lastSeen.put(p, c.info().version());
                    } catch (BlobStoreException e) {
                      if (e.reason() != Reason.NOT_FOUND) {
                        throw e;
                      }
                    }
                  }
                }
              } catch (Throwable t) {
                readerFailures.add(t);
              }
              return null;
            });
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(100, TimeUnit.SECONDS);
      }
    } finally {
      done.set(true);
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(readerFailures).isEmpty();
    int total = 0;
    for (Map.Entry<String, Set<Long>> e : versionsByPath.entrySet()) {
      int n = e.getValue().size();
      total += n;
      assertThat(e.getValue())
          .as("versions of " + e.getKey())
          .containsExactlyInAnyOrderElementsOf(oneTo(n));
      assertThat(store.head(e.getKey()).version()).isEqualTo(n);
    }
    assertThat(total).isEqualTo(writers * writesEach);
    List<BlobInfo> all = listAllVersions(store);
    assertThat(all).hasSize(total);
    for (BlobInfo i : all) {
      assertThat(readVersion(store, i.path(), i.version()))
          .as(i.path() + "@" + i.version())
          .isEqualTo(written.get(i.path() + "@" + i.version()));
    }
  }

  @Test
  @Timeout(120)
  public void concurrentMixedOperationsKeepTheRules() throws Exception {
    String[] paths = {"m/0", "m/1"};
    Map<String, Map<Long, String>> returned =
        new ConcurrentHashMap<>(); // path -> version -> "put:<w>:<i>" | "marker"
    Map<String, Set<Long>> tombstoned = new ConcurrentHashMap<>();
    Map<String, byte[]> contents = new ConcurrentHashMap<>();
    for (String p : paths) {
      byte[] first = signedContent(99, 0, 50);
      put(p, first);
      returned.computeIfAbsent(p, k -> new ConcurrentHashMap<>()).put(1L, "put");
      contents.put(p + "@1", first);
      tombstoned.put(p, ConcurrentHashMap.newKeySet());
    }
    int workers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        int worker = w;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  Random r = new Random(1000 + worker);
                  for (int i = 0; i < 40; i++) {
                    String p = paths[r.nextInt(paths.length)];
                    Map<Long, String> mine = returned.get(p);
                    int op = r.nextInt(10);
                    if (op < 6) {
                      byte[] content = signedContent(worker, i, r.nextBoolean() ? 40 : K + 10);
                      BlobInfo info = store.put(p, content);
                      contents.put(p + "@" + info.version(), content);
                      assertThat(mine.put(info.version(), "put"))
                          .as("%s v%d handed out twice", p, info.version())
                          .isNull();
                    } else if (op < 8) {
                      BlobInfo m = store.delete(p);
                      assertThat(m.state()).isEqualTo(VersionState.MARKER);
                      assertThat(mine.put(m.version(), "marker"))
                          .as("%s v%d handed out twice", p, m.version())
                          .isNull();
                    } else {
                      List<Long> known = new ArrayList<>(mine.keySet());
                      long v = known.get(r.nextInt(known.size()));
                      BlobInfo t = store.deleteVersion(p, v);
                      assertThat(t.state()).isEqualTo(VersionState.TOMBSTONED);
                      tombstoned.get(p).add(v);
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(100, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    for (String p : paths) {
      Map<Long, String> mine = returned.get(p);
      List<BlobInfo> versions =
          listAll(store, ListRequest.prefix(p).withAllVersions(true)).stream()
              .filter(i -> i.path().equals(p))
              .toList();
      List<Long> expectedOrder = new ArrayList<>(new TreeSet<>(mine.keySet()).descendingSet());
      assertThat(versions)
          .extracting(BlobInfo::version)
          .as("versions of " + p)
          .containsExactlyElementsOf(expectedOrder);
      assertThat(expectedOrder.get(expectedOrder.size() - 1)).isEqualTo(1);
      assertThat(expectedOrder.get(0)).as("dense").isEqualTo(expectedOrder.size());
      Long current = null;
      boolean hidden = false;
      for (BlobInfo i : versions) {
        VersionState want =
            tombstoned.get(p).contains(i.version())
                ? VersionState.TOMBSTONED
                : mine.get(i.version()).equals("marker") ? VersionState.MARKER : VersionState.LIVE;
        assertThat(i.state()).as(p + "@" + i.version()).isEqualTo(want);
        if (want == VersionState.LIVE) {
          assertThat(readVersion(store, p, i.version()))
              .isEqualTo(contents.get(p + "@" + i.version()));
        }
        if (current == null && !hidden) {
          if (want == VersionState.MARKER) {
            hidden = true;
          } else if (want == VersionState.LIVE) {
            current = i.version();
          }
        }
      }
      if (current == null) {
        assertNoCurrentVersion(p);
      } else {
        assertCurrent(p, current, contents.get(p + "@" + current));
      }
    }
  }

  private static List<Long> oneTo(int n) {
    List<Long> out = new ArrayList<>();
    for (long v = 1; v <= n; v++) {
      out.add(v);
    }
    return out;
  }
}
