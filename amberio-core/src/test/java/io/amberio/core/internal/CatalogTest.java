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
package io.amberio.core.internal;

import static io.amberio.core.testkit.TestSupport.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.ListPage;
import io.amberio.core.ListRequest;
import io.amberio.core.replica.PrepareSpec;
import io.amberio.core.replica.ReplicaStore;
import io.amberio.core.replica.TxnKind;
import io.amberio.core.testkit.TestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The listing catalog answers exactly what merging the slots answers, whatever changed the current
 * versions (puts, markers, tombstones, collection, two-phase commits), across reopening, and after
 * being lost or built for a store that had none.
 */
class CatalogTest {
  @TempDir Path dir;
  private final TestSupport.MutableClock clock =
      new TestSupport.MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<BlobStore> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(BlobStore::close);
  }

  private LocalBlobStore open() {
    LocalBlobStore s =
        (LocalBlobStore)
            ReplicaStore.open(
                BlobStore.builder()
                    .dataDir(dir)
                    .slotCount(16)
                    .chunkSize(64 << 10)
                    .inlineThreshold(1024)
                    .retention(Duration.ofMinutes(1))
                    .gcInterval(Duration.ZERO)
                    .clock(clock)
                    .minFreeBytes(0));
    opened.add(s);
    return s;
  }

  private static void awaitComplete(LocalBlobStore s) throws InterruptedException {
    for (int i = 0; i < 3000 && !s.catalog().complete(); i++) {
      Thread.sleep(10);
    }
    assertThat(s.catalog().complete()).as("the catalog was built").isTrue();
  }

  private static List<BlobInfo> viaCatalog(LocalBlobStore s, String prefix, int limit) {
    return TestSupport.listAll(s, ListRequest.prefix(prefix).withLimit(limit));
  }

  private static List<BlobInfo> viaMerge(LocalBlobStore s, String prefix, int limit) {
    List<BlobInfo> all = new ArrayList<>();
    ListRequest r = ListRequest.prefix(prefix).withLimit(limit);
    while (true) {
      ListPage page = new Listing(r, s).merge();
      all.addAll(page.items());
      if (page.nextCursor() == null) {
        return all;
      }
      r = r.withCursor(page.nextCursor());
    }
  }

  private static void assertSameListings(LocalBlobStore s) {
    for (String prefix : List.of("", "a", "a/", "b/é", "z")) {
      for (int limit : List.of(1, 7, 1000)) {
        assertThat(viaCatalog(s, prefix, limit))
            .as("prefix '%s', pages of %d", prefix, limit)
            .isEqualTo(viaMerge(s, prefix, limit));
      }
    }
    assertThat(TestSupport.pathVersions(viaCatalog(s, "", 1000)))
        .as("what the versions imply")
        .isEqualTo(TestSupport.currentOf(TestSupport.listAllVersions(s)));
  }

  private static final List<String> PATHS =
      List.of("a", "a/b", "a/c", "a/é", "a/\uD83D\uDE00", "a/\uFFFD", "b/é/x", "b/e", "z", "zz");

  /** Random changes of every kind, checking after each step that both listings agree. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void agreesWithTheMergeUnderRandomChanges(long seed) throws Exception {
    LocalBlobStore s = open();
    awaitComplete(s);
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int step = 0; step < 120; step++) {
      String path =
          PATHS.get(rnd.nextInt(PATHS.size())) + (rnd.nextBoolean() ? "" : "/" + step % 5);
      try {
        switch (rnd.nextInt(7)) {
          case 0, 1 -> s.put(path, bytes(rnd.nextInt(2000), step));
          case 2 -> s.delete(path);
          case 3 -> s.deleteVersion(path, 1 + rnd.nextInt(3));
          case 4 -> {
            clock.advance(Duration.ofSeconds(40));
            s.collectGarbage();
          }
          case 5 -> twoPhase(s, path, rnd.nextBoolean(), step);
          default -> s.put(path, bytes(10, step));
        }
      } catch (io.amberio.core.BlobStoreException expected) {
        // NOT_FOUND and DELETED are part of the game
      }
      if (step % 10 == 9) {
        assertSameListings(s);
      }
    }
    assertSameListings(s);
    s.close();
    LocalBlobStore again = open();
    assertThat(again.catalog().complete()).as("still complete after a clean close").isTrue();
    assertSameListings(again);
  }

  private static void twoPhase(LocalBlobStore s, String path, boolean commit, int step) {
    BlobId txn = new BlobId(com.github.f4b6a3.ulid.UlidCreator.getMonotonicUlid());
    var w =
        s.prepare(
            new PrepareSpec(txn, path, TxnKind.PUT, 0, "text/plain", 1_000_000L + step, null));
    w.write(java.nio.ByteBuffer.wrap(bytes(50, step)));
    var prepared = w.finish();
    if (commit) {
      s.commitPrepared(txn, prepared.maxVersion() + 1);
    } else {
      s.abortPrepared(txn);
    }
  }

  @Test
  void aLostCatalogIsRebuiltAndListingsMergeMeanwhile() throws Exception {
    LocalBlobStore s = open();
    for (int i = 0; i < 300; i++) {
      s.put("k/" + i, bytes(10, i));
    }
    s.delete("k/7");
    List<BlobInfo> before = viaMerge(s, "", 1000);
    s.close();
    Path catalog = dir.resolve("catalog").resolve("listing.sqlite3");
    assertThat(catalog).exists();
    Files.delete(catalog);
    LocalBlobStore again = open();
    assertThat(viaCatalog(again, "", 100)).as("while building, or built").isEqualTo(before);
    awaitComplete(again);
    assertThat(viaCatalog(again, "", 100)).isEqualTo(before);
    assertThat(before).hasSize(299);
  }

  @Test
  void aCatalogOfAnUnknownFormatIsRebuilt() throws Exception {
    LocalBlobStore s = open();
    s.put("x", bytes(10, 1));
    s.close();
    Path catalog = dir.resolve("catalog").resolve("listing.sqlite3");
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + catalog);
        var st = c.createStatement()) {
      st.execute("PRAGMA user_version = 99");
    }
    LocalBlobStore again = open();
    awaitComplete(again);
    assertThat(TestSupport.paths(viaCatalog(again, "", 10))).containsExactly("x");
  }

  @Test
  void aCorruptCatalogFileIsRebuilt() throws IOException, InterruptedException {
    LocalBlobStore s = open();
    s.put("y", bytes(10, 1));
    s.close();
    Path catalog = dir.resolve("catalog").resolve("listing.sqlite3");
    Files.write(catalog, bytes(8192, 3));
    LocalBlobStore again = open();
    awaitComplete(again);
    assertThat(TestSupport.paths(viaCatalog(again, "", 10))).containsExactly("y");
  }
}
