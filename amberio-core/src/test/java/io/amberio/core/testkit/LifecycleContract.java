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
import static io.amberio.core.testkit.TestSupport.failure;
import static io.amberio.core.testkit.TestSupport.listAll;
import static io.amberio.core.testkit.TestSupport.listAllVersions;
import static io.amberio.core.testkit.TestSupport.paths;
import static io.amberio.core.testkit.TestSupport.read;
import static io.amberio.core.testkit.TestSupport.readCurrent;
import static io.amberio.core.testkit.TestSupport.readVersion;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amberio.core.BlobContent;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.ByteRange;
import io.amberio.core.GcReport;
import io.amberio.core.GetOptions;
import io.amberio.core.ListRequest;
import io.amberio.core.PutOptions;
import io.amberio.core.SlotStats;
import io.amberio.core.testkit.TestSupport.TrickleStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Contract, part 4: size limits, closing, reopening, slots and garbage collection. Bound through
 * {@link BlobStoreContract}.
 */
public abstract class LifecycleContract extends ListingContract {
  // ---------------------------------------------------------------------------------------------------
  // Limits and lifecycle

  @Test
  public void blobsOverTheMaximumSizeAreRejectedAndLeaveNothing() {
    int max = 2 * K + 100;
    BlobStore s = openOther("small", config.withMaxBlobSize(max).withInlineThreshold(1024));
    Path dir = tmp.resolve("small");
    assertThat(put(s, "p", bytes(max, 1)).version()).isEqualTo(1);
    List<BlobInfo> before = listAllVersions(s);
    for (int size : new int[] {max + 1, 3 * K + 17}) {
      assertReason(
          Reason.TOO_LARGE,
          () -> s.put("p", new TrickleStream(bytes(size, 2), 3), PutOptions.defaults()));
      assertReason(
          Reason.TOO_LARGE,
          () -> s.put("q", new TrickleStream(bytes(size, 2), 3), PutOptions.defaults()));
      assertReason(Reason.TOO_LARGE, () -> s.put("r", bytes(size, 2)));
    }
    assertThat(listAllVersions(s)).isEqualTo(before);
    assertReason(Reason.NOT_FOUND, () -> s.head("q"));
    assertThat(TestSupport.readCurrent(s, "p")).isEqualTo(bytes(max, 1));
    s.collectGarbage();
    assertNoOrphanBytes(s, dir);
    assertThat(put(s, "p", bytes(1, 1)).version()).isEqualTo(2);
    assertThat(put(s, "q", bytes(1, 1)).version()).isEqualTo(1);

    BlobStore tiny = openOther("tiny", config.withMaxBlobSize(100));
    assertThat(put(tiny, "x", bytes(100, 1)).size()).isEqualTo(100);
    assertReason(Reason.TOO_LARGE, () -> tiny.put("x", bytes(101, 1)));
    assertThat(tiny.head("x").version()).isEqualTo(1);
  }

  @Test
  public void closedStoreRejectsEveryCall() {
    put("p", "1");
    store.close();
    store.close(); // idempotent
    assertReason(Reason.CLOSED, () -> store.put("p", bytes(1, 1)));
    assertReason(
        Reason.CLOSED,
        () ->
            store.put(
                "q",
                new ByteArrayInputStream(bytes(1, 1)),
                PutOptions.defaults().withExpectedVersion(1)));
    assertReason(Reason.CLOSED, () -> store.get("p").close());
    assertReason(Reason.CLOSED, () -> store.get("p", GetOptions.version(1)).close());
    assertReason(Reason.CLOSED, () -> store.head("p"));
    assertReason(Reason.CLOSED, () -> store.head("p", 1));
    assertReason(Reason.CLOSED, () -> store.delete("p"));
    assertReason(Reason.CLOSED, () -> store.deleteVersion("p", 1));
    assertReason(Reason.CLOSED, () -> store.list(ListRequest.prefix("")));
    assertReason(Reason.CLOSED, () -> store.slotStats(0));
    assertReason(Reason.CLOSED, () -> store.collectGarbage());
  }

