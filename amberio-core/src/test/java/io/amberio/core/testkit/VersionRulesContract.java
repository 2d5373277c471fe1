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
import static io.amberio.core.testkit.TestSupport.listAllVersions;
import static io.amberio.core.testkit.TestSupport.paths;
import static io.amberio.core.testkit.TestSupport.readCurrent;
import static io.amberio.core.testkit.TestSupport.readVersion;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amberio.core.BlobContent;
import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.ByteRange;
import io.amberio.core.GetOptions;
import io.amberio.core.PutOptions;
import io.amberio.core.VersionState;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contract, part 1: version numbers, compare-and-set, delete markers, tombstones, the
 * current-version rule, head and get, and NOT_FOUND versus DELETED. Bound through {@link
 * BlobStoreContract}.
 */
public abstract class VersionRulesContract extends BlobStoreContractSupport {
  // ---------------------------------------------------------------------------------------------------
  // Version numbering

  @Test
  public void versionsAreNumberedFromOneAndNeverReused() {
    assertThat(put("p", "a").version()).isEqualTo(1);
    assertThat(put("p", "b").version()).isEqualTo(2);
    assertThat(put("p", "c").version()).isEqualTo(3);
    BlobInfo marker = store.delete("p");
    assertThat(marker.version()).isEqualTo(4);
    assertThat(put("p", "d").version()).isEqualTo(5);
    store.deleteVersion("p", 5);
    assertThat(put("p", "e").version()).as("a tombstoned number is not reused").isEqualTo(6);
    store.deleteVersion("p", 6);
    store.deleteVersion("p", 4);
    assertThat(put("p", "f").version()).isEqualTo(7);
    reopen();
    assertThat(put("p", "g").version()).as("numbering survives a reopen").isEqualTo(8);
  }

  @Test
  public void numberingIsPerPath() {
    put("p", "1");
    put("p", "2");
    put("p", "3");
    assertThat(put("q", "1").version()).isEqualTo(1);
    assertThat(put("p/q", "1").version()).isEqualTo(1);
    assertThat(put("p", "4").version()).isEqualTo(4);
  }

  // ---------------------------------------------------------------------------------------------------
  // Compare-and-set

  @Test
  public void conditionalWriteOfNewPathExpectsOne() {
    BlobStoreException e = failure(() -> cas("new", bytes(3, 1), 2));
    assertThat(e.reason()).isEqualTo(Reason.VERSION_CONFLICT);
    assertThat(e.latestVersion()).hasValue(0);
    assertReason(Reason.NOT_FOUND, () -> store.head("new"));
    assertThat(listAllVersions(store)).isEmpty();

    assertThat(cas("new", bytes(3, 1), 1).version()).isEqualTo(1);
    assertThat(readCurrent(store, "new")).isEqualTo(bytes(3, 1));
  }

  @Test
  public void conditionalWriteSucceedsOnlyAtMaxPlusOne() {
    put("p", "1");
    put("p", "2");
    for (long wrong : new long[] {1, 2, 4, 5, 100, Long.MAX_VALUE}) {
      BlobStoreException e = failure(() -> cas("p", bytes(10, wrong), wrong));
      assertThat(e.reason()).as("expected %d", wrong).isEqualTo(Reason.VERSION_CONFLICT);
      assertThat(e.latestVersion()).as("expected %d", wrong).hasValue(2);
    }
    assertThat(store.head("p").version()).isEqualTo(2);
    assertThat(listAllVersions(store)).hasSize(2);
    BlobInfo third = cas("p", bytes(10, 3), 3);
    assertThat(third.version()).isEqualTo(3);
    assertThat(readCurrent(store, "p")).isEqualTo(bytes(10, 3));
    assertThat(put("p", "4").version())
        .as("a failed compare-and-set uses up no number")
        .isEqualTo(4);
  }

