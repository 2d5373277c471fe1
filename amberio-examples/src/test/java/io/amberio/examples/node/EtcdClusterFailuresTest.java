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
package io.amberio.examples.node;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures of real processes: a real etcd and three {@code amberio node --config} JVMs over
 * loopback ({@link EtcdCluster}), under a continuous load of unconditional PUTs (unique bodies) and
 * GETs from several client threads.
 *
 * <ul>
 *   <li>{@link #sigkillDuringWritesThenRestartCatchesUp}: a node is SIGKILLed mid-stream; once its
 *       lease ended the others remove it and writes through them succeed again; it is restarted
 *       from the same config and data directory, rejoins and catches up; every acknowledged write
 *       then reads back byte for byte, by version, through every node.
 *   <li>{@link #frozenNodeServesNoStaleDataAfterResume}: a node is SIGSTOPped for longer than its
 *       lease; writes through the others succeed once it is removed; GETs sent to it while frozen
 *       and right after SIGCONT return the newest acknowledged version or 503, never an older one;
 *       it catches up.
 * </ul>
 *
 * <p>Throughout, every GET is checked against the acknowledged writes (the simple linearizability
 * check of this test): for each path, a GET that starts after a PUT was acknowledged with version v
 * returns a version &gt;= v, and the body written for that version; no body of a write answered
 * {@code 503 unavailable} (no effect) is ever visible. Skipped when {@code /usr/bin/etcd} is
 * missing. (The deliberate protocol bugs that prove such checks can fail are planted in the
 * simulation, {@code SimulationCatchesBugsTest}; the production jar has no switch for them.)
 */
@DisabledOnOs(OS.WINDOWS)
class EtcdClusterFailuresTest {
  static final int SLOTS = 16;
  static final long TTL_MS = 2000;
  static final String TIMINGS =
      "{\"leaseTtlMs\": " + TTL_MS + ", \"rpcTimeoutMs\": 3000, \"requestTimeoutMs\": 15000}";
  static final int PATHS = 12;
  static final int WRITERS = 4;
  static final int READERS = 2;
  static final String MARKER = "frozen/marker";
  static final Duration IN_SYNC_TIMEOUT = Duration.ofSeconds(45);

  @TempDir Path dir;
  private EtcdCluster cluster;
  private Load load;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(EtcdCluster.etcdInstalled(), "etcd is not installed");
    cluster = new EtcdCluster(dir, 3, SLOTS, TIMINGS).start();
    for (int i = 1; i <= 3; i++) {
      cluster.awaitHealthy(i, Duration.ofSeconds(60));
    }
    cluster.awaitAllInSync(List.of(1, 2, 3), Duration.ofSeconds(30));
    load = new Load(cluster);
  }

  @AfterEach
  void stop(TestInfo test) {
    if (load != null) {
      load.stop();
    }
    if (cluster != null) {
      cluster.close();
      // The logs outlive the temporary directory: target/etcd-cluster-failures/<test method>/
      cluster.keepLogs(
          Path.of(
              "target",
              "etcd-cluster-failures",
              test.getTestMethod().map(m -> m.getName()).orElse("test")));
    }
  }

  @Test
  void sigkillDuringWritesThenRestartCatchesUp() throws Exception {
    int victim = 3;
    load.start(Set.of(1, 2, 3));
    awaitTrue(
        "writes acknowledged through every node before the kill",
        () ->
            load.ackedThrough(1, 0) >= 5
                && load.ackedThrough(2, 0) >= 5
                && load.ackedThrough(3, 0) >= 5,
        30);
    Thread.sleep(1000);

    long killAt = System.nanoTime();
    cluster.kill(victim); // SIGKILL, mid-stream
    load.remove(victim);
    long killedAt = System.nanoTime();
    say("n%d SIGKILLed (took %d ms)", victim, ms(killedAt - killAt));

    awaitTrue(
        "n3 taken out of every slot's in-sync set (as n1 sees it) after its lease ended",
        () -> {
          for (List<String> inSync : cluster.inSyncSets(1)) {
            if (inSync.contains("n3")) {
              return false;
            }
          }
          return true;
        },
        20);
    long removedAt = System.nanoTime();
    long afterLease = killAt + TimeUnit.MILLISECONDS.toNanos(TTL_MS);
    awaitTrue(
        "writes through n1 and n2 succeed (201) again once n3's lease ended",
        () -> load.ackedThrough(1, afterLease) >= 5 && load.ackedThrough(2, afterLease) >= 5,
        20);
    long resumedAt = load.firstAckEndedAfter(killAt);
    Thread.sleep(2000);
    long restartAt = System.nanoTime();
    String window = load.outcomes(killAt, restartAt);
    say(
        "kill -> removed from in-sync sets: %d ms; kill -> first 201 of a write started after the kill: %d ms;"
            + " writes started between kill and restart: %s",
        ms(removedAt - killAt), ms(resumedAt - killAt), window);

    cluster.startNode(victim);
    cluster.awaitHealthy(victim, Duration.ofSeconds(60));
    load.add(victim);
    say("n%d restarted and healthy after %d ms", victim, ms(System.nanoTime() - restartAt));
    Duration took = cluster.awaitAllInSync(List.of(1, 2, 3), IN_SYNC_TIMEOUT);
    say(
        "all replicas in sync %d ms after the restart (waited %d ms)",
        ms(System.nanoTime() - restartAt), took.toMillis());
    awaitTrue(
        "writes acknowledged through the restarted n3",
        () -> load.ackedThrough(victim, restartAt) >= 3,
        20);
    Thread.sleep(1000);
    load.stop();

    say("%s", load.summary());
    load.verifyEverywhere(List.of(1, 2, 3));
    load.assertNoViolations();
  }

  @Test
  void frozenNodeServesNoStaleDataAfterResume() throws Exception {
    int victim = 2;
    load.start(Set.of(1, 2, 3));
    // The marker is written only by this method: while n2 is frozen it gets a version n2 does not
    // have.
    for (int i = 0; i < 3; i++) {
      load.putUntilAcked(victim, MARKER, "marker before the freeze #" + i);
    }
    awaitTrue(
        "writes acknowledged through every node before the freeze",
        () ->
            load.ackedThrough(1, 0) >= 5
                && load.ackedThrough(2, 0) >= 5
                && load.ackedThrough(3, 0) >= 5,
        30);

    load.remove(victim);
    awaitTrue("no request in flight to n2", () -> load.inFlight(victim) == 0, 30);
    long frozenAt = System.nanoTime();
    cluster.freeze(victim);
    say("n%d SIGSTOPped", victim);
    awaitTrue(
        "n2 taken out of every slot's in-sync set (as n1 and n3 see it) after its lease ended",
        () -> {
          for (int asker : List.of(1, 3)) {
            for (List<String> inSync : cluster.inSyncSets(asker)) {
              if (inSync.contains("n2")) {
                return false;
              }
            }
          }
          return true;
        },
        20);
    long removedAt = System.nanoTime();
    awaitTrue(
        "writes through n1 and n3 succeed (201) once n2 is removed",
        () -> load.ackedThrough(1, removedAt) >= 5 && load.ackedThrough(3, removedAt) >= 5,
        20);
    long minFrozen = frozenAt + TimeUnit.MILLISECONDS.toNanos(3 * TTL_MS);
    while (System.nanoTime() < minFrozen) {
      Thread.sleep(50);
    }
    Load.Acked newest = load.putUntilAcked(1, MARKER, "marker written while n2 is frozen");
    say(
        "freeze -> removed: %d ms; marker version %d written through n1 while n2 is frozen",
        ms(removedAt - frozenAt), newest.version());

    // GETs sent to the frozen node: they wait in its socket and are served right after SIGCONT.
    List<CompletableFuture<Load.ReadResult>> queued = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      queued.add(load.readAsync(victim, MARKER));
      queued.add(load.readAsync(victim, Load.path(i)));
    }
    Thread.sleep(300);
    long resumeAt = System.nanoTime();
    cluster.resume(victim);
    // ...and GETs right after SIGCONT, in a quick row.
    List<Load.ReadResult> quick = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      quick.add(load.read(victim, MARKER));
    }
    long quickDone = System.nanoTime();
    List<Load.ReadResult> queuedResults = new ArrayList<>();
    for (CompletableFuture<Load.ReadResult> f : queued) {
      queuedResults.add(f.get(60, TimeUnit.SECONDS));
    }
    say(
        "n%d SIGCONTed after %d ms frozen; 10 GETs of the marker right after took %d ms: %s; GETs queued while frozen: %s",
        victim,
        ms(resumeAt - frozenAt),
        ms(quickDone - resumeAt),
        statuses(quick),
        statuses(queuedResults));
    List<Load.ReadResult> markerReads = new ArrayList<>(quick);
    for (Load.ReadResult r : queuedResults) {
      if (r.path().equals(MARKER)) {
        markerReads.add(r);
      }
    }
    for (Load.ReadResult r : markerReads) {
      // Nobody else writes the marker: the newest acknowledged version is exactly `newest`.
      boolean ok =
          r.status() == 503
              || (r.status() == 200
                  && r.version() == newest.version()
                  && Arrays.equals(r.body(), newest.body().getBytes(StandardCharsets.UTF_8)));
      check(
          ok,
          () ->
              "right after SIGCONT n2 answered a GET of "
                  + MARKER
                  + " with "
                  + r.describe()
                  + " instead of version "
                  + newest.version()
                  + " (newest acknowledged) or 503");
    }
    // Queued GETs of the writers' paths are checked by Load like every other read (version >=
    // floor).

    load.add(victim);
    Duration took = cluster.awaitAllInSync(List.of(1, 2, 3), IN_SYNC_TIMEOUT);
    say(
        "all replicas in sync %d ms after SIGCONT (waited %d ms)",
        ms(System.nanoTime() - resumeAt), took.toMillis());
    Load.ReadResult back = load.read(victim, MARKER);
    check(
        back.status() == 200
            && back.version() == newest.version()
            && Arrays.equals(back.body(), newest.body().getBytes(StandardCharsets.UTF_8)),
        () ->
            "back in sync, n2 answered a GET of "
                + MARKER
                + " with "
                + back.describe()
                + " instead of version "
                + newest.version());
    awaitTrue(
        "writes acknowledged through the resumed n2",
        () -> load.ackedThrough(victim, resumeAt) >= 3,
        20);
    Thread.sleep(1000);
    load.stop();

    say("%s", load.summary());
    load.verifyEverywhere(List.of(1, 2, 3));
    load.assertNoViolations();
  }

  // ------------------------------------------------------------------ helpers

  private static String statuses(List<Load.ReadResult> results) {
    TreeMap<String, Integer> counts = new TreeMap<>();
    for (Load.ReadResult r : results) {
      counts.merge(
          r.status() == 200 ? "200 v" + r.version() : String.valueOf(r.status()), 1, Integer::sum);
    }
    return counts.toString();
  }

  private void awaitTrue(String what, BooleanSupplier condition, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    fail("not within " + seconds + " s: " + what);
  }

  private void check(boolean condition, Supplier<String> message) {
    if (!condition) {
      fail(message.get());
    }
  }

  private void fail(String message) {
    throw new AssertionError(
        message + "\n" + load.summary() + load.violations() + "\n" + cluster.tails(40));
  }

  static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  static void say(String format, Object... args) {
    System.out.printf(
        "[EtcdClusterFailuresTest %s] %s%n", LocalTime.now(), String.format(format, args));
  }

  /**
   * The client load and its bookkeeping: writer and reader threads against a changing set of target
   * nodes, the acknowledged versions of every path, and the violations found.
   */
  static final class Load {
    private static final HttpClient CLIENT =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(40);

    record Acked(String path, long version, String body) {}

    record Write(
        int node, String path, long start, long end, int status, String code, long version) {}

    record ReadResult(
        int node, String path, long floor, int status, String code, long version, byte[] body) {
      String describe() {
        return status == 200
            ? "200 version " + version + " (" + body.length + " bytes)"
            : status + " " + code;
      }
    }

    private final EtcdCluster cluster;
    private final Set<Integer> targets = ConcurrentHashMap.newKeySet();
    private final AtomicIntegerArray inFlight = new AtomicIntegerArray(8);
    private final Map<String, Long> maxAcked = new ConcurrentHashMap<>();
    private final Map<String, Map<Long, String>> acked = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> attempted = new ConcurrentHashMap<>();
    private final Set<String> noEffect = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Write> writes = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private final AtomicInteger violationCount = new AtomicInteger();
    private final Map<String, AtomicLong> readOutcomes = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean running;

    Load(EtcdCluster cluster) {
      this.cluster = cluster;
    }

    static String path(int i) {
      return "w/p" + i;
    }

    void start(Set<Integer> nodes) {
      targets.addAll(nodes);
      running = true;
      for (int t = 0; t < WRITERS; t++) {
        int id = t;
        threads.add(daemon("writer-" + t, () -> writeLoop(id)));
      }
      for (int t = 0; t < READERS; t++) {
        threads.add(daemon("reader-" + t, this::readLoop));
      }
    }

    private static Thread daemon(String name, Runnable body) {
      Thread t = new Thread(body, name);
      t.setDaemon(true);
      t.start();
      return t;
    }

    void add(int node) {
      targets.add(node);
    }

    void remove(int node) {
      targets.remove(node);
    }

    /** Requests (PUTs and synchronous GETs) to {@code node} waiting for an answer. */
    int inFlight(int node) {
      return inFlight.get(node);
    }

    void stop() {
      running = false;
      for (Thread t : threads) {
        try {
          t.join(TimeUnit.SECONDS.toMillis(60));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      threads.clear();
    }

    private int pick() {
      Integer[] now = targets.toArray(Integer[]::new);
      return now.length == 0 ? -1 : now[ThreadLocalRandom.current().nextInt(now.length)];
    }

    private void writeLoop(int id) {
      while (running) {
        int node = pick();
        if (node < 0) {
          sleep(20);
          continue;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        String path = path(rnd.nextInt(PATHS));
        StringBuilder body =
            new StringBuilder("writer ")
                .append(id)
                .append(" write ")
                .append(sequence.incrementAndGet())
                .append(" to ")
                .append(path)
                .append(" via n")
                .append(node)
                .append(' ');
        int size = rnd.nextInt(16, 3000);
        while (body.length() < size) {
          body.append((char) ('a' + rnd.nextInt(26)));
        }
        write(node, path, body.toString());
        sleep(2);
      }
    }

    /** One PUT, recorded. */
    Write write(int node, String path, String body) {
      attempted.computeIfAbsent(path, p -> ConcurrentHashMap.newKeySet()).add(body);
      inFlight.incrementAndGet(node);
      long start = System.nanoTime();
      int status;
      String code = "";
      long version = 0;
      try {
        HttpResponse<byte[]> r =
            CLIENT.send(
                HttpRequest.newBuilder(URI.create(cluster.uri(node) + "/objects/" + path))
                    .timeout(REQUEST_TIMEOUT)
                    .PUT(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        status = r.statusCode();
        if (status == 201) {
          version = Long.parseLong(r.headers().firstValue("X-Amberio-Version").orElse("0"));
          long inBody = TestNode.json(r).path("version").asLong();
          if (version <= 0 || inBody != version) {
            violation(
                "PUT %s via n%d: 201 with version header %d and body version %d",
                path, node, version, inBody);
          }
          String before =
              acked
                  .computeIfAbsent(path, p -> new ConcurrentHashMap<>())
                  .putIfAbsent(version, body);
          if (before != null && !before.equals(body)) {
            violation(
                "two PUTs of %s acknowledged with the same version %d (the second via n%d)",
                path, version, node);
          }
          maxAcked.merge(path, version, Math::max);
        } else {
          code = TestNode.errorCode(r);
          if (status == 503 && code.equals("unavailable")) {
            noEffect.add(body);
          } else if (!(status == 503 && code.equals("outcome_unknown"))) {
            violation("PUT %s via n%d answered %d %s", path, node, status, Http.text(r));
          }
        }
      } catch (IOException e) {
        status = -1;
        code = e.getClass().getSimpleName();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        status = -1;
        code = "interrupted";
      } finally {
        inFlight.decrementAndGet(node);
      }
      Write w = new Write(node, path, start, System.nanoTime(), status, code, version);
      writes.add(w);
      return w;
    }

    /** PUTs {@code body} to {@code path} through {@code node} until a 201 (503s are retried). */
    Acked putUntilAcked(int node, String path, String body) {
      for (int attempt = 0; attempt < 30; attempt++) {
        String unique = body + " (attempt " + attempt + ")";
        Write w = write(node, path, unique);
        if (w.status() == 201) {
          return new Acked(path, w.version(), unique);
        }
        sleep(200);
      }
      throw new AssertionError(
          "30 PUTs of "
              + path
              + " through n"
              + node
              + " failed\n"
              + summary()
              + "\n"
              + cluster.tails(40));
    }

    private void readLoop() {
      while (running) {
        int node = pick();
        if (node < 0) {
          sleep(20);
          continue;
        }
        read(node, path(ThreadLocalRandom.current().nextInt(PATHS)));
        sleep(2);
      }
    }

    ReadResult read(int node, String path) {
      return read(node, path, "");
    }

    /**
     * One GET (of {@code query}, e.g. {@code ?version=3}), checked against the writes acknowledged
     * before it.
     */
    ReadResult read(int node, String path, String query) {
      long floor = query.isEmpty() ? maxAcked.getOrDefault(path, 0L) : 0;
      inFlight.incrementAndGet(node);
      try {
        return checked(
            node,
            path,
            floor,
            CLIENT.send(request(node, path + query), HttpResponse.BodyHandlers.ofByteArray()));
      } catch (IOException e) {
        readOutcomes.computeIfAbsent("io-error", k -> new AtomicLong()).incrementAndGet();
        return new ReadResult(node, path, floor, -1, e.toString(), 0, new byte[0]);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new ReadResult(node, path, floor, -1, "interrupted", 0, new byte[0]);
      } finally {
        inFlight.decrementAndGet(node);
      }
    }

    CompletableFuture<ReadResult> readAsync(int node, String path) {
      long floor = maxAcked.getOrDefault(path, 0L);
      return CLIENT
          .sendAsync(request(node, path), HttpResponse.BodyHandlers.ofByteArray())
          .thenApply(r -> checked(node, path, floor, r))
          .exceptionally(t -> new ReadResult(node, path, floor, -1, t.toString(), 0, new byte[0]));
    }

    private HttpRequest request(int node, String pathAndQuery) {
      return HttpRequest.newBuilder(URI.create(cluster.uri(node) + "/objects/" + pathAndQuery))
          .timeout(REQUEST_TIMEOUT)
          .build();
    }

    private ReadResult checked(int node, String path, long floor, HttpResponse<byte[]> r) {
      int status = r.statusCode();
      readOutcomes.computeIfAbsent(String.valueOf(status), k -> new AtomicLong()).incrementAndGet();
      if (status == 200) {
        long version = Long.parseLong(r.headers().firstValue("X-Amberio-Version").orElse("0"));
        String body = new String(r.body(), StandardCharsets.UTF_8);
        if (version < floor) {
          violation(
              "stale read: GET %s via n%d returned version %d, but version %d had been acknowledged before the"
                  + " GET started",
              path, node, version, floor);
        }
        checkBody(node, path, version, body);
        return new ReadResult(node, path, floor, status, "", version, r.body());
      }
      String code = TestNode.errorCode(r);
      if (status == 404 && floor > 0) {
        violation(
            "GET %s via n%d answered 404 %s, but version %d had been acknowledged before the GET started",
            path, node, code, floor);
      } else if (status != 404 && status != 503) {
        violation("GET %s via n%d answered %d %s", path, node, status, Http.text(r));
      }
      return new ReadResult(node, path, floor, status, code, 0, r.body());
    }

    private void checkBody(int node, String path, long version, String body) {
      String expected = acked.getOrDefault(path, Map.of()).get(version);
      if (expected != null && !expected.equals(body)) {
        violation(
            "GET %s via n%d: version %d holds %s..., but the acknowledged PUT of that version wrote %s...",
            path, node, version, head(body), head(expected));
      } else if (expected == null && !attempted.getOrDefault(path, Set.of()).contains(body)) {
        violation(
            "GET %s via n%d: version %d holds a body nobody wrote: %s...",
            path, node, version, head(body));
      }
      if (noEffect.contains(body)) {
        violation(
            "GET %s via n%d: version %d holds the body of a PUT answered '503 unavailable' (no effect): %s...",
            path, node, version, head(body));
      }
    }

    private static String head(String s) {
      return s.substring(0, Math.min(60, s.length()));
    }

    /**
     * With the load stopped: through every node, every acknowledged version reads back byte for
     * byte by version, the current version of every path is at least the newest acknowledged one,
     * and every version from 1 to the current one exists and holds a body that was written (not one
     * answered {@code unavailable}).
     */
    void verifyEverywhere(List<Integer> nodes) throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> done = new ArrayList<>();
        AtomicLong checked = new AtomicLong();
        for (String path : new TreeMap<>(acked).keySet()) {
          for (int node : nodes) {
            done.add(
                pool.submit(
                    () -> {
                      ReadResult current = read(node, path);
                      if (current.status() != 200) {
                        violation(
                            "after the run, GET %s via n%d answered %s",
                            path, node, current.describe());
                        return;
                      }
                      for (long v = 1; v <= current.version(); v++) {
                        ReadResult r = read(node, path, "?version=" + v);
                        checked.incrementAndGet();
                        if (r.status() != 200 || r.version() != v) {
                          violation(
                              "after the run, GET %s?version=%d via n%d answered %s (the current version is %d)",
                              path, v, node, r.describe(), current.version());
                          continue;
                        }
                        String expected = acked.get(path).get(v);
                        if (expected != null
                            && !Arrays.equals(
                                r.body(), expected.getBytes(StandardCharsets.UTF_8))) {
                          violation(
                              "after the run, GET %s?version=%d via n%d differs from the acknowledged body",
                              path, v, node);
                        }
                      }
                      for (long v : acked.get(path).keySet()) {
                        if (v > current.version()) {
                          violation(
                              "after the run, GET %s via n%d: current version %d, but %d was acknowledged",
                              path, node, current.version(), v);
                        }
                      }
                    }));
          }
        }
        for (Future<?> f : done) {
          f.get(120, TimeUnit.SECONDS);
        }
        say(
            "verified %d acknowledged writes of %d paths on nodes %s (%d GETs by version)",
            ackedCount(), acked.size(), nodes, checked.get());
      } finally {
        pool.shutdownNow();
      }
    }

    int ackedCount() {
      int n = 0;
      for (Map<Long, String> versions : acked.values()) {
        n += versions.size();
      }
      return n;
    }

    /**
     * Writes through {@code node} started at or after {@code since} (nanoTime) and answered 201.
     */
    long ackedThrough(int node, long since) {
      return writes.stream()
          .filter(w -> w.node() == node && w.start() >= since && w.status() == 201)
          .count();
    }

    /**
     * When the first write started after {@code since} was acknowledged (nanoTime), or {@code
     * since}.
     */
    long firstAckEndedAfter(long since) {
      return writes.stream()
          .filter(w -> w.start() >= since && w.status() == 201)
          .mapToLong(Write::end)
          .min()
          .orElse(since);
    }

    /** Outcomes of the writes started in [from, to), by node. */
    String outcomes(long from, long to) {
      TreeMap<String, Integer> counts = new TreeMap<>();
      for (Write w : writes) {
        if (w.start() >= from && w.start() < to) {
          counts.merge(
              "n"
                  + w.node()
                  + " "
                  + (w.status() < 0 ? "io-error" : w.status() + " " + w.code()).trim(),
              1,
              Integer::sum);
        }
      }
      return counts.toString();
    }

    String summary() {
      TreeMap<String, Integer> counts = new TreeMap<>();
      for (Write w : writes) {
        counts.merge(
            "n"
                + w.node()
                + " "
                + (w.status() < 0
                    ? "io-error"
                    : w.status() + (w.code().isEmpty() ? "" : " " + w.code())),
            1,
            Integer::sum);
      }
      TreeMap<String, Long> reads = new TreeMap<>();
      readOutcomes.forEach((k, v) -> reads.put(k, v.get()));
      return "PUTs: "
          + counts
          + " ("
          + ackedCount()
          + " acknowledged versions); GETs: "
          + reads
          + "; violations: "
          + violationCount.get();
    }

    private void violation(String format, Object... args) {
      violationCount.incrementAndGet();
      if (violations.size() < 30) {
        violations.add(LocalTime.now() + " " + String.format(format, args));
      }
    }

    String violations() {
      return violations.isEmpty()
          ? ""
          : "\nviolations so far:\n  " + String.join("\n  ", violations);
    }

    void assertNoViolations() {
      if (violationCount.get() > 0) {
        throw new AssertionError(
            violationCount.get()
                + " violations (the first "
                + violations.size()
                + "):\n  "
                + String.join("\n  ", violations)
                + "\n"
                + summary()
                + "\n"
                + cluster.tails(40));
      }
    }

    private static void sleep(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