  @Test
  public void reopeningKeepsEverything() {
    Map<String, byte[]> data = new HashMap<>();
    BlobStore chunked = store;
    for (int i = 0; i < 12; i++) {
      String p = "r/" + i;
      for (int v = 1; v <= 3; v++) {
        int size =
            switch ((i + v) % 4) {
              case 0 -> 0;
              case 1 -> 100;
              case 2 -> K + 1;
              default -> 2 * K + 7;
            };
        byte[] b = bytes(size, i * 10L + v);
        chunked.put(
            p,
            new ByteArrayInputStream(b),
            PutOptions.defaults().withContentType("x/" + i + "." + v));
        data.put(p + "@" + v, b);
      }
      if (i % 3 == 0) {
        store.delete(p);
      }
      if (i % 4 == 1) {
        store.deleteVersion(p, 3);
      }
      if (i % 6 == 0) {
        store.deleteVersion(p, 4);
      }
    }
    List<BlobInfo> versions = listAllVersions(store);
    List<BlobInfo> current = listAll(store, ListRequest.prefix(""));
    List<SlotStats> stats =
        IntStream.range(0, store.slotCount()).mapToObj(store::slotStats).toList();

    reopen();
    assertThat(listAllVersions(store)).isEqualTo(versions);
    assertThat(listAll(store, ListRequest.prefix(""))).isEqualTo(current);
    assertThat(IntStream.range(0, store.slotCount()).mapToObj(store::slotStats).toList())
        .isEqualTo(stats);
    for (BlobInfo i : versions) {
      if (i.isLive()) {
        assertThat(readVersion(store, i.path(), i.version()))
            .as(i.path() + "@" + i.version())
            .isEqualTo(data.get(i.path() + "@" + i.version()));
        assertThat(store.head(i.path(), i.version())).isEqualTo(i);
      } else {
        assertReason(Reason.DELETED, () -> store.head(i.path(), i.version()));
      }
    }
    for (BlobInfo i : current) {
      assertThat(store.head(i.path())).isEqualTo(i);
    }
    assertThat(put("r/0", "more").version()).isEqualTo(5);
    assertThat(put("r/1", "more").version()).isEqualTo(4);
  }

  @Test
  public void reopeningWithAnotherSlotCountIsRejected() {
    put("p", bytes(K + 5, 1));
    store.close();
    BlobStoreException e =
        failure(() -> open(storeDir, config.withSlotCount(config.slotCount() + 1)));
    assertThat(e.reason()).isEqualTo(Reason.INCOMPATIBLE_STORE);
    BlobStoreException e2 = failure(() -> open(storeDir, config.withSlotCount(1)));
    assertThat(e2.reason()).isEqualTo(Reason.INCOMPATIBLE_STORE);
    store = open(storeDir, config);
    assertThat(readCurrent(store, "p")).isEqualTo(bytes(K + 5, 1));
    assertThat(store.slotCount()).isEqualTo(config.slotCount());
  }

  @Test
  public void slotOfIsStableAndInRange() {
    assertThat(store.slotCount()).isEqualTo(config.slotCount());
    Map<String, Integer> slots = new HashMap<>();
    for (String p : listingPaths()) {
      int s = store.slotOf(p);
      assertThat(s).isBetween(0, config.slotCount() - 1);
      assertThat(store.slotOf(p)).isEqualTo(s);
      slots.put(p, s);
    }
    assertThat(new HashSet<>(slots.values())).as("paths spread over slots").hasSizeGreaterThan(1);
    reopen();
    slots.forEach((p, s) -> assertThat(store.slotOf(p)).isEqualTo(s));
  }