  @Test
  public void conditionalWriteCountsMarkersAndTombstonesInMax() {
    put("p", "1");
    store.delete("p"); // marker 2
    BlobStoreException e = failure(() -> cas("p", bytes(1, 1), 2));
    assertThat(e.reason()).isEqualTo(Reason.VERSION_CONFLICT);
    assertThat(e.latestVersion()).hasValue(2);
    assertThat(cas("p", bytes(1, 1), 3).version()).isEqualTo(3);
    store.deleteVersion("p", 3);
    BlobStoreException e2 = failure(() -> cas("p", bytes(1, 1), 3));
    assertThat(e2.latestVersion()).hasValue(3);
    assertThat(cas("p", bytes(1, 2), 4).version()).isEqualTo(4);
  }

  @Test
  @Timeout(60)
  public void concurrentConditionalWritersHaveExactlyOneWinner() throws Exception {
    int threads = 8;
    int rounds = 15;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 1; round <= rounds; round++) {
        long expected = round;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Object>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int writer = t;
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    try {
                      return cas("race", bytes(100 + writer, expected * 100 + writer), expected);
                    } catch (BlobStoreException e) {
                      return e;
                    }
                  }));
        }
        List<BlobInfo> winners = new ArrayList<>();
        int winnerIndex = -1;
        for (int t = 0; t < threads; t++) {
          Object r = results.get(t).get(30, TimeUnit.SECONDS);
          if (r instanceof BlobInfo info) {
            winners.add(info);
            winnerIndex = t;
          } else {
            BlobStoreException e = (BlobStoreException) r;
            assertThat(e.reason()).isEqualTo(Reason.VERSION_CONFLICT);
            assertThat(e.latestVersion())
                .as("a loser sees the winner's version")
                .hasValue(expected);
          }
        }
        assertThat(winners).as("winners of round " + round).hasSize(1);
        assertThat(winners.get(0).version()).isEqualTo(expected);
        assertThat(readCurrent(store, "race"))
            .isEqualTo(bytes(100 + winnerIndex, expected * 100 + winnerIndex));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(listAllVersions(store)).hasSize(rounds);
  }

  // ---------------------------------------------------------------------------------------------------
  // Delete markers

  @Test
  public void deleteWritesAMarkerThatHidesThePathButNotOlderVersions() {
    byte[] one = bytes(100, 1);
    byte[] two = bytes(200, 2);
    put("p", one);
    put("p", two);
    clock.advance(Duration.ofSeconds(5));
    BlobInfo marker = store.delete("p");
    assertThat(marker.path()).isEqualTo("p");
    assertThat(marker.version()).isEqualTo(3);
    assertThat(marker.state()).isEqualTo(VersionState.MARKER);
    assertThat(marker.size()).isZero();
    assertThat(marker.isLive()).isFalse();
    assertThat(marker.lastModified()).isEqualTo(clock.instant());

    assertNoCurrentVersion("p");
    assertThat(readVersion(store, "p", 1)).isEqualTo(one);
    assertThat(readVersion(store, "p", 2)).isEqualTo(two);
    assertReason(Reason.DELETED, () -> store.head("p", 3));
    assertReason(Reason.DELETED, () -> store.get("p", GetOptions.version(3)).close());
    assertReason(
        Reason.DELETED,
        () -> store.get("p", GetOptions.version(3).withRange(ByteRange.closed(0, 0))).close());
    assertReason(
        Reason.DELETED,
        () -> store.get("p", GetOptions.current().withRange(ByteRange.suffix(1))).close());
    assertReason(Reason.NOT_FOUND, () -> store.head("p", 4));
  }

  @Test
  public void deleteOfAPathNeverWrittenIsNotFoundAndWritesNothing() {
    put("other", "x");
    assertReason(Reason.NOT_FOUND, () -> store.delete("never"));
    assertReason(Reason.NOT_FOUND, () -> store.head("never"));
    assertThat(paths(listAllVersions(store))).containsExactly("other");
    assertThat(cas("never", bytes(1, 1), 1).version()).isEqualTo(1);
  }

  @Test
  public void deletingTwiceWritesTwoMarkers() {
    put("p", "1");
    assertThat(store.delete("p").version()).isEqualTo(2);
    BlobInfo second = store.delete("p");
    assertThat(second.version()).isEqualTo(3);
    assertThat(second.state()).isEqualTo(VersionState.MARKER);
    assertNoCurrentVersion("p");
  }

  @Test
  public void deleteOfAPathWithOnlyTombstonesWritesAMarker() {
    put("p", "1");
    store.deleteVersion("p", 1);
    BlobInfo marker = store.delete("p");
    assertThat(marker.version()).isEqualTo(2);
    assertThat(marker.state()).isEqualTo(VersionState.MARKER);
  }

  @Test
  public void writeAfterMarkerBecomesCurrent() {
    put("p", "1");
    store.delete("p");
    BlobInfo v3 = put("p", "3");
    assertThat(v3.version()).isEqualTo(3);
    assertCurrent("p", 3, "3".getBytes(UTF_8));
  }

  // ---------------------------------------------------------------------------------------------------
  // Tombstones

  @Test
  public void tombstoningTheCurrentVersionFallsBackToThePreviousLiveOne() {
    put("p", bytes(10, 1));
    put("p", bytes(20, 2));
    BlobInfo v3 = put("p", bytes(30, 3));
    BlobInfo t = store.deleteVersion("p", 3);
    assertThat(t.version()).isEqualTo(3);
    assertThat(t.path()).isEqualTo("p");
    assertThat(t.state()).isEqualTo(VersionState.TOMBSTONED);
    assertThat(t.blobId()).isEqualTo(v3.blobId());
    assertThat(t.size()).as("a tombstone keeps its size").isEqualTo(30);
    assertCurrent("p", 2, bytes(20, 2));
    assertReason(Reason.DELETED, () -> store.head("p", 3));
    assertReason(Reason.DELETED, () -> store.get("p", GetOptions.version(3)).close());

    store.deleteVersion("p", 2);
    assertCurrent("p", 1, bytes(10, 1));
  }

  @Test
  public void tombstoningAnOlderVersionLeavesTheCurrentOne() {
    put("p", bytes(10, 1));
    put("p", bytes(20, 2));
    put("p", bytes(30, 3));
    store.deleteVersion("p", 1);
    store.deleteVersion("p", 2);
    assertCurrent("p", 3, bytes(30, 3));
    assertReason(Reason.DELETED, () -> store.head("p", 1));
  }

  @Test
  public void tombstoningEveryVersionLeavesNoCurrentVersion() {
    put("p", "1");
    put("p", "2");
    store.deleteVersion("p", 2);
    store.deleteVersion("p", 1);
    assertNoCurrentVersion("p");
  }

  @Test
  public void tombstoningDoesNotUncoverVersionsBelowAMarker() {
    put("p", bytes(10, 1));
    store.delete("p"); // 2
    put("p", bytes(10, 3));
    store.deleteVersion("p", 3);
    assertNoCurrentVersion("p");
    assertThat(readVersion(store, "p", 1)).isEqualTo(bytes(10, 1));
  }

  @Test
  public void tombstoningAMarkerLiftsIt() {
    put("p", bytes(10, 1));
    store.delete("p");
    BlobInfo lifted = store.deleteVersion("p", 2);
    assertThat(lifted.version()).isEqualTo(2);
    assertThat(lifted.state()).isEqualTo(VersionState.TOMBSTONED);
    assertCurrent("p", 1, bytes(10, 1));
  }

  @Test
  public void tombstoningIsIdempotent() {
    put("p", bytes(10, 1));
    put("p", bytes(10, 2));
    BlobInfo first = store.deleteVersion("p", 2);
    List<BlobInfo> before = listAllVersions(store);
    BlobInfo again = store.deleteVersion("p", 2);
    assertThat(again.state()).isEqualTo(VersionState.TOMBSTONED);
    assertThat(again.version()).isEqualTo(2);
    assertThat(again.blobId()).isEqualTo(first.blobId());
    assertThat(listAllVersions(store)).isEqualTo(before);
    assertCurrent("p", 1, bytes(10, 1));
    assertThat(put("p", "3").version()).isEqualTo(3);
  }

  @Test
  public void tombstoningAVersionThatNeverExistedIsNotFound() {
    assertReason(Reason.NOT_FOUND, () -> store.deleteVersion("never", 1));
    put("p", "1");
    assertReason(Reason.NOT_FOUND, () -> store.deleteVersion("p", 2));
    assertReason(Reason.NOT_FOUND, () -> store.deleteVersion("p", 99));
    assertCurrent("p", 1, "1".getBytes(UTF_8));
    assertThat(put("p", "2").version()).isEqualTo(2);
  }

  @Test
  public void nonPositiveVersionsAreProgrammingErrors() {
    put("p", "1");
    assertThatThrownBy(() -> store.deleteVersion("p", 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.deleteVersion("p", -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.head("p", 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.head("p", -5)).isInstanceOf(IllegalArgumentException.class);
    assertCurrent("p", 1, "1".getBytes(UTF_8));
  }

  // ---------------------------------------------------------------------------------------------------
  // The current-version rule in combination

  protected static Stream<Arguments> histories() {
    return Stream.of(
        Arguments.of("P", 1),
        Arguments.of("P P", 2),
        Arguments.of("P M", 0),
        Arguments.of("P M P", 3),
        Arguments.of("P M P T3", 0),
        Arguments.of("P M T2", 1),
        Arguments.of("P P T2", 1),
        Arguments.of("P P T1", 2),
        Arguments.of("P P T1 T2", 0),
        Arguments.of("P M M T3", 0),
        Arguments.of("P M M T3 T2", 1),
        Arguments.of("P P M T3", 2),
        Arguments.of("P M P M T4 T3 T2", 1),
        Arguments.of("P M P M T4", 3),
        Arguments.of("P T1 P", 2),
        Arguments.of("P T1 M", 0),
        Arguments.of("P T1 M T2", 0),
        Arguments.of("P P P T2 T3", 1),
        Arguments.of("P M P P T4", 3),
        Arguments.of("P M P P T3", 4),
        Arguments.of("P P M P T4 T3", 2),
        Arguments.of("P P M P T4 T3 T2", 1),
        Arguments.of("P M T2 T2 P T3", 1));
  }

  @ParameterizedTest(name = "{0} -> current {1}")
  @MethodSource("histories")
  public void currentVersionRule(String history, int expectedCurrent) {
    Map<Long, VersionState> states = new TreeMap<>();
    long next = 1;
    for (String op : history.split(" ")) {
      switch (op.charAt(0)) {
        case 'P' -> {
          assertThat(put("p", bytes((int) next * 10, next)).version()).isEqualTo(next);
          states.put(next++, VersionState.LIVE);
        }
        case 'M' -> {
          assertThat(store.delete("p").version()).isEqualTo(next);
          states.put(next++, VersionState.MARKER);
        }
        case 'T' -> {
          long v = Long.parseLong(op.substring(1));
          assertThat(store.deleteVersion("p", v).state()).isEqualTo(VersionState.TOMBSTONED);
          states.put(v, VersionState.TOMBSTONED);
        }
        default -> throw new IllegalArgumentException(op);
      }
    }
    if (expectedCurrent == 0) {
      assertNoCurrentVersion("p");
    } else {
      assertCurrent("p", expectedCurrent, bytes(expectedCurrent * 10, expectedCurrent));
    }
    List<BlobInfo> versions = listAllVersions(store);
    List<Long> expectedOrder = new ArrayList<>(states.keySet());
    Collections.reverse(expectedOrder);
    assertThat(versions).extracting(BlobInfo::version).containsExactlyElementsOf(expectedOrder);
    for (BlobInfo i : versions) {
      assertThat(i.state()).as("state of v" + i.version()).isEqualTo(states.get(i.version()));
      if (i.state() == VersionState.LIVE) {
        assertThat(readVersion(store, "p", i.version()))
            .isEqualTo(bytes((int) i.version() * 10, i.version()));
      } else {
        assertReason(Reason.DELETED, () -> store.head("p", i.version()));
      }
    }
    assertThat(put("p", "next").version()).isEqualTo(next);
  }

  // ---------------------------------------------------------------------------------------------------
  // head and get, NOT_FOUND and DELETED

  @Test
  public void headAndGetDescribeTheSameVersion() {
    clock.advance(Duration.ofSeconds(7));
    Instant firstWrite = clock.instant();
    BlobInfo v1 =
        store.put(
            "p",
            new ByteArrayInputStream(bytes(123, 1)),
            PutOptions.defaults().withContentType("text/plain; charset=utf-8"));
    clock.advance(Duration.ofSeconds(11));
    BlobInfo v2 = put("p", bytes(45, 2));

    assertThat(v1.path()).isEqualTo("p");
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v1.state()).isEqualTo(VersionState.LIVE);
    assertThat(v1.size()).isEqualTo(123);
    assertThat(v1.contentType()).isEqualTo("text/plain; charset=utf-8");
    assertThat(v1.lastModified()).isEqualTo(firstWrite);
    assertThat(v1.etag()).isNotBlank();
    assertThat(v2.lastModified()).isEqualTo(clock.instant());
    assertThat(v2.contentType()).isEqualTo(PutOptions.DEFAULT_CONTENT_TYPE);

    assertThat(store.head("p")).isEqualTo(v2);
    assertThat(store.head("p", 1)).isEqualTo(v1);
    assertThat(store.head("p", 2)).isEqualTo(v2);
    try (BlobContent c = store.get("p")) {
      assertThat(c.info()).isEqualTo(v2);
      assertThat(c.range()).isEqualTo(new ByteRange.Resolved(0, 45));
      assertThat(c.isPartial()).isFalse();
      assertThat(c.readAllBytes()).isEqualTo(bytes(45, 2));
    }
    try (BlobContent c = store.get("p", GetOptions.version(1))) {
      assertThat(c.info()).isEqualTo(v1);
      assertThat(c.readAllBytes()).isEqualTo(bytes(123, 1));
    }
  }

  @Test
  public void everyVersionHasItsOwnEtagAndBlobId() {
    Set<String> etags = new HashSet<>();
    Set<BlobId> ids = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      BlobInfo info = put("same", "identical bytes");
      etags.add(info.etag());
      ids.add(info.blobId());
    }
    BlobInfo marker = store.delete("same");
    etags.add(marker.etag());
    ids.add(marker.blobId());
    assertThat(etags).hasSize(6);
    assertThat(ids).hasSize(6);
  }

  @Test
  public void unknownPathsAndVersionsAreNotFound() {
    assertReason(Reason.NOT_FOUND, () -> store.head("never"));
    assertReason(Reason.NOT_FOUND, () -> store.head("never", 1));
    assertReason(Reason.NOT_FOUND, () -> store.get("never").close());
    assertReason(Reason.NOT_FOUND, () -> store.get("never", GetOptions.version(1)).close());
    assertReason(
        Reason.NOT_FOUND,
        () -> store.get("never", GetOptions.current().withRange(ByteRange.closed(0, 1))).close());
    put("p", "1");
    assertReason(Reason.NOT_FOUND, () -> store.head("p", 2));
    assertReason(Reason.NOT_FOUND, () -> store.get("p", GetOptions.version(2)).close());
    assertReason(Reason.NOT_FOUND, () -> store.head("P"));
    assertReason(Reason.NOT_FOUND, () -> store.head("p/x"));
    assertThat(listAllVersions(store)).hasSize(1);
  }
}
