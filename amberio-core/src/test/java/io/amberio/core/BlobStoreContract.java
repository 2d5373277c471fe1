package io.amberio.core;

import static io.amberio.core.TestSupport.UTF8_ORDER;
import static io.amberio.core.TestSupport.bytes;
import static io.amberio.core.TestSupport.failure;
import static io.amberio.core.TestSupport.listAll;
import static io.amberio.core.TestSupport.listAllVersions;
import static io.amberio.core.TestSupport.paths;
import static io.amberio.core.TestSupport.read;
import static io.amberio.core.TestSupport.readCurrent;
import static io.amberio.core.TestSupport.readVersion;
import static io.amberio.core.TestSupport.reasonOf;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.TestSupport.FailingStream;
import io.amberio.core.TestSupport.MutableClock;
import io.amberio.core.TestSupport.TrickleStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link BlobStore} implementation owes its users: the rules of
 * {@code contract/http-api.md} expressed against the Java API. An implementation binds to it with a tiny
 * subclass that says how to open a store on a directory with a {@link StoreConfig}; everything else is
 * here.
 *
 * <p>Every test opens a fresh store on a fresh directory. Tests that need to look at bytes on disk use
 * the optional {@link #blobIdsOnDisk(Path)} hook and are skipped where the binding cannot answer it.
 */
public abstract class BlobStoreContract {
  /** 64 KiB: the chunk size of the default configuration. */
  protected static final int K = 64 * 1024;

  /** Where and how the store under test is opened. */
  protected record StoreConfig(
      int slotCount,
      int chunkSize,
      int inlineThreshold,
      long maxBlobSize,
      Duration retention,
      InstantSource clock) {
    public StoreConfig withSlotCount(int n) {
      return new StoreConfig(n, chunkSize, inlineThreshold, maxBlobSize, retention, clock);
    }

    public StoreConfig withInlineThreshold(int n) {
      return new StoreConfig(slotCount, chunkSize, n, maxBlobSize, retention, clock);
    }

    public StoreConfig withChunkSize(int n) {
      return new StoreConfig(slotCount, n, inlineThreshold, maxBlobSize, retention, clock);
    }

    public StoreConfig withMaxBlobSize(long n) {
      return new StoreConfig(slotCount, chunkSize, inlineThreshold, n, retention, clock);
    }
  }

  /**
   * Opens (creating if needed) a store whose data lives under {@code dir} (an existing directory), with
   * background garbage collection disabled. Opening the same directory with the same config again must
   * give back the same store.
   */
  protected abstract BlobStore openStore(Path dir, StoreConfig config);

  /**
   * The blob ids that have bytes on disk under {@code dir} (one directory per chunked blob), or empty when
   * the implementation cannot tell; tests of byte reclamation then check only what the API shows.
   */
  protected Optional<Set<String>> blobIdsOnDisk(Path dir) {
    return Optional.empty();
  }

  protected static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  protected static final Duration RETENTION = Duration.ofHours(1);

  @TempDir protected Path tmp;
  protected MutableClock clock;
  protected StoreConfig config;
  protected Path storeDir;
  protected BlobStore store;
  private final List<BlobStore> opened = new ArrayList<>();

  @BeforeEach
  void openFreshStore() throws IOException {
    clock = new MutableClock(T0);
    config = new StoreConfig(16, K, K, 16L << 20, RETENTION, clock);
    storeDir = Files.createDirectories(tmp.resolve("store"));
    store = open(storeDir, config);
  }

  @AfterEach
  void closeStores() {
    for (BlobStore s : opened) {
      try {
        s.close();
      } catch (RuntimeException ignored) {
        // a test may have closed it already, or made it fail on purpose
      }
    }
  }

  protected BlobStore open(Path dir, StoreConfig c) {
    BlobStore s = openStore(dir, c);
    opened.add(s);
    return s;
  }

  /** Opens another, independent store in a new directory. */
  protected BlobStore openOther(String name, StoreConfig c) {
    try {
      return open(Files.createDirectories(tmp.resolve(name)), c);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  protected void reopen() {
    store.close();
    store = open(storeDir, config);
  }

  protected static BlobInfo put(BlobStore s, String path, byte[] data) {
    return s.put(path, data);
  }

  protected BlobInfo put(String path, byte[] data) {
    return store.put(path, data);
  }

  protected BlobInfo put(String path, String text) {
    return store.put(path, text.getBytes(UTF_8));
  }

  protected BlobInfo cas(String path, byte[] data, long expected) {
    return store.put(path, new ByteArrayInputStream(data), PutOptions.defaults().withExpectedVersion(expected));
  }

  protected static void assertReason(Reason expected, Runnable call) {
    assertThat(reasonOf(call)).isEqualTo(expected);
  }

  private void assertNoCurrentVersion(String path) {
    assertReason(Reason.DELETED, () -> store.head(path));
    assertReason(Reason.DELETED, () -> store.get(path).close());
    assertThat(paths(listAll(store, ListRequest.prefix(path)))).doesNotContain(path);
  }

  private void assertCurrent(String path, long version, byte[] data) {
    assertThat(store.head(path).version()).as("current version of " + path).isEqualTo(version);
    try (BlobContent c = store.get(path)) {
      assertThat(c.info().version()).isEqualTo(version);
      assertThat(c.readAllBytes()).isEqualTo(data);
    }
    List<BlobInfo> listed =
        listAll(store, ListRequest.prefix(path)).stream().filter(i -> i.path().equals(path)).toList();
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).version()).isEqualTo(version);
  }

  /** Every blob directory on disk belongs to a version the store still lists (checked when the hook answers). */
  protected void assertNoOrphanBytes(BlobStore s, Path dir) {
    Optional<Set<String>> onDisk = blobIdsOnDisk(dir);
    if (onDisk.isEmpty()) {
      return;
    }
    Set<String> known =
        listAllVersions(s).stream().map(i -> i.blobId().toString()).collect(Collectors.toSet());
    assertThat(onDisk.get()).as("blob directories without a version").isSubsetOf(known);
  }

  // ---------------------------------------------------------------------------------------------------
  // Version numbering

  @Test
  void versionsAreNumberedFromOneAndNeverReused() {
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
  void numberingIsPerPath() {
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
  void conditionalWriteOfNewPathExpectsOne() {
    BlobStoreException e = failure(() -> cas("new", bytes(3, 1), 2));
    assertThat(e.reason()).isEqualTo(Reason.VERSION_CONFLICT);
    assertThat(e.latestVersion()).hasValue(0);
    assertReason(Reason.NOT_FOUND, () -> store.head("new"));
    assertThat(listAllVersions(store)).isEmpty();

    assertThat(cas("new", bytes(3, 1), 1).version()).isEqualTo(1);
    assertThat(readCurrent(store, "new")).isEqualTo(bytes(3, 1));
  }

  @Test
  void conditionalWriteSucceedsOnlyAtMaxPlusOne() {
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
    assertThat(put("p", "4").version()).as("a failed compare-and-set uses up no number").isEqualTo(4);
  }

  @Test
  void conditionalWriteCountsMarkersAndTombstonesInMax() {
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
  void concurrentConditionalWritersHaveExactlyOneWinner() throws Exception {
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
            assertThat(e.latestVersion()).as("a loser sees the winner's version").hasValue(expected);
          }
        }
        assertThat(winners).as("winners of round " + round).hasSize(1);
        assertThat(winners.get(0).version()).isEqualTo(expected);
        assertThat(readCurrent(store, "race")).isEqualTo(bytes(100 + winnerIndex, expected * 100 + winnerIndex));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(listAllVersions(store)).hasSize(rounds);
  }

  // ---------------------------------------------------------------------------------------------------
  // Delete markers

  @Test
  void deleteWritesAMarkerThatHidesThePathButNotOlderVersions() {
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
        Reason.DELETED, () -> store.get("p", GetOptions.version(3).withRange(ByteRange.closed(0, 0))).close());
    assertReason(Reason.DELETED, () -> store.get("p", GetOptions.current().withRange(ByteRange.suffix(1))).close());
    assertReason(Reason.NOT_FOUND, () -> store.head("p", 4));
  }

  @Test
  void deleteOfAPathNeverWrittenIsNotFoundAndWritesNothing() {
    put("other", "x");
    assertReason(Reason.NOT_FOUND, () -> store.delete("never"));
    assertReason(Reason.NOT_FOUND, () -> store.head("never"));
    assertThat(paths(listAllVersions(store))).containsExactly("other");
    assertThat(cas("never", bytes(1, 1), 1).version()).isEqualTo(1);
  }

  @Test
  void deletingTwiceWritesTwoMarkers() {
    put("p", "1");
    assertThat(store.delete("p").version()).isEqualTo(2);
    BlobInfo second = store.delete("p");
    assertThat(second.version()).isEqualTo(3);
    assertThat(second.state()).isEqualTo(VersionState.MARKER);
    assertNoCurrentVersion("p");
  }

  @Test
  void deleteOfAPathWithOnlyTombstonesWritesAMarker() {
    put("p", "1");
    store.deleteVersion("p", 1);
    BlobInfo marker = store.delete("p");
    assertThat(marker.version()).isEqualTo(2);
    assertThat(marker.state()).isEqualTo(VersionState.MARKER);
  }

  @Test
  void writeAfterMarkerBecomesCurrent() {
    put("p", "1");
    store.delete("p");
    BlobInfo v3 = put("p", "3");
    assertThat(v3.version()).isEqualTo(3);
    assertCurrent("p", 3, "3".getBytes(UTF_8));
  }

  // ---------------------------------------------------------------------------------------------------
  // Tombstones

  @Test
  void tombstoningTheCurrentVersionFallsBackToThePreviousLiveOne() {
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
  void tombstoningAnOlderVersionLeavesTheCurrentOne() {
    put("p", bytes(10, 1));
    put("p", bytes(20, 2));
    put("p", bytes(30, 3));
    store.deleteVersion("p", 1);
    store.deleteVersion("p", 2);
    assertCurrent("p", 3, bytes(30, 3));
    assertReason(Reason.DELETED, () -> store.head("p", 1));
  }

  @Test
  void tombstoningEveryVersionLeavesNoCurrentVersion() {
    put("p", "1");
    put("p", "2");
    store.deleteVersion("p", 2);
    store.deleteVersion("p", 1);
    assertNoCurrentVersion("p");
  }

  @Test
  void tombstoningDoesNotUncoverVersionsBelowAMarker() {
    put("p", bytes(10, 1));
    store.delete("p"); // 2
    put("p", bytes(10, 3));
    store.deleteVersion("p", 3);
    assertNoCurrentVersion("p");
    assertThat(readVersion(store, "p", 1)).isEqualTo(bytes(10, 1));
  }

  @Test
  void tombstoningAMarkerLiftsIt() {
    put("p", bytes(10, 1));
    store.delete("p");
    BlobInfo lifted = store.deleteVersion("p", 2);
    assertThat(lifted.version()).isEqualTo(2);
    assertThat(lifted.state()).isEqualTo(VersionState.TOMBSTONED);
    assertCurrent("p", 1, bytes(10, 1));
  }

  @Test
  void tombstoningIsIdempotent() {
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
  void tombstoningAVersionThatNeverExistedIsNotFound() {
    assertReason(Reason.NOT_FOUND, () -> store.deleteVersion("never", 1));
    put("p", "1");
    assertReason(Reason.NOT_FOUND, () -> store.deleteVersion("p", 2));
    assertReason(Reason.NOT_FOUND, () -> store.deleteVersion("p", 99));
    assertCurrent("p", 1, "1".getBytes(UTF_8));
    assertThat(put("p", "2").version()).isEqualTo(2);
  }

  @Test
  void nonPositiveVersionsAreProgrammingErrors() {
    put("p", "1");
    assertThatThrownBy(() -> store.deleteVersion("p", 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.deleteVersion("p", -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.head("p", 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.head("p", -5)).isInstanceOf(IllegalArgumentException.class);
    assertCurrent("p", 1, "1".getBytes(UTF_8));
  }

  // ---------------------------------------------------------------------------------------------------
  // The current-version rule in combination

  static Stream<Arguments> histories() {
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
  void currentVersionRule(String history, int expectedCurrent) {
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
        assertThat(readVersion(store, "p", i.version())).isEqualTo(bytes((int) i.version() * 10, i.version()));
      } else {
        assertReason(Reason.DELETED, () -> store.head("p", i.version()));
      }
    }
    assertThat(put("p", "next").version()).isEqualTo(next);
  }

  // ---------------------------------------------------------------------------------------------------
  // head and get, NOT_FOUND and DELETED

  @Test
  void headAndGetDescribeTheSameVersion() {
    clock.advance(Duration.ofSeconds(7));
    Instant firstWrite = clock.instant();
    BlobInfo v1 = store.put("p", new ByteArrayInputStream(bytes(123, 1)), PutOptions.defaults().withContentType("text/plain; charset=utf-8"));
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
  void everyVersionHasItsOwnEtagAndBlobId() {
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
  void unknownPathsAndVersionsAreNotFound() {
    assertReason(Reason.NOT_FOUND, () -> store.head("never"));
    assertReason(Reason.NOT_FOUND, () -> store.head("never", 1));
    assertReason(Reason.NOT_FOUND, () -> store.get("never").close());
    assertReason(Reason.NOT_FOUND, () -> store.get("never", GetOptions.version(1)).close());
    assertReason(
        Reason.NOT_FOUND, () -> store.get("never", GetOptions.current().withRange(ByteRange.closed(0, 1))).close());
    put("p", "1");
    assertReason(Reason.NOT_FOUND, () -> store.head("p", 2));
    assertReason(Reason.NOT_FOUND, () -> store.get("p", GetOptions.version(2)).close());
    assertReason(Reason.NOT_FOUND, () -> store.head("P"));
    assertReason(Reason.NOT_FOUND, () -> store.head("p/x"));
    assertThat(listAllVersions(store)).hasSize(1);
  }

  // ---------------------------------------------------------------------------------------------------
  // Ranges

  static Stream<Arguments> satisfiableRanges() {
    int n = 1000;
    int c = 3 * K + 17;
    return Stream.of(
        Arguments.of(n, ByteRange.closed(0, 0), 0, 1),
        Arguments.of(n, ByteRange.closed(10, 19), 10, 10),
        Arguments.of(n, ByteRange.closed(999, 999), 999, 1),
        Arguments.of(n, ByteRange.closed(0, 999), 0, 1000),
        Arguments.of(n, ByteRange.closed(990, 5000), 990, 10),
        Arguments.of(n, ByteRange.closed(0, Long.MAX_VALUE), 0, 1000),
        Arguments.of(n, ByteRange.from(0), 0, 1000),
        Arguments.of(n, ByteRange.from(990), 990, 10),
        Arguments.of(n, ByteRange.from(999), 999, 1),
        Arguments.of(n, ByteRange.suffix(1), 999, 1),
        Arguments.of(n, ByteRange.suffix(10), 990, 10),
        Arguments.of(n, ByteRange.suffix(1000), 0, 1000),
        Arguments.of(n, ByteRange.suffix(5000), 0, 1000),
        Arguments.of(n, ByteRange.all(), 0, 1000),
        Arguments.of(c, ByteRange.closed(K - 3, K + 2), K - 3, 6),
        Arguments.of(c, ByteRange.closed(K - 1, K - 1), K - 1, 1),
        Arguments.of(c, ByteRange.closed(K, K), K, 1),
        Arguments.of(c, ByteRange.closed(K, 2 * K - 1), K, K),
        Arguments.of(c, ByteRange.closed(2 * K - 5, 3 * K + 5), 2 * K - 5, K + 11),
        Arguments.of(c, ByteRange.closed(5, 3 * K + 16), 5, 3 * K + 12),
        Arguments.of(c, ByteRange.closed(3 * K, 9 * K), 3 * K, 17),
        Arguments.of(c, ByteRange.from(3 * K), 3 * K, 17),
        Arguments.of(c, ByteRange.from(3 * K + 16), 3 * K + 16, 1),
        Arguments.of(c, ByteRange.from(1), 1, 3 * K + 16),
        Arguments.of(c, ByteRange.suffix(17), 3 * K, 17),
        Arguments.of(c, ByteRange.suffix(18), 3 * K - 1, 18),
        Arguments.of(c, ByteRange.suffix(2 * K), K + 17, 2 * K),
        Arguments.of(c, ByteRange.suffix(10 * K), 0, c));
  }

  @ParameterizedTest(name = "size {0}, {1}")
  @MethodSource("satisfiableRanges")
  void rangeReads(int size, ByteRange range, long offset, long length) {
    byte[] data = bytes(size, 42);
    put("p", bytes(7, 0)); // version 1, so the ranges below also select by version
    BlobInfo v2 = put("p", data);
    put("p", bytes(3, 9)); // version 3 is current
    try (BlobContent c = store.get("p", GetOptions.version(2).withRange(range))) {
      assertThat(c.info()).isEqualTo(v2);
      assertThat(c.range()).isEqualTo(new ByteRange.Resolved(offset, length));
      assertThat(c.isPartial()).isEqualTo(offset != 0 || length != size);
      assertThat(c.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, (int) offset, (int) (offset + length)));
    }
    store.deleteVersion("p", 3);
    assertThat(read(store, "p", GetOptions.current().withRange(range)))
        .as("the same range of the current version")
        .isEqualTo(Arrays.copyOfRange(data, (int) offset, (int) (offset + length)));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 1000, 3 * K + 17})
  void unsatisfiableRanges(int size) {
    put("p", bytes(size, 1));
    for (ByteRange r :
        List.of(ByteRange.from(size), ByteRange.closed(size, size + 10), ByteRange.from(size + 1000L), ByteRange.suffix(0))) {
      BlobStoreException e = failure(() -> store.get("p", GetOptions.current().withRange(r)).close());
      assertThat(e.reason()).as(r.toString()).isEqualTo(Reason.RANGE_NOT_SATISFIABLE);
      assertThat(e.size()).as(r.toString()).hasValue(size);
    }
  }

  @Test
  void emptyBlobReadsEmptyAndHasNoSatisfiableRange() {
    BlobInfo info = put("empty", new byte[0]);
    assertThat(info.size()).isZero();
    assertThat(store.head("empty").size()).isZero();
    try (BlobContent c = store.get("empty")) {
      assertThat(c.range()).isEqualTo(new ByteRange.Resolved(0, 0));
      assertThat(c.isPartial()).isFalse();
      assertThat(c.readAllBytes()).isEmpty();
    }
    for (ByteRange r : List.of(ByteRange.closed(0, 0), ByteRange.suffix(1), ByteRange.suffix(0), ByteRange.from(1))) {
      BlobStoreException e = failure(() -> store.get("empty", GetOptions.current().withRange(r)).close());
      assertThat(e.reason()).as(r.toString()).isEqualTo(Reason.RANGE_NOT_SATISFIABLE);
      assertThat(e.size()).hasValue(0);
    }
    assertThat(paths(listAll(store, ListRequest.prefix("")))).containsExactly("empty");
  }

  // ---------------------------------------------------------------------------------------------------
  // Bytes, chunks, content types

  static Stream<Arguments> blobSizes() {
    List<Arguments> out = new ArrayList<>();
    for (boolean inline : new boolean[] {true, false}) {
      for (int size : new int[] {0, 1, K - 1, K, K + 1, 2 * K, 3 * K + 17}) {
        out.add(Arguments.of(inline, size));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "inline threshold {0}, size {1}")
  @MethodSource("blobSizes")
  void blobsOfEverySizeRoundTrip(boolean inline, int size) {
    BlobStore s = inline ? store : openOther("chunked", config.withInlineThreshold(0));
    byte[] data = bytes(size, size);
    TrickleStream in = new TrickleStream(data, size);
    BlobInfo info = s.put("blob", in, PutOptions.defaults());
    assertThat(info.size()).isEqualTo(size);
    assertThat(in.closed).as("put does not close the caller's stream").isFalse();
    try (BlobContent c = s.get("blob")) {
      assertThat(c.info().size()).isEqualTo(size);
      InputStream stream = c.stream();
      byte[] got = new byte[size];
      int pos = 0;
      byte[] buf = new byte[7777];
      int n;
      while ((n = stream.read(buf, 0, buf.length)) != -1) {
        assertThat(pos + n).as("stream yields no more than the blob's size").isLessThanOrEqualTo(size);
        System.arraycopy(buf, 0, got, pos, n);
        pos += n;
      }
      assertThat(pos).isEqualTo(size);
      assertThat(got).isEqualTo(data);
      assertThat(stream.read()).isEqualTo(-1);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    // byte-at-a-time reading across a chunk boundary
    if (size > K) {
      int first = K - 5;
      int last = Math.min(K + 4, size - 1);
      try (BlobContent c = s.get("blob", GetOptions.current().withRange(ByteRange.closed(K - 5, K + 4)))) {
        byte[] got = new byte[last - first + 1];
        for (int i = 0; i < got.length; i++) {
          int b = c.stream().read();
          assertThat(b).as("byte %d of the range", i).isNotNegative();
          got[i] = (byte) b;
        }
        assertThat(c.stream().read()).isEqualTo(-1);
        assertThat(got).isEqualTo(Arrays.copyOfRange(data, first, last + 1));
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void contentTypeRoundTrips() {
    String type = "application/vnd.amberio+json; charset=utf-8; q=\"x y\"";
    store.put("t", new ByteArrayInputStream(bytes(5, 1)), PutOptions.defaults().withContentType(type));
    put("t", bytes(5, 2));
    store.put("t", new ByteArrayInputStream(bytes(5, 3)), PutOptions.defaults().withContentType("image/png"));
    assertThat(store.head("t", 1).contentType()).isEqualTo(type);
    assertThat(store.head("t", 2).contentType()).isEqualTo(PutOptions.DEFAULT_CONTENT_TYPE);
    assertThat(store.head("t").contentType()).isEqualTo("image/png");
    reopen();
    assertThat(store.head("t", 1).contentType()).isEqualTo(type);
    assertThat(listAll(store, ListRequest.prefix("t")).get(0).contentType()).isEqualTo("image/png");
    try (BlobContent c = store.get("t", GetOptions.version(1))) {
      assertThat(c.info().contentType()).isEqualTo(type);
    }
  }

  @Test
  void putReadsTheStreamToItsEndAndDoesNotCloseIt() {
    byte[] data = bytes(2 * K + 3, 5);
    TrickleStream in = new TrickleStream(data, 1);
    store.put("p", in, PutOptions.defaults());
    assertThat(in.read()).isEqualTo(-1);
    assertThat(in.closed).isFalse();
    assertThat(readCurrent(store, "p")).isEqualTo(data);
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 2 * K + 5})
  void aFailingInputStreamLeavesNothingVisible(int goodBytes) {
    put("p", bytes(10, 1));
    BlobStoreException e = failure(() -> store.put("p", new FailingStream(bytes(goodBytes, 2)), PutOptions.defaults()));
    assertThat(e.reason()).isEqualTo(Reason.INPUT_FAILED);
    assertThat(e.getCause()).as("the cause is chained").isInstanceOf(IOException.class);
    BlobStoreException e2 = failure(() -> store.put("q", new FailingStream(bytes(goodBytes, 2)), PutOptions.defaults()));
    assertThat(e2.reason()).isEqualTo(Reason.INPUT_FAILED);
    assertReason(Reason.NOT_FOUND, () -> store.head("q"));
    assertCurrent("p", 1, bytes(10, 1));
    assertThat(listAllVersions(store)).hasSize(1);
    store.collectGarbage();
    assertNoOrphanBytes(store, storeDir);
    assertThat(put("p", "2").version()).isEqualTo(2);
    assertThat(put("q", "1").version()).isEqualTo(1);
  }

  // ---------------------------------------------------------------------------------------------------
  // Paths

  static Stream<String> validPaths() {
    return Stream.of(
        "a",
        "a/b/c",
        "a b",
        " ",
        ".a",
        "a.",
        "..a",
        "a..",
        "...",
        "a/.b",
        "a/..b",
        "a/b.",
        "a;b=c",
        "a+b",
        "%2F",
        "a%2Fb",
        "?x=1#y",
        "\\",
        "é",
        "😀",
        "\uFFFD",
        "\uE000",
        "a\u00a0b",
        "x".repeat(1024),
        "é".repeat(512),
        "€".repeat(341) + "a",
        "😀".repeat(256),
        "a/".repeat(511) + "aa");
  }

  @ParameterizedTest
  @MethodSource("validPaths")
  void validPathsAreAccepted(String path) {
    assertThat(path.getBytes(UTF_8).length).isBetween(1, 1024);
    byte[] data = bytes(17, path.hashCode());
    BlobInfo info = put(path, data);
    assertThat(info.path()).isEqualTo(path);
    assertThat(info.version()).isEqualTo(1);
    assertThat(store.head(path).path()).isEqualTo(path);
    assertThat(readCurrent(store, path)).isEqualTo(data);
    assertThat(paths(listAll(store, ListRequest.prefix("")))).containsExactly(path);
    assertThat(paths(listAll(store, ListRequest.prefix(path)))).containsExactly(path);
    assertThat(store.slotOf(path)).isBetween(0, store.slotCount() - 1);
    assertThat(store.delete(path).version()).isEqualTo(2);
    reopen();
    assertThat(readVersion(store, path, 1)).isEqualTo(data);
  }

  static Stream<String> invalidPaths() {
    return Stream.of(
        "",
        "/",
        "/a",
        "a/",
        "a/b/",
        "a//b",
        "//",
        ".",
        "..",
        "./a",
        "a/.",
        "a/..",
        "a/./b",
        "a/../b",
        "../a",
        "a\u0000b",
        "\u0000",
        "a\u0000",
        "a\u0001",
        "a\u001f",
        "a\nb",
        "a\rb",
        "a\tb",
        "a\u007fb",
        "a\u0080b",
        "a\u0085b",
        "a\u009fb",
        "a\uD800b",
        "a\uDC00",
        "\uD83D",
        "\uDE00\uD83D",
        "x".repeat(1025),
        "é".repeat(512) + "a",
        "😀".repeat(256) + "a",
        "a/".repeat(512) + "a");
  }

  @ParameterizedTest
  @MethodSource("invalidPaths")
  void invalidPathsAreRejectedAndChangeNothing(String path) {
    put("a", bytes(5, 1));
    put("a/b", bytes(5, 2));
    put("b", bytes(5, 3));
    List<BlobInfo> before = listAllVersions(store);
    List<SlotStats> statsBefore = IntStream.range(0, store.slotCount()).mapToObj(store::slotStats).toList();

    assertReason(Reason.INVALID_PATH, () -> store.put(path, bytes(3, 3)));
    assertReason(
        Reason.INVALID_PATH,
        () -> store.put(path, new ByteArrayInputStream(bytes(3, 3)), PutOptions.defaults().withExpectedVersion(1)));
    assertReason(
        Reason.INVALID_PATH,
        () -> store.put(path, new ByteArrayInputStream(bytes(2 * K, 3)), PutOptions.defaults()));
    assertReason(Reason.INVALID_PATH, () -> store.get(path).close());
    assertReason(Reason.INVALID_PATH, () -> store.get(path, GetOptions.version(1)).close());
    assertReason(Reason.INVALID_PATH, () -> store.head(path));
    assertReason(Reason.INVALID_PATH, () -> store.head(path, 1));
    assertReason(Reason.INVALID_PATH, () -> store.delete(path));
    assertReason(Reason.INVALID_PATH, () -> store.deleteVersion(path, 1));

    assertThat(listAllVersions(store)).isEqualTo(before);
    assertThat(IntStream.range(0, store.slotCount()).mapToObj(store::slotStats).toList()).isEqualTo(statsBefore);
    store.collectGarbage();
    assertNoOrphanBytes(store, storeDir);
  }

  // ---------------------------------------------------------------------------------------------------
  // Listing

  /** About 50 paths whose UTF-8 byte order differs from Java's String order in places. */
  protected static List<String> listingPaths() {
    List<String> paths =
        new ArrayList<>(
            List.of(
                "a", "a/b", "a/b/c", "a b", "a-b", "a0", "ab", "A", "Z", "z", "é", "éa", "\uE000", "\uE000/x",
                "\uFFFD", "😀", "😀x", "😀/y", "~", "0", "a/😀", "a/\uFFFD", "a/é"));
    for (int i = 0; paths.size() < 50; i++) {
      paths.add("k/" + i);
    }
    return paths;
  }

  private Map<String, BlobInfo> writeListingPaths() {
    List<String> shuffled = new ArrayList<>(listingPaths());
    Collections.shuffle(shuffled, new Random(7));
    Map<String, BlobInfo> current = new HashMap<>();
    for (String p : shuffled) {
      int versions = 1 + Math.floorMod(p.hashCode(), 3);
      for (int v = 1; v <= versions; v++) {
        current.put(p, put(p, bytes(v * 3 + p.length(), v)));
      }
    }
    return current;
  }

  private static List<String> sortedUtf8(List<String> paths) {
    List<String> sorted = new ArrayList<>(paths);
    sorted.sort(UTF8_ORDER);
    return sorted;
  }

  @Test
  void listingIsInUtf8ByteOrderNotJavaStringOrder() {
    Map<String, BlobInfo> current = writeListingPaths();
    List<String> expected = sortedUtf8(listingPaths());
    List<String> javaOrder = new ArrayList<>(listingPaths());
    Collections.sort(javaOrder);
    assertThat(expected).as("test sanity: the orders differ").isNotEqualTo(javaOrder);

    List<BlobInfo> items = store.list(ListRequest.prefix("")).items();
    assertThat(paths(items)).containsExactlyElementsOf(expected);
    assertThat(paths(items).indexOf("\uFFFD")).isLessThan(paths(items).indexOf("😀"));
    assertThat(paths(items).indexOf("\uE000")).isLessThan(paths(items).indexOf("😀"));
    assertThat(paths(items).indexOf("a/\uFFFD")).isLessThan(paths(items).indexOf("a/😀"));
    for (BlobInfo i : items) {
      assertThat(i).as(i.path()).isEqualTo(current.get(i.path()));
      assertThat(i).isEqualTo(store.head(i.path()));
    }
    assertThat(store.list(ListRequest.prefix("")).nextCursor()).isNull();
    assertThat(IntStream.range(0, store.slotCount()).filter(s -> store.slotStats(s).versions() > 0).count())
        .as("the paths are spread over several slots")
        .isGreaterThan(1);
  }

  @ParameterizedTest(name = "limit {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7})
  void followingCursorsVisitsEveryPathOnceInOrder(int limit) {
    writeListingPaths();
    List<String> expected = sortedUtf8(listingPaths());
    assertThat(paths(listAll(store, ListRequest.prefix("").withLimit(limit)))).containsExactlyElementsOf(expected);
    for (String prefix : List.of("a", "a/", "k/", "k/1", "😀", "\uE000", "é", "a/b", "zz", "\uFFFF")) {
      List<String> sub = expected.stream().filter(p -> p.startsWith(prefix)).toList();
      assertThat(paths(listAll(store, ListRequest.prefix(prefix).withLimit(limit))))
          .as("prefix '%s'", prefix)
          .containsExactlyElementsOf(sub);
    }
  }

  @Test
  void firstPageHonoursTheLimit() {
    writeListingPaths();
    ListPage page = store.list(ListRequest.prefix("").withLimit(5));
    assertThat(page.items()).hasSizeLessThanOrEqualTo(5).isNotEmpty();
    assertThat(page.nextCursor()).isNotNull();
    ListPage empty = store.list(ListRequest.prefix("nothing-here"));
    assertThat(empty.items()).isEmpty();
    assertThat(empty.nextCursor()).isNull();
    ListPage last = store.list(ListRequest.prefix("k/").withLimit(ListRequest.MAX_LIMIT));
    assertThat(last.items()).hasSize(27);
    assertThat(last.nextCursor()).isNull();
  }

  @Test
  void pathsWithoutACurrentVersionAreNotListed() {
    put("p1", "1");
    store.delete("p1");
    put("p2", "1");
    store.deleteVersion("p2", 1);
    BlobInfo p3v1 = put("p3", "1");
    put("p3", "2");
    store.deleteVersion("p3", 2);
    BlobInfo p4v1 = put("p4", "1");
    store.delete("p4");
    store.deleteVersion("p4", 2);
    BlobInfo p5 = put("p5", "1");
    put("p6", "1");
    store.delete("p6");
    put("p6", "3");
    store.deleteVersion("p6", 3);

    List<BlobInfo> expected = List.of(p3v1, p4v1, p5);
    for (int limit = 1; limit <= 4; limit++) {
      assertThat(listAll(store, ListRequest.prefix("").withLimit(limit))).as("limit " + limit).isEqualTo(expected);
    }
  }

  @Test
  void allVersionsListsEveryVersionNewestFirstWithItsState() {
    put("p", bytes(11, 1));
    put("p", bytes(12, 2));
    store.deleteVersion("p", 2);
    store.delete("p");
    put("p", bytes(14, 4));
    put("q", bytes(21, 1));
    store.delete("q");
    put("r", bytes(31, 1));
    store.deleteVersion("r", 1);
    put("é", bytes(41, 1));
    put("😀", bytes(51, 1));
    put("\uFFFD", bytes(61, 1));

    List<BlobInfo> all = listAllVersions(store);
    assertThat(all)
        .extracting(i -> i.path() + "@" + i.version() + ":" + i.state().wireName() + ":" + i.size())
        .containsExactly(
            "p@4:live:14",
            "p@3:marker:0",
            "p@2:tombstoned:12",
            "p@1:live:11",
            "q@2:marker:0",
            "q@1:live:21",
            "r@1:tombstoned:31",
            "é@1:live:41",
            "\uFFFD@1:live:61",
            "😀@1:live:51");
    assertThat(all.get(0)).isEqualTo(store.head("p"));
    assertThat(all.get(3)).isEqualTo(store.head("p", 1));
    for (int limit = 1; limit <= 7; limit++) {
      assertThat(listAll(store, ListRequest.prefix("").withAllVersions(true).withLimit(limit)))
          .as("limit " + limit)
          .isEqualTo(all);
      assertThat(listAll(store, ListRequest.prefix("p").withAllVersions(true).withLimit(limit)))
          .as("prefix p, limit " + limit)
          .isEqualTo(all.subList(0, 4));
      assertThat(listAll(store, ListRequest.prefix("q").withAllVersions(true).withLimit(limit)))
          .isEqualTo(all.subList(4, 6));
    }
  }

  @ParameterizedTest(name = "limit {0}")
  @ValueSource(ints = {1, 2, 3, 5, 7})
  void allVersionsPagingOverManyPaths(int limit) {
    writeListingPaths();
    store.delete("a");
    store.deleteVersion("k/3", 1);
    List<String> expected = new ArrayList<>();
    for (String p : sortedUtf8(listingPaths())) {
      long max = 1 + Math.floorMod(p.hashCode(), 3) + (p.equals("a") ? 1 : 0);
      for (long v = max; v >= 1; v--) {
        expected.add(p + "@" + v);
      }
    }
    assertThat(listAll(store, ListRequest.prefix("").withAllVersions(true).withLimit(limit)))
        .extracting(i -> i.path() + "@" + i.version())
        .containsExactlyElementsOf(expected);
  }

  @Test
  void cursorsSurviveWritesBetweenPages() {
    List<String> stable = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String p = "s/" + (char) ('a' + i % 26) + i;
      stable.add(p);
      put(p, bytes(5, i));
    }
    List<BlobInfo> seen = new ArrayList<>();
    ListRequest req = ListRequest.prefix("s/").withLimit(3);
    int round = 0;
    while (true) {
      ListPage page = store.list(req);
      seen.addAll(page.items());
      // churn between pages: new paths everywhere in the key space, new versions of stable paths
      put("s/" + (char) ('a' + round % 26) + "new" + round, bytes(3, round));
      put(stable.get(round % stable.size()), bytes(6, 100 + round));
      round++;
      if (page.nextCursor() == null) {
        break;
      }
      req = req.withCursor(page.nextCursor());
    }
    List<String> seenPaths = paths(seen);
    assertThat(new LinkedHashSet<>(seenPaths)).as("no path twice").hasSize(seenPaths.size());
    assertThat(seenPaths).as("ascending").isSortedAccordingTo(UTF8_ORDER);
    assertThat(seenPaths).containsAll(stable);
  }

  @Test
  void malformedCursorsAreRejected() {
    writeListingPaths();
    String cursor = store.list(ListRequest.prefix("").withLimit(2)).nextCursor();
    String versionsCursor = store.list(ListRequest.prefix("").withLimit(2).withAllVersions(true)).nextCursor();
    assertThat(cursor).isNotNull();
    assertThat(versionsCursor).isNotNull();
    for (String f : List.of("", "not a cursor", "%%%", "AAAAAAAA", "\u0000", "😀")) {
      assertReason(Reason.INVALID_CURSOR, () -> store.list(ListRequest.prefix("").withLimit(2).withCursor(f)));
      assertReason(
          Reason.INVALID_CURSOR,
          () -> store.list(ListRequest.prefix("").withLimit(2).withAllVersions(true).withCursor(f)));
    }
    if (!cursor.equals(versionsCursor)) {
      // a cursor of one kind of listing is not a cursor of the other kind
      assertReason(
          Reason.INVALID_CURSOR, () -> store.list(ListRequest.prefix("").withLimit(2).withAllVersions(true).withCursor(cursor)));
      assertReason(Reason.INVALID_CURSOR, () -> store.list(ListRequest.prefix("").withLimit(2).withCursor(versionsCursor)));
    }
    // the genuine cursors still work
    assertThat(store.list(ListRequest.prefix("").withLimit(2).withCursor(cursor)).items()).isNotEmpty();
    assertThat(store.list(ListRequest.prefix("").withLimit(2).withAllVersions(true).withCursor(versionsCursor)).items())
        .isNotEmpty();
  }

  /**
   * {@link BlobStore#list} promises INVALID_CURSOR for "a cursor this store did not produce": a cursor
   * changed in one character is such a cursor, and must not silently move the listing elsewhere.
   */
  @Test
  void tamperedCursorsAreRejected() {
    writeListingPaths();
    Set<String> genuine = new LinkedHashSet<>();
    for (boolean all : new boolean[] {false, true}) {
      ListRequest req = ListRequest.prefix("").withLimit(7).withAllVersions(all);
      for (ListPage page = store.list(req); page.nextCursor() != null; page = store.list(req)) {
        genuine.add(page.nextCursor());
        req = req.withCursor(page.nextCursor());
      }
    }
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    List<String> accepted = new ArrayList<>();
    int tried = 0;
    for (String c : genuine) {
      for (int i = 0; i < c.length(); i++) {
        int at = alphabet.indexOf(c.charAt(i));
        char other = alphabet.charAt((Math.max(at, 0) + 1 + i % 7) % alphabet.length());
        String forged = c.substring(0, i) + other + c.substring(i + 1);
        if (genuine.contains(forged)) {
          continue;
        }
        tried++;
        for (boolean all : new boolean[] {false, true}) {
          try {
            store.list(ListRequest.prefix("").withLimit(7).withAllVersions(all).withCursor(forged));
            accepted.add(forged + (all ? " (all versions)" : ""));
          } catch (BlobStoreException e) {
            assertThat(e.reason()).as(forged).isEqualTo(Reason.INVALID_CURSOR);
          }
        }
      }
    }
    assertThat(tried).isGreaterThan(10);
    assertThat(accepted.size())
        .as("of %d cursors changed in one character, these were accepted: %s", tried, accepted.subList(0, Math.min(5, accepted.size())))
        .isZero();
  }

  // ---------------------------------------------------------------------------------------------------
  // Limits and lifecycle

  @Test
  void blobsOverTheMaximumSizeAreRejectedAndLeaveNothing() {
    int max = 2 * K + 100;
    BlobStore s = openOther("small", config.withMaxBlobSize(max).withInlineThreshold(1024));
    Path dir = tmp.resolve("small");
    assertThat(put(s, "p", bytes(max, 1)).version()).isEqualTo(1);
    List<BlobInfo> before = listAllVersions(s);
    for (int size : new int[] {max + 1, 3 * K + 17}) {
      assertReason(Reason.TOO_LARGE, () -> s.put("p", new TrickleStream(bytes(size, 2), 3), PutOptions.defaults()));
      assertReason(Reason.TOO_LARGE, () -> s.put("q", new TrickleStream(bytes(size, 2), 3), PutOptions.defaults()));
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
  void closedStoreRejectsEveryCall() {
    put("p", "1");
    store.close();
    store.close(); // idempotent
    assertReason(Reason.CLOSED, () -> store.put("p", bytes(1, 1)));
    assertReason(Reason.CLOSED, () -> store.put("q", new ByteArrayInputStream(bytes(1, 1)), PutOptions.defaults().withExpectedVersion(1)));
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
  void reopeningKeepsEverything() {
    Map<String, byte[]> data = new HashMap<>();
    BlobStore chunked = store;
    for (int i = 0; i < 12; i++) {
      String p = "r/" + i;
      for (int v = 1; v <= 3; v++) {
        int size = switch ((i + v) % 4) {
          case 0 -> 0;
          case 1 -> 100;
          case 2 -> K + 1;
          default -> 2 * K + 7;
        };
        byte[] b = bytes(size, i * 10L + v);
        chunked.put(p, new ByteArrayInputStream(b), PutOptions.defaults().withContentType("x/" + i + "." + v));
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
    List<SlotStats> stats = IntStream.range(0, store.slotCount()).mapToObj(store::slotStats).toList();

    reopen();
    assertThat(listAllVersions(store)).isEqualTo(versions);
    assertThat(listAll(store, ListRequest.prefix(""))).isEqualTo(current);
    assertThat(IntStream.range(0, store.slotCount()).mapToObj(store::slotStats).toList()).isEqualTo(stats);
    for (BlobInfo i : versions) {
      if (i.isLive()) {
        assertThat(readVersion(store, i.path(), i.version())).as(i.path() + "@" + i.version()).isEqualTo(data.get(i.path() + "@" + i.version()));
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
  void reopeningWithAnotherSlotCountIsRejected() {
    put("p", bytes(K + 5, 1));
    store.close();
    BlobStoreException e = failure(() -> open(storeDir, config.withSlotCount(config.slotCount() + 1)));
    assertThat(e.reason()).isEqualTo(Reason.INCOMPATIBLE_STORE);
    BlobStoreException e2 = failure(() -> open(storeDir, config.withSlotCount(1)));
    assertThat(e2.reason()).isEqualTo(Reason.INCOMPATIBLE_STORE);
    store = open(storeDir, config);
    assertThat(readCurrent(store, "p")).isEqualTo(bytes(K + 5, 1));
    assertThat(store.slotCount()).isEqualTo(config.slotCount());
  }

  @Test
  void slotOfIsStableAndInRange() {
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
  void slotStatsCountVersionsLiveBlobsAndBytes() {
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
    expected.merge(ps, new long[] {4, 2, 100 + K + 200 + 300}, BlobStoreContract::add);
    expected.merge(qs, new long[] {1, 1, 7}, BlobStoreContract::add);
    for (int s = 0; s < store.slotCount(); s++) {
      long[] e = expected.getOrDefault(s, new long[3]);
      assertThat(store.slotStats(s)).isEqualTo(new SlotStats(s, e[0], e[1], e[2]));
    }
    assertThatThrownBy(() -> store.slotStats(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.slotStats(store.slotCount())).isInstanceOf(IllegalArgumentException.class);
  }

  private static long[] add(long[] a, long[] b) {
    return new long[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]};
  }

  // ---------------------------------------------------------------------------------------------------
  // Garbage collection

  /** Writes the GC scenario at {@link #T0}; returns the blob ids of chunked versions that GC must remove. */
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
  void garbageCollectionRemovesNothingBeforeTheRetention() {
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
  void garbageCollectionAfterTheRetentionRemovesTombstonesMarkersAndWhatTheyHide() {
    Set<String> doomed = writeGcScenario();
    blobIdsOnDisk(storeDir).ifPresent(ids -> assertThat(ids).containsAll(doomed));
    long bytesBefore = IntStream.range(0, store.slotCount()).mapToLong(s -> store.slotStats(s).bytes()).sum();
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
    long bytesAfter = IntStream.range(0, store.slotCount()).mapToLong(s -> store.slotStats(s).bytes()).sum();
    assertThat(bytesAfter).isEqualTo(bytesBefore - GC_BYTES);
    blobIdsOnDisk(storeDir).ifPresent(ids -> assertThat(ids).doesNotContainAnyElementsOf(doomed));
    assertNoOrphanBytes(store, storeDir);

    assertThat(store.collectGarbage()).as("a second run finds nothing").isEqualTo(new GcReport(0, 0));
    reopen();
    assertThat(listAllVersions(store)).hasSize(4);
    assertThat(store.collectGarbage()).isEqualTo(new GcReport(0, 0));
  }

  @Test
  void garbageCollectionReachesSlotsNotUsedSinceReopening() {
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
  void numberingContinuesAfterGarbageCollection() {
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
    assertThat(listAllVersions(store)).extracting(i -> i.path() + "@" + i.version()).containsExactly("top@1");

    BlobStoreException e = failure(() -> cas("top", bytes(1, 1), 2));
    assertThat(e.reason()).isEqualTo(Reason.VERSION_CONFLICT);
    assertThat(e.latestVersion()).hasValue(2);
    BlobStoreException e2 = failure(() -> cas("all", bytes(1, 1), 1));
    assertThat(e2.latestVersion()).as("a path whose versions were all collected keeps its max").hasValue(2);
    reopen();
    assertThat(put("top", "3").version()).isEqualTo(3);
    assertThat(put("all", "3").version()).isEqualTo(3);
    assertThat(cas("marker-only", bytes(1, 1), 3).version()).isEqualTo(3);
  }

  @Test
  void retentionCountsFromTheDeletionNotFromTheWrite() {
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
  void onlyVersionsBelowAnExpiredMarkerGo() {
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
  void liveVersionsAreNeverCollected() {
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
  void aReadOvertakenByGarbageCollectionNeverReportsCorruption() throws IOException {
    byte[] data = bytes(3 * K + 17, 5);
    put("p", data);
    store.delete("p"); // v1 stays readable by number until the marker expires
    BlobStoreException.Reason outcome = null;
    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
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
    assertThat(Arrays.equals(data, 0, read.length, read, 0, read.length)).as("the bytes read are the version's").isTrue();
    if (outcome == null) {
      assertThat(read).as("a read that completes returns the whole version").hasSize(data.length);
    } else {
      assertThat(outcome).as("a read of a version collected under it ends with DELETED").isEqualTo(Reason.DELETED);
    }
    assertReason(Reason.DELETED, () -> store.get("p", GetOptions.version(1)).close());
  }

  @Test
  void reopeningWithAnotherChunkSizeAndInlineThresholdKeepsOldBlobsReadable() {
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
    assertThat(read(store, "a", GetOptions.version(2).withRange(ByteRange.closed(2 * K - 3, 2 * K + 3))))
        .isEqualTo(Arrays.copyOfRange(b, 2 * K - 3, 2 * K + 4));
    assertThat(readVersion(store, "s", 2)).isEqualTo(small);
  }

  // ---------------------------------------------------------------------------------------------------
  // Concurrency

  /** Content that says who wrote it, so a reader can tell a whole version from a torn one. */
  static byte[] signedContent(int writer, int seq, int size) {
    byte[] body = bytes(size, writer * 100_000L + seq);
    if (size >= 12) {
      ByteBuffer.wrap(body).putInt(writer).putInt(seq).putInt(size);
    }
    return body;
  }

  static boolean isWhole(byte[] b) {
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
  void concurrentWritersAndReadersSeeWholeDenseVersions() throws Exception {
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
                    String path = i % 2 == 0 ? "own/" + writer + "/" + (i % 5) : shared[r.nextInt(shared.length)];
                    byte[] content = signedContent(writer, i, sizes[r.nextInt(sizes.length)]);
                    BlobInfo info = store.put(path, content);
                    assertThat(versionsByPath.computeIfAbsent(path, k -> ConcurrentHashMap.newKeySet()).add(info.version()))
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
                        throw new AssertionError("current version of " + p + " went back from " + prev + " to " + c.info().version());
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
      assertThat(e.getValue()).as("versions of " + e.getKey()).containsExactlyInAnyOrderElementsOf(oneTo(n));
      assertThat(store.head(e.getKey()).version()).isEqualTo(n);
    }
    assertThat(total).isEqualTo(writers * writesEach);
    List<BlobInfo> all = listAllVersions(store);
    assertThat(all).hasSize(total);
    for (BlobInfo i : all) {
      assertThat(readVersion(store, i.path(), i.version())).as(i.path() + "@" + i.version()).isEqualTo(written.get(i.path() + "@" + i.version()));
    }
  }

  @Test
  @Timeout(120)
  void concurrentMixedOperationsKeepTheRules() throws Exception {
    String[] paths = {"m/0", "m/1"};
    Map<String, Map<Long, String>> returned = new ConcurrentHashMap<>(); // path -> version -> "put:<w>:<i>" | "marker"
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
                      assertThat(mine.put(info.version(), "put")).as("%s v%d handed out twice", p, info.version()).isNull();
                    } else if (op < 8) {
                      BlobInfo m = store.delete(p);
                      assertThat(m.state()).isEqualTo(VersionState.MARKER);
                      assertThat(mine.put(m.version(), "marker")).as("%s v%d handed out twice", p, m.version()).isNull();
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
          listAll(store, ListRequest.prefix(p).withAllVersions(true)).stream().filter(i -> i.path().equals(p)).toList();
      List<Long> expectedOrder = new ArrayList<>(new java.util.TreeSet<>(mine.keySet()).descendingSet());
      assertThat(versions).extracting(BlobInfo::version).as("versions of " + p).containsExactlyElementsOf(expectedOrder);
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
          assertThat(readVersion(store, p, i.version())).isEqualTo(contents.get(p + "@" + i.version()));
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
