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
import static io.amberio.core.testkit.TestSupport.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.amberio.core.BlobContent;
import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreException;
import io.amberio.core.ByteRange;
import io.amberio.core.GcReport;
import io.amberio.core.GetOptions;
import io.amberio.core.ListRequest;
import io.amberio.core.PutOptions;
import io.amberio.core.VersionState;
import io.amberio.core.testkit.BlobStoreContractSupport.StoreConfig;
import io.amberio.core.testkit.BlobStoreModel.Outcome;
import io.amberio.core.testkit.BlobStoreModel.Version;
import io.amberio.core.testkit.TestSupport.MutableClock;
import io.amberio.core.testkit.TestSupport.TrickleStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * Random sequences of operations, run against the real store and against {@link BlobStoreModel}
 * step by step. Every answer of the store (versions, bytes, metadata, errors, listings,
 * garbage-collection reports) must be the model's. The number of tries is {@code
 * jqwik.tries.default} (200 in {@code junit-platform.properties}; override with {@code
 * -Djqwik.tries.default=N}).
 *
 * <p>A store binds to it with a tiny subclass: {@link #openStore} opens (or reopens) the store on a
 * directory with the given configuration.
 */
public abstract class BlobStoreModelProperties {
  static final int K = 64 * 1024;
  static final int INLINE = 1000;
  static final long MAX_BLOB = 3L * K + 17;

  /**
   * Half a minute over an hour: clock steps are whole minutes, so no version is ever exactly at the
   * edge.
   */
  static final Duration RETENTION = Duration.ofMinutes(60).plusSeconds(30);

  static final List<String> PATHS = List.of("a", "a/b", "b", "ab", "é", "😀x", "\uE000", "a b");
  static final List<String> PREFIXES = List.of("", "a", "a/", "b", "é", "😀", "\uE000", "x", "ab");
  static final List<String> TYPES =
      List.of(PutOptions.DEFAULT_CONTENT_TYPE, "text/plain", "image/png; q=1");

  // ----- actions

  sealed interface Action {}

  /** expect: 0 none, 1 max+1, 2 wrong by {@code delta}. */
  record Put(int path, int size, long seed, int expect, int delta, int type) implements Action {}

  /** version: -1 current, otherwise a pick resolved against the path's max. */
  record Get(int path, int version, int rangeKind, int a, int b) implements Action {}

  record Head(int path, int version) implements Action {}

  record Delete(int path) implements Action {}

  record DeleteVersion(int path, int version) implements Action {}

  record ListAll(int prefix, int limit, boolean allVersions) implements Action {}

  record Reopen() implements Action {}

  record Gc(int minutes) implements Action {}

  @Provide
  Arbitrary<List<Action>> actions() {
    // a few paths get most of the traffic, so that histories per path grow long
    Arbitrary<Integer> path =
        Arbitraries.frequency(
            Tuple.of(5, 0),
            Tuple.of(4, 1),
            Tuple.of(1, 2),
            Tuple.of(1, 3),
            Tuple.of(2, 4),
            Tuple.of(1, 5),
            Tuple.of(1, 6),
            Tuple.of(1, 7));
    Arbitrary<Integer> size =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.integers().between(0, 200)),
            Tuple.of(2, Arbitraries.integers().between(INLINE - 2, INLINE + 2)),
            Tuple.of(2, Arbitraries.integers().between(K - 2, K + 2)),
            Tuple.of(2, Arbitraries.integers().between(INLINE + 1, (int) MAX_BLOB)),
            Tuple.of(1, Arbitraries.integers().between((int) MAX_BLOB - 1, (int) MAX_BLOB + 2)));
    Arbitrary<Integer> versionPick = Arbitraries.integers().between(0, 11);
    Arbitrary<Action> put =
        Combinators.combine(
                path,
                size,
                Arbitraries.longs().between(0, 1000),
                Arbitraries.of(0, 0, 0, 1, 2),
                Arbitraries.integers().between(-3, 3),
                Arbitraries.integers().between(0, TYPES.size() - 1))
            .as((p, s, seed, e, d, t) -> (Action) new Put(p, s, seed, e, d, t));
    Arbitrary<Action> putConditional =
        Combinators.combine(
                path,
                size,
                Arbitraries.longs().between(0, 1000),
                Arbitraries.integers().between(1, 2),
                Arbitraries.integers().between(-3, 3))
            .as((p, s, seed, e, d) -> (Action) new Put(p, s, seed, e, d, 0));
    Arbitrary<Action> get =
        Combinators.combine(
                path,
                Arbitraries.integers().between(-1, 9),
                Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(0, 1_000_000),
                Arbitraries.integers().between(0, 1_000_000))
            .as((p, v, k, a, b) -> (Action) new Get(p, v, k, a, b));
    Arbitrary<Action> head =
        Combinators.combine(path, Arbitraries.integers().between(-1, 9))
            .as((p, v) -> (Action) new Head(p, v));
    Arbitrary<Action> delete = path.map(p -> (Action) new Delete(p));
    Arbitrary<Action> deleteVersion =
        Combinators.combine(path, versionPick).as((p, v) -> (Action) new DeleteVersion(p, v));
    Arbitrary<Action> list =
        Combinators.combine(
                Arbitraries.integers().between(0, PREFIXES.size() - 1),
                Arbitraries.integers().between(1, 3),
                Arbitraries.of(true, false))
            .as((p, l, a) -> (Action) new ListAll(p, l, a));
    Arbitrary<Action> reopen = Arbitraries.just(new Reopen());
    Arbitrary<Action> gc = Arbitraries.of(1, 30, 59, 61, 120).map(m -> (Action) new Gc(m));
    Arbitrary<Action> action =
        Arbitraries.frequencyOf(
            Tuple.of(10, put),
            Tuple.of(3, putConditional),
            Tuple.of(6, get),
            Tuple.of(3, head),
            Tuple.of(3, delete),
            Tuple.of(4, deleteVersion),
            Tuple.of(4, list),
            Tuple.of(1, reopen),
            Tuple.of(2, gc));
    return action
        .list()
        .ofMinSize(1)
        .ofMaxSize(40)
        .withSizeDistribution(RandomDistribution.uniform());
  }

  // ----- the property

  private static final List<Path> toDelete = new ArrayList<>();

  /**
   * What the tries exercised, counted per try: a generator that stopped producing, say, conflicts
   * or collected garbage would make the property pass without testing. Checked after the property
   * when it ran at least {@link #MIN_TRIES_FOR_COVERAGE} tries.
   */
  static final Map<String, Integer> triesWith = new ConcurrentHashMap<>();

  static final AtomicInteger tries = new AtomicInteger();
  static final int MIN_TRIES_FOR_COVERAGE = 100;
  static final List<String> MUST_OCCUR =
      List.of(
          "put",
          "put chunked",
          "put multi-chunk",
          "version conflict",
          "too large",
          "marker",
          "tombstone",
          "tombstone lifts marker",
          "deleted",
          "not found",
          "range",
          "range not satisfiable",
          "listing over pages",
          "all-versions listing over pages",
          "reopen",
          "gc removed versions",
          "gc removed chunked bytes");

  @Property(edgeCases = EdgeCasesMode.NONE)
  void storeBehavesLikeTheModel(@ForAll("actions") List<Action> actions) throws IOException {
    tries.incrementAndGet();
    Path dir = Files.createTempDirectory("amberio-model-");
    toDelete.add(dir);
    try (Runner runner = new Runner(dir)) {
      for (int i = 0; i < actions.size(); i++) {
        Action a = actions.get(i);
        try {
          runner.apply(a);
        } catch (AssertionError | RuntimeException e) {
          throw new AssertionError("step " + i + " " + a + " failed: " + e.getMessage(), e);
        }
      }
      try {
        runner.checkEverything();
        runner.reopen();
        runner.checkEverything();
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("final check failed: " + e.getMessage(), e);
      }
    } finally {
      deleteRecursively(dir);
      toDelete.remove(dir);
    }
  }

  @AfterProperty
  void cleanUpAndCheckCoverage() {
    toDelete.forEach(BlobStoreModelProperties::deleteRecursively);
    toDelete.clear();
    int n = tries.getAndSet(0);
    Map<String, Integer> seen = new TreeMap<>(triesWith);
    triesWith.clear();
    System.out.println("model property: " + n + " tries; tries per event: " + seen);
    if (n >= MIN_TRIES_FOR_COVERAGE) {
      for (String event : MUST_OCCUR) {
        assertThat(seen.getOrDefault(event, 0))
            .as("tries (of %d) that exercised '%s'; all: %s", n, event, seen)
            .isGreaterThanOrEqualTo(n / 100);
      }
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Applies actions to the store and the model and compares. */
  /**
   * Opens (creating if needed) a store whose data lives under {@code dir}, with background garbage
   * collection disabled; opening the same directory with the same config again must give back the
   * same store.
   */
  protected abstract BlobStore openStore(Path dir, StoreConfig config);

  final class Runner implements AutoCloseable {
    final Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2031-05-05T00:00:00Z"));
    final BlobStoreModel model = new BlobStoreModel(RETENTION, MAX_BLOB);
    final Set<String> events = new HashSet<>();
    BlobStore store;

    Runner(Path dir) {
      this.dir = dir;
      store = open();
    }

    BlobStore open() {
      return openStore(dir, new StoreConfig(4, K, INLINE, MAX_BLOB, RETENTION, clock));
    }

    @Override
    public void close() {
      store.close();
      events.forEach(e -> triesWith.merge(e, 1, Integer::sum));
    }

    void reopen() {
      store.close();
      store = open();
    }

    void saw(String event) {
      events.add(event);
    }

    void saw(BlobStoreException.Reason reason) {
      events.add(reason.name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }

    /**
     * Picks 10 and 11 hit the newest delete marker (an "undelete"), when there is one; picks 0 to 4
     * one of the three newest versions; the rest any number up to max + 1.
     */
    long pickVersion(String path, int pick) {
      long max = model.max(path);
      if (pick >= 10) {
        BlobStoreModel.PathState s = model.paths().get(path);
        if (s != null) {
          for (Version v : s.versions.descendingMap().values()) {
            if (v.state == VersionState.MARKER) {
              return v.number;
            }
          }
        }
      }
      if (pick < 5 && max - pick % 3 >= 1) {
        return max - pick % 3;
      }
      return 1 + pick % (max + 1);
    }

    void apply(Action action) {
      // a little time passes between operations, so deletion times differ
      clock.advance(Duration.ofMinutes(1));
      if (action instanceof Put p) {
        put(p);
      } else if (action instanceof Get g) {
        get(g);
      } else if (action instanceof Head h) {
        head(h);
      } else if (action instanceof Delete d) {
        delete(PATHS.get(d.path()));
      } else if (action instanceof DeleteVersion d) {
        deleteVersion(PATHS.get(d.path()), pickVersion(PATHS.get(d.path()), d.version()));
      } else if (action instanceof ListAll l) {
        list(PREFIXES.get(l.prefix()), l.limit(), l.allVersions());
      } else if (action instanceof Reopen) {
        reopen();
        saw("reopen");
        checkEverything();
      } else if (action instanceof Gc g) {
        gc(g.minutes());
      } else {
        throw new IllegalArgumentException(String.valueOf(action));
      }
    }

    private void put(Put p) {
      String path = PATHS.get(p.path());
      long max = model.max(path);
      OptionalLong expected =
          switch (p.expect()) {
            case 0 -> OptionalLong.empty();
            case 1 -> OptionalLong.of(max + 1);
            default -> {
              long wrong = max + 1 + (p.delta() == 0 ? 1 : p.delta());
              yield OptionalLong.of(wrong < 1 ? max + 2 : wrong);
            }
          };
      // Odd seeds write text, which a store that compresses its chunks stores compressed.
      byte[] data = p.seed() % 2 == 0 ? bytes(p.size(), p.seed()) : text(p.size(), p.seed());
      String type = TYPES.get(p.type());
      PutOptions options = new PutOptions(expected, type);
      Outcome<Long> want = model.expectPut(path, p.size(), expected);
      if (want.succeeds()) {
        BlobInfo info = store.put(path, new TrickleStream(data, p.seed()), options);
        assertThat(info.path()).isEqualTo(path);
        assertThat(info.version()).isEqualTo(want.value());
        assertThat(info.state()).isEqualTo(VersionState.LIVE);
        assertThat(info.size()).isEqualTo(p.size());
        assertThat(info.contentType()).isEqualTo(type);
        assertThat(info.lastModified()).isEqualTo(clock.instant());
        model.applyPut(path, data, type, info);
        saw("put");
        if (p.size() > INLINE) {
          saw(p.size() > K ? "put multi-chunk" : "put chunked");
        }
        checkPath(path);
      } else {
        BlobStoreException e =
            failure(() -> store.put(path, new TrickleStream(data, p.seed()), options));
        assertThat(e.reason()).isIn(want.reasons());
        saw(e.reason());
        if (e.reason() == BlobStoreException.Reason.VERSION_CONFLICT) {
          assertThat(e.latestVersion()).hasValue(max);
        }
        checkPath(path);
      }
    }

    private ByteRange range(Get g, long size) {
      long span = size + 2;
      long a = g.a() % span;
      long b = g.b() % span;
      return switch (g.rangeKind()) {
        case 0 -> ByteRange.all();
        case 1 -> ByteRange.closed(a, a + b);
        case 2 -> ByteRange.from(a);
        case 3 -> ByteRange.suffix(a);
        case 4 -> ByteRange.closed(Math.max(0, size - 1 - a % 3), size + b % 3); // near the end
        default -> ByteRange.from(size + a % 2); // at or past the end
      };
    }

    private void get(Get g) {
      String path = PATHS.get(g.path());
      boolean current = g.version() < 0;
      Outcome<Version> want =
          current
              ? model.expectCurrent(path)
              : model.expectVersion(path, pickVersion(path, g.version()));
      long sizeForRange = want.succeeds() ? want.value().size() : g.a() % 1000;
      ByteRange r = range(g, sizeForRange);
      GetOptions options =
          (current ? GetOptions.current() : GetOptions.version(pickVersion(path, g.version())))
              .withRange(r);
      if (!want.succeeds()) {
        BlobStoreException e = failure(() -> store.get(path, options).close());
        assertThat(e.reason()).isIn(want.reasons());
        saw(e.reason());
        return;
      }
      Version v = want.value();
      long[] resolved = BlobStoreModel.resolve(r, v.size());
      if (resolved == null) {
        BlobStoreException e = failure(() -> store.get(path, options).close());
        assertThat(e.reason()).isEqualTo(BlobStoreException.Reason.RANGE_NOT_SATISFIABLE);
        assertThat(e.size()).hasValue(v.size());
        saw(e.reason());
        return;
      }
      try (BlobContent c = store.get(path, options)) {
        assertThat(c.info()).isEqualTo(v.info);
        assertThat(c.range()).isEqualTo(new ByteRange.Resolved(resolved[0], resolved[1]));
        byte[] got = c.readAllBytes();
        byte[] wanted =
            Arrays.copyOfRange(v.data, (int) resolved[0], (int) (resolved[0] + resolved[1]));
        assertThat(got).as("bytes of %s v%d %s", path, v.number, r).isEqualTo(wanted);
        if (resolved[1] != v.size()) {
          saw("range");
        }
      }
    }

    private void head(Head h) {
      String path = PATHS.get(h.path());
      if (h.version() < 0) {
        checkHeadCurrent(path);
      } else {
        checkHeadVersion(path, pickVersion(path, h.version()));
      }
    }

    private void delete(String path) {
      Outcome<Long> want = model.expectDelete(path);
      if (!want.succeeds()) {
        BlobStoreException e = failure(() -> store.delete(path));
        assertThat(e.reason()).isIn(want.reasons());
      } else {
        BlobInfo marker;
        try {
          marker = store.delete(path);
        } catch (BlobStoreException e) {
          if (model.deleteMayFail(path) && e.reason() == BlobStoreException.Reason.NOT_FOUND) {
            checkPath(path);
            return;
          }
          throw e;
        }
        assertThat(marker.path()).isEqualTo(path);
        assertThat(marker.version()).isEqualTo(want.value());
        assertThat(marker.state()).isEqualTo(VersionState.MARKER);
        assertThat(marker.size()).isZero();
        model.applyDelete(path, marker, clock.instant());
        saw("marker");
      }
      checkPath(path);
    }

    private void deleteVersion(String path, long n) {
      Outcome<Version> want = model.expectDeleteVersion(path, n);
      if (!want.succeeds()) {
        BlobStoreException e = failure(() -> store.deleteVersion(path, n));
        assertThat(e.reason()).isIn(want.reasons());
      } else {
        BlobInfo t = store.deleteVersion(path, n);
        assertThat(t.path()).isEqualTo(path);
        assertThat(t.version()).isEqualTo(n);
        assertThat(t.state()).isEqualTo(VersionState.TOMBSTONED);
        assertThat(t.blobId()).isEqualTo(want.value().info.blobId());
        assertThat(t.size()).isEqualTo(want.value().size());
        if (want.value().state == VersionState.MARKER) {
          saw("tombstone lifts marker");
        }
        model.applyDeleteVersion(path, n, clock.instant());
        saw("tombstone");
      }
      checkPath(path);
    }

    private void list(String prefix, int limit, boolean allVersions) {
      List<BlobInfo> got =
          TestSupport.listAll(
              store, ListRequest.prefix(prefix).withLimit(limit).withAllVersions(allVersions));
      if (got.size() > limit) {
        saw(allVersions ? "all-versions listing over pages" : "listing over pages");
      }
      if (allVersions) {
        List<String> want = new ArrayList<>();
        for (Map.Entry<String, Version> e : model.listAll(prefix)) {
          Version v = e.getValue();
          want.add(describe(e.getKey(), v.number, v.state, v.size(), v.info.blobId()));
        }
        assertThat(got)
            .extracting(i -> describe(i.path(), i.version(), i.state(), i.size(), i.blobId()))
            .as("all versions under '%s', limit %d", prefix, limit)
            .containsExactlyElementsOf(want);
      } else {
        List<BlobInfo> want = model.listCurrent(prefix).stream().map(v -> v.info).toList();
        assertThat(got)
            .as("current versions under '%s', limit %d", prefix, limit)
            .containsExactlyElementsOf(want);
      }
    }

    private static String describe(
        String path, long version, VersionState state, long size, BlobId id) {
      return path + "@" + version + ":" + state.wireName() + ":" + size + ":" + id;
    }

    private void gc(int minutes) {
      clock.advance(Duration.ofMinutes(minutes));
      GcReport want = model.collectGarbage(clock.instant());
      GcReport got = store.collectGarbage();
      assertThat(got).as("gc report").isEqualTo(want);
      if (want.versionsRemoved() > 0) {
        saw("gc removed versions");
      }
      if (want.bytesReclaimed() > INLINE) {
        saw("gc removed chunked bytes");
      }
      for (String p : PATHS) {
        checkPath(p);
      }
    }

    private void checkHeadCurrent(String path) {
      Outcome<Version> want = model.expectCurrent(path);
      if (want.succeeds()) {
        assertThat(store.head(path)).as("head(%s)", path).isEqualTo(want.value().info);
      } else {
        assertThat(failure(() -> store.head(path)).reason())
            .as("head(%s)", path)
            .isIn(want.reasons());
      }
    }

    private void checkHeadVersion(String path, long n) {
      Outcome<Version> want = model.expectVersion(path, n);
      if (want.succeeds()) {
        assertThat(store.head(path, n)).as("head(%s, %d)", path, n).isEqualTo(want.value().info);
      } else {
        assertThat(failure(() -> store.head(path, n)).reason())
            .as("head(%s, %d)", path, n)
            .isIn(want.reasons());
      }
    }

    /** Cheap check of one path: its current version, and every version number up to max + 1. */
    void checkPath(String path) {
      checkHeadCurrent(path);
      for (long n = 1; n <= model.max(path) + 1; n++) {
        checkHeadVersion(path, n);
      }
    }

    /** Every path, every version's bytes, both listings. */
    void checkEverything() {
      for (String p : PATHS) {
        checkPath(p);
        BlobStoreModel.PathState s = model.paths().get(p);
        if (s != null) {
          for (Version v : s.versions.values()) {
            if (v.state == VersionState.LIVE) {
              assertThat(TestSupport.readVersion(store, p, v.number))
                  .as("%s v%d", p, v.number)
                  .isEqualTo(v.data);
            }
          }
        }
      }
      list("", 1000, false);
      list("", 1000, true);
      Set<String> etags = new HashSet<>();
      for (BlobInfo i : TestSupport.listAllVersions(store)) {
        assertThat(etags.add(i.etag()))
            .as("etag of %s v%d is unique", i.path(), i.version())
            .isTrue();
      }
    }

    private static BlobStoreException failure(Runnable r) {
      Throwable t = catchThrowable(r::run);
      assertThat(t).as("expected a BlobStoreException").isInstanceOf(BlobStoreException.class);
      return (BlobStoreException) t;
    }
  }
}