  @Test
  public void slotStatsCountVersionsLiveBlobsAndBytes() {
    for (int s = 0; s < store.slotCount(); s++) {
      assertThat(store.slotStats(s)).isEqualTo(new SlotStats(s, 0, 0, 0));
    }
    put("p", bytes(100, 1));
    put("p", bytes(K + 200, 2));
    put("p", bytes(300, 3));
    store.deleteVersion("p", 1); // tombstoned bytes still count
    store.delete("p"); // marker: no bytes
    put("q", bytes(7, 1));
    int ps = store.slotOf("p");
    int qs = store.slotOf("q");
    Map<Integer, long[]> expected = new HashMap<>();
    expected.merge(ps, new long[] {4, 2, 100 + K + 200 + 300}, LifecycleContract::add);
    expected.merge(qs, new long[] {1, 1, 7}, LifecycleContract::add);
    for (int s = 0; s < store.slotCount(); s++) {
      long[] e = expected.getOrDefault(s, new long[3]);
      assertThat(store.slotStats(s)).isEqualTo(new SlotStats(s, e[0], e[1], e[2]));
    }
    assertThatThrownBy(() -> store.slotStats(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.slotStats(store.slotCount()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static long[] add(long[] a, long[] b) {
    return new long[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]};
  }

  // ---------------------------------------------------------------------------------------------------
  // Garbage collection

  /**
   * Writes the GC scenario at {@link #T0}; returns the blob ids of chunked versions that GC must
   * remove.
   */
  private Set<String> writeGcScenario() {
    Set<String> doomed = new HashSet<>();
    // p1: v1 tombstoned (chunked), v2 live
    doomed.add(put("p1", bytes(2 * K + 1, 11)).blobId().toString());
    put("p1", bytes(12, 12));
    store.deleteVersion("p1", 1);
    // p2: v1 live (chunked) under marker v2
    doomed.add(put("p2", bytes(K + 1, 21)).blobId().toString());
    store.delete("p2");
    // p3: v1, v2 under marker v3, v4 live
    put("p3", bytes(31, 31));
    doomed.add(put("p3", bytes(3 * K + 17, 32)).blobId().toString());
    store.delete("p3");
    put("p3", bytes(34, 34));
    // p4: untouched live versions
    put("p4", bytes(41, 41));
    put("p4", bytes(K + 42, 42));
    return doomed;
  }

  private static final long GC_BYTES = (2 * K + 1) + (K + 1) + 31 + (3 * K + 17);

  @Test
  public void garbageCollectionRemovesNothingBeforeTheRetention() {
    writeGcScenario();
    List<BlobInfo> before = listAllVersions(store);
    Optional<Set<String>> diskBefore = blobIdsOnDisk(storeDir);
    assertThat(store.collectGarbage()).isEqualTo(new GcReport(0, 0));
    clock.advance(RETENTION.minusMinutes(1));
    assertThat(store.collectGarbage()).isEqualTo(new GcReport(0, 0));
    assertThat(listAllVersions(store)).isEqualTo(before);
    assertThat(blobIdsOnDisk(storeDir)).isEqualTo(diskBefore);
    assertThat(readVersion(store, "p1", 2)).isEqualTo(bytes(12, 12));
    assertThat(readVersion(store, "p2", 1)).isEqualTo(bytes(K + 1, 21));
  }

  @Test
  public void garbageCollectionAfterTheRetentionRemovesTombstonesMarkersAndWhatTheyHide() {
    Set<String> doomed = writeGcScenario();
    blobIdsOnDisk(storeDir).ifPresent(ids -> assertThat(ids).containsAll(doomed));
    long bytesBefore =
        IntStream.range(0, store.slotCount()).mapToLong(s -> store.slotStats(s).bytes()).sum();
    clock.advance(RETENTION.plusMinutes(1));

    GcReport report = store.collectGarbage();
    assertThat(report).isEqualTo(new GcReport(1 + 2 + 3, GC_BYTES));
    assertThat(listAllVersions(store))
        .extracting(i -> i.path() + "@" + i.version() + ":" + i.state().wireName())
        .containsExactly("p1@2:live", "p3@4:live", "p4@2:live", "p4@1:live");
    assertThat(paths(listAll(store, ListRequest.prefix("")))).containsExactly("p1", "p3", "p4");
    for (String gone : List.of("p1@1", "p2@1", "p2@2", "p3@1", "p3@2", "p3@3")) {
      String p = gone.substring(0, 2);
      long v = Long.parseLong(gone.substring(3));
      assertReason(Reason.DELETED, () -> store.head(p, v));
      assertReason(Reason.DELETED, () -> store.get(p, GetOptions.version(v)).close());
      assertReason(Reason.DELETED, () -> store.deleteVersion(p, v));
    }
    assertThat(readCurrent(store, "p1")).isEqualTo(bytes(12, 12));
    assertThat(readCurrent(store, "p3")).isEqualTo(bytes(34, 34));
    assertThat(readVersion(store, "p4", 1)).isEqualTo(bytes(41, 41));
    assertThat(readCurrent(store, "p4")).isEqualTo(bytes(K + 42, 42));
    long bytesAfter =
        IntStream.range(0, store.slotCount()).mapToLong(s -> store.slotStats(s).bytes()).sum();
    assertThat(bytesAfter).isEqualTo(bytesBefore - GC_BYTES);
    blobIdsOnDisk(storeDir).ifPresent(ids -> assertThat(ids).doesNotContainAnyElementsOf(doomed));
    assertNoOrphanBytes(store, storeDir);

    assertThat(store.collectGarbage())
        .as("a second run finds nothing")
        .isEqualTo(new GcReport(0, 0));
    reopen();
    assertThat(listAllVersions(store)).hasSize(4);
    assertThat(store.collectGarbage()).isEqualTo(new GcReport(0, 0));
  }

  @Test
  public void garbageCollectionReachesSlotsNotUsedSinceReopening() {
    for (int i = 0; i < 20; i++) {
      put("g/" + i, bytes(K + i, i));
      store.delete("g/" + i);
    }
    reopen();
    clock.advance(RETENTION.plusMinutes(1));
    assertThat(store.collectGarbage().versionsRemoved()).isEqualTo(40);
    assertThat(listAllVersions(store)).isEmpty();
    assertNoOrphanBytes(store, storeDir);
    blobIdsOnDisk(storeDir).ifPresent(ids -> assertThat(ids).isEmpty());
  }

  @Test
  public void numberingContinuesAfterGarbageCollection() {
    put("top", "1");
    put("top", "2");
    store.deleteVersion("top", 2); // the highest version goes
    put("all", "1");
    store.delete("all"); // everything goes
    put("marker-only", "1");
    store.deleteVersion("marker-only", 1);
    store.delete("marker-only");
    clock.advance(RETENTION.plusHours(1));
    assertThat(store.collectGarbage().versionsRemoved()).isEqualTo(1 + 2 + 2);
    assertThat(listAllVersions(store))
        .extracting(i -> i.path() + "@" + i.version())
        .containsExactly("top@1");

    BlobStoreException e = failure(() -> cas("top", bytes(1, 1), 2));
    assertThat(e.reason()).isEqualTo(Reason.VERSION_CONFLICT);
    assertThat(e.latestVersion()).hasValue(2);
    BlobStoreException e2 = failure(() -> cas("all", bytes(1, 1), 1));
    assertThat(e2.latestVersion())
        .as("a path whose versions were all collected keeps its max")
        .hasValue(2);
    reopen();
    assertThat(put("top", "3").version()).isEqualTo(3);
    assertThat(put("all", "3").version()).isEqualTo(3);
    assertThat(cas("marker-only", bytes(1, 1), 3).version()).isEqualTo(3);
  }

  @Test
  public void retentionCountsFromTheDeletionNotFromTheWrite() {
    put("p", "1");
    put("p", "2");
    put("q", "1");
    clock.advance(Duration.ofMinutes(50));
    store.deleteVersion("p", 1);
    store.delete("q");
    clock.advance(Duration.ofMinutes(20)); // 70 minutes after the writes, 20 after the deletes
    assertThat(store.collectGarbage()).isEqualTo(new GcReport(0, 0));
    assertThat(listAllVersions(store)).hasSize(4);
    clock.advance(Duration.ofMinutes(41));
    assertThat(store.collectGarbage().versionsRemoved()).isEqualTo(3);
  }

  @Test
  public void onlyVersionsBelowAnExpiredMarkerGo() {
    put("p", "1");
    store.delete("p"); // 2, expires first
    put("p", "3");
    put("q", "1");
    store.delete("q"); // 2
    store.deleteVersion("q", 2); // lifted: a tombstone now; it goes alone
    clock.advance(Duration.ofMinutes(50));
    store.delete("p"); // 4, not yet expired
    clock.advance(Duration.ofMinutes(11));
    GcReport r = store.collectGarbage();
    assertThat(listAllVersions(store))
        .extracting(i -> i.path() + "@" + i.version() + ":" + i.state().wireName())
        .containsExactly("p@4:marker", "p@3:live", "q@1:live");
    assertThat(r.versionsRemoved()).isEqualTo(3);
    assertNoCurrentVersion("p");
    assertCurrent("q", 1, "1".getBytes(UTF_8));
  }

  @Test
  public void liveVersionsAreNeverCollected() {
    put("p", bytes(10, 1));
    put("p", bytes(K + 10, 2));
    put("q", bytes(10, 3));
    clock.advance(Duration.ofDays(3650));
    assertThat(store.collectGarbage()).isEqualTo(new GcReport(0, 0));
    assertThat(readVersion(store, "p", 1)).isEqualTo(bytes(10, 1));
    assertThat(readVersion(store, "p", 2)).isEqualTo(bytes(K + 10, 2));
    assertThat(readCurrent(store, "q")).isEqualTo(bytes(10, 3));
  }

  @Test
  public void aReadOvertakenByGarbageCollectionNeverReportsCorruption() throws IOException {
    byte[] data = bytes(3 * K + 17, 5);
    put("p", data);
    store.delete("p"); // v1 stays readable by number until the marker expires
    BlobStoreException.Reason outcome = null;
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try (BlobContent c = store.get("p", GetOptions.version(1))) {
      byte[] buf = new byte[100];
      int n = c.stream().read(buf);
      got.write(buf, 0, n);
      clock.advance(RETENTION.plusMinutes(1));
      assertThat(store.collectGarbage().versionsRemoved()).isEqualTo(2);
      try {
        while ((n = c.stream().read(buf)) != -1) {
          got.write(buf, 0, n);
        }
      } catch (BlobStoreException e) {
        outcome = e.reason();
      }
    }
    byte[] read = got.toByteArray();
    assertThat(Arrays.equals(data, 0, read.length, read, 0, read.length))
        .as("the bytes read are the version's")
        .isTrue();
    if (outcome == null) {
      assertThat(read).as("a read that completes returns the whole version").hasSize(data.length);
    } else {
      assertThat(outcome)
          .as("a read of a version collected under it ends with DELETED")
          .isEqualTo(Reason.DELETED);
    }
    assertReason(Reason.DELETED, () -> store.get("p", GetOptions.version(1)).close());
  }

  @Test
  public void reopeningWithAnotherChunkSizeAndInlineThresholdKeepsOldBlobsReadable() {
    byte[] a = bytes(3 * K + 17, 1);
    byte[] small = bytes(1000, 2);
    put("a", a);
    put("s", small);
    store.close();
    StoreConfig other = config.withChunkSize(2 * K).withInlineThreshold(0);
    store = open(storeDir, other);
    assertThat(readCurrent(store, "a")).isEqualTo(a);
    assertThat(readCurrent(store, "s")).isEqualTo(small);
    assertThat(read(store, "a", GetOptions.current().withRange(ByteRange.closed(K - 3, 2 * K + 3))))
        .isEqualTo(Arrays.copyOfRange(a, K - 3, 2 * K + 4));
    byte[] b = bytes(3 * K + 17, 3);
    assertThat(put("a", b).version()).isEqualTo(2);
    assertThat(put("s", small).version()).isEqualTo(2);
    store.close();
    store = open(storeDir, config);
    assertThat(readVersion(store, "a", 1)).isEqualTo(a);
    assertThat(readVersion(store, "a", 2)).isEqualTo(b);
    assertThat(
            read(
                store,
                "a",
                GetOptions.version(2).withRange(ByteRange.closed(2 * K - 3, 2 * K + 3))))
        .isEqualTo(Arrays.copyOfRange(b, 2 * K - 3, 2 * K + 4));
    assertThat(readVersion(store, "s", 2)).isEqualTo(small);
  }
}
