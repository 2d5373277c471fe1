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
package io.amberio.examples.bench;

import io.amberio.cluster.registry.ListOptions;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.etcd.EtcdRegistry;
import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.core.Scheduler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster section of a run: three {@link ClusterSubject} nodes beside a single node (an
 * embedded store with the same settings and slot count, {@code single}), measured in alternating
 * rounds as the single-node grid is, over a fixed grid: PUT and GET of 4 KiB with 8 threads, of 1
 * MiB with 8 threads and with 1 thread. Before the cells it measures the registry's own write rate
 * ({@link RegistryRate}) through a separate client of the same kind, and during them how many
 * registry revisions each cluster PUT took.
 *
 * <p>The registry is a real etcd (the installed binary, started in the bench's directory on free
 * loopback ports), or, when there is none or {@code --cluster-registry memory} asks, an {@link
 * InMemoryRegistry}; the report says which.
 */
final class ClusterSection {
  static final String SINGLE = "single";
  static final String CLUSTER = "cluster";

  /** The grid of the section: {size, threads}. */
  static final List<long[]> GROUPS =
      List.of(new long[] {4 << 10, 8}, new long[] {1 << 20, 8}, new long[] {1 << 20, 1});

  private static final int REPLICAS = 3;

  private final BenchOptions options;
  private final PrintStream err;
  private final PatternData data;

  ClusterSection(BenchOptions options, PrintStream err, PatternData data) {
    this.options = options;
    this.err = err;
    this.data = data;
  }

  /** Whether the section runs with these options, and if not, why not (null when it runs). */
  static String skipReason(BenchOptions options) {
    return switch (options.cluster()) {
      case OFF -> "the cluster section did not run (--cluster off)";
      case AUTO ->
          options.clusterRegistry().equals("etcd") && LocalEtcd.binary().isEmpty()
              ? "the cluster section did not run: no etcd binary (/usr/bin/etcd or etcd on the PATH); --cluster on runs it"
                  + " on the in-memory registry"
              : null;
      default -> null;
    };
  }

  /**
   * Runs the section in {@code work}; everything it created there is deleted at the end. The
   * cluster's INFO log (leases taken, replicas removed from each slot as the nodes leave at the
   * end: thousands of lines) is off meanwhile; its warnings and errors are printed.
   */
  ClusterReport run(Path work) {
    Logger logger = LoggerFactory.getLogger("io.amberio.cluster");
    if (!(logger instanceof ch.qos.logback.classic.Logger log)) {
      return runLogged(work);
    }
    ch.qos.logback.classic.Level level = log.getLevel();
    log.setLevel(ch.qos.logback.classic.Level.WARN);
    try {
      return runLogged(work);
    } finally {
      log.setLevel(level);
    }
  }

  private ClusterReport runLogged(Path work) {
    long begin = System.nanoTime();
    List<String> setup = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<Measurement> rows = new ArrayList<>();
    List<RegistryRate> rates = new ArrayList<>();
    LocalEtcd etcd = null;
    InMemoryRegistry memory = null;
    ScheduledThreadPoolExecutor registryThreads =
        new ScheduledThreadPoolExecutor(
            4,
            r -> {
              Thread t = new Thread(r, "bench-registry-client");
              t.setDaemon(true);
              return t;
            });
    Thread hook = null;
    EmbeddedSubject single = null;
    ClusterSubject cluster = null;
    try {
      err.println("cluster section: starting the registry, a single node and three cluster nodes");
      String registryKind;
      if (options.clusterRegistry().equals("etcd")) {
        Optional<Path> binary = LocalEtcd.binary();
        if (binary.isEmpty()) {
          registryKind =
              "in-memory registry (InMemoryRegistry), because no etcd binary was found (/usr/bin/etcd or"
                  + " etcd on the PATH): the cluster rows do not include a real registry's cost";
        } else {
          try {
            // Default heartbeat and election timeouts and etcd's own durability settings (an fsync
            // of its
            // write-ahead log per batch of writes): the registry as deployed. Its directory is
            // inside the
            // bench's, so on the disk under test, and deleted with it.
            etcd = LocalEtcd.start(binary.get(), work.resolve("etcd"), "amberio-bench", List.of());
            LocalEtcd started = etcd;
            hook = new Thread(started::close, "bench-etcd-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            registryKind = "etcd: " + describe(binary.get(), etcd);
          } catch (IOException e) {
            registryKind =
                "in-memory registry (InMemoryRegistry), because etcd did not start: "
                    + e.getMessage();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while etcd was starting", e);
          }
        }
      } else {
        registryKind = "in-memory registry (InMemoryRegistry), as --cluster-registry memory asked";
      }
      Scheduler registryScheduler = Scheduler.system(registryThreads);
      if (etcd == null) {
        memory = new InMemoryRegistry(registryScheduler);
      }
      setup.add("registry: " + registryKind);
      setup.add(
          "nodes: three ClusterNodes in this process, NetworkTransport on 127.0.0.1 (TCP, HMAC-SHA256 per frame),"
              + " replication factor 3, default ClusterConfig; per node: its own store directory on the same disk, "
              + ClusterSubject.SCHEDULER_THREADS
              + " scheduler threads, "
              + ClusterSubject.DISK_THREADS
              + " disk threads, "
              + ClusterSubject.IO_THREADS
              + " io threads, "
              + (etcd != null ? "its own EtcdRegistry client" : "the shared registry"));
      setup.add(
          "single: one embedded store with the same settings and slot count as each node's store, in the same"
              + " rounds; cluster ops go to nodes a, b, c in turn (round-robin coordinator), through ClusterNode.asBlobStore");

      single =
          new EmbeddedSubject(
              SINGLE,
              Stores.builder(work.resolve(SINGLE), options, options.clusterSlots()).build());
      cluster =
          ClusterSubject.start(
              CLUSTER,
              work.resolve(CLUSTER),
              options,
              options.clusterSlots(),
              etcd == null ? null : etcd.clientUrl(),
              memory);
      err.println(cluster.startNote());
      notes.add(cluster.startNote());
      if (options.prefill()) {
        for (Subject s : List.of(single, cluster)) {
          String note = s.prepare();
          err.println(note);
          notes.add(note);
        }
      }

      Registry client =
          etcd == null
              ? memory
              : EtcdRegistry.builder()
                  .endpoints(List.of(etcd.clientUrl()))
                  .scheduler(registryScheduler)
                  .build();
      try {
        int n = 0;
        for (Object[] r :
            List.of(
                new Object[] {RegistryRate.CAS, 1},
                new Object[] {RegistryRate.CAS, 8},
                new Object[] {RegistryRate.CAS_DELETE, 8})) {
          RegistryRate rate =
              RegistryRate.measure(
                  client,
                  (String) r[0],
                  (Integer) r[1],
                  options.warmup(),
                  options.duration(),
                  options.ops(),
                  "bench/registry/" + n++);
          err.printf(
              Locale.ROOT,
              "registry %s x%d: %s%n",
              rate.workload(),
              rate.threads(),
              rate.ok()
                  ? Units.rate(rate.opsPerSecond())
                      + " ops/s, p50 "
                      + Units.millis(rate.p50Nanos())
                      + " ms, p99 "
                      + Units.millis(rate.p99Nanos())
                      + " ms"
                  : "FAILED: " + rate.error());
          rates.add(rate);
        }
      } finally {
        if (client != memory) {
          client.close();
        }
      }
      Registry probe = etcd == null ? memory : null;
      Registry revisions =
          probe != null
              ? probe
              : EtcdRegistry.builder()
                  .endpoints(List.of(etcd.clientUrl()))
                  .scheduler(registryScheduler)
                  .build();
      try {
        runCells(work, single, cluster, revisions, rows, notes);
        Map<String, Subject> listing = new LinkedHashMap<>();
        listing.put(SINGLE, single);
        listing.put(CLUSTER, cluster);
        rows.addAll(ListingSection.run(options, listing, err));
      } finally {
        if (revisions != memory) {
          revisions.close();
        }
      }
    } catch (IOException | RuntimeException e) {
      err.println("cluster section failed: " + e);
      notes.add("the cluster section failed: " + e);
      if (rows.isEmpty()) {
        for (long[] g : GROUPS) {
          for (String name : List.of(SINGLE, CLUSTER)) {
            for (Op op : List.of(Op.PUT, Op.GET)) {
              rows.add(
                  Measurement.failed(
                      name, op, g[0], (int) g[1], "the cluster section could not start: " + e));
            }
          }
        }
      }
    } finally {
      long stop = System.nanoTime();
      if (cluster != null) {
        try {
          cluster.close();
        } catch (IOException | RuntimeException e) {
          err.println("closing the cluster failed: " + e);
          notes.add("closing the cluster failed: " + e);
        }
        err.printf(Locale.ROOT, "cluster closed in %.1fs%n", (System.nanoTime() - stop) / 1e9);
      }
      if (single != null) {
        try {
          single.close();
        } catch (RuntimeException e) {
          err.println("closing the single node failed: " + e);
        }
      }
      if (memory != null) {
        memory.close();
      }
      registryThreads.shutdownNow();
      if (etcd != null) {
        etcd.close();
      }
      if (hook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // shutting down already
        }
      }
      for (String dir : List.of(SINGLE, CLUSTER, "etcd")) {
        try {
          Fs.deleteTree(work.resolve(dir));
        } catch (IOException | RuntimeException e) {
          err.println("could not delete " + work.resolve(dir) + ": " + e);
        }
      }
    }
    notes.add(
        String.format(
            Locale.ROOT, "the cluster section took %.0fs", (System.nanoTime() - begin) / 1e9));
    return new ClusterReport(setup, rows, rates, notes);
  }

  /**
   * Keys written by a subject and not reclaimed yet, with the bytes they hold on disk (all copies).
   */
  private static final class Pending {
    final List<String> keys = new ArrayList<>();
    long bytes;
  }

  private void runCells(
      Path work,
      EmbeddedSubject single,
      ClusterSubject cluster,
      Registry revisions,
      List<Measurement> rows,
      List<String> notes) {
    int total = GROUPS.size() * options.rounds() * 2 * 2;
    Bench.Progress progress = new Bench.Progress(options, err, total, work);
    Map<String, Pending> pending = new LinkedHashMap<>();
    pending.put(SINGLE, new Pending());
    pending.put(CLUSTER, new Pending());
    for (int g = 0; g < GROUPS.size(); g++) {
      long size = GROUPS.get(g)[0];
      int threads = (int) GROUPS.get(g)[1];
      Map<Subject, Bench.Group> groups = new LinkedHashMap<>();
      groups.put(single, new Bench.Group());
      groups.put(cluster, new Bench.Group());
      long revisionsUsed = 0;
      long clusterPuts = 0;
      for (int round = 0; round < options.rounds(); round++) {
        for (Map.Entry<Subject, Bench.Group> e : groups.entrySet()) {
          Bench.Group group = e.getValue();
          if (group.failure != null) {
            progress.skip(2);
            continue;
          }
          boolean isCluster = e.getKey() == cluster;
          long before = isCluster ? revision(revisions) : -1;
          int keysBefore = group.keys.size();
          Bench.runRound(
              options,
              data,
              e.getKey(),
              size,
              threads,
              round,
              group,
              progress,
              isCluster ? REPLICAS : 1);
          if (isCluster && before >= 0) {
            long after = revision(revisions);
            if (after >= 0) {
              revisionsUsed += after - before;
              clusterPuts += group.keys.size() - keysBefore;
            }
          }
        }
      }
      for (Map.Entry<Subject, Bench.Group> e : groups.entrySet()) {
        String name = e.getKey().name();
        Bench.Group group = e.getValue();
        rows.add(Bench.combine(name, Op.PUT, size, threads, group.puts, group.failure));
        rows.add(Bench.combine(name, Op.GET, size, threads, group.gets, group.failure));
        Pending p = pending.get(name);
        p.keys.addAll(group.keys);
        p.bytes += size * group.keys.size() * (e.getKey() == cluster ? REPLICAS : 1);
      }
      if (clusterPuts > 0) {
        notes.add(
            String.format(
                Locale.ROOT,
                "registry revisions per cluster PUT of %s x%d: %.2f (%d revisions over %d PUTs, warm-up included;"
                    + " a decision and the delete of its key make 2 when each goes alone; decisions made"
                    + " together, and deletes, share one revision per batch)",
                Units.size(size),
                threads,
                revisionsUsed / (double) clusterPuts,
                revisionsUsed,
                clusterPuts));
      }
      if (g < GROUPS.size() - 1) {
        for (Subject s : List.of(single, cluster)) {
          Pending p = pending.get(s.name());
          if (p.bytes > Bench.RECLAIM_BYTES) {
            long start = System.nanoTime();
            try {
              s.reclaim(p.keys);
              err.printf(
                  Locale.ROOT,
                  "  reclaimed %d blobs of %s in %.1fs%n",
                  p.keys.size(),
                  s.name(),
                  (System.nanoTime() - start) / 1e9);
            } catch (IOException | RuntimeException ex) {
              err.println(
                  "  reclaiming " + p.keys.size() + " blobs of " + s.name() + " failed: " + ex);
            }
            p.keys.clear();
            p.bytes = 0;
          }
        }
      }
    }
  }

  /**
   * The registry's current revision (one more per write: CAS, delete, a lease's end), or -1 if it
   * cannot be read. The deletes of decision keys are sent after the client's answer; this waits a
   * little for them.
   */
  private static long revision(Registry registry) {
    try {
      long last = -1;
      for (int i = 0; i < 20; i++) {
        long r =
            registry
                .list("bench/revision-probe/", ListOptions.limit(1))
                .get(10, TimeUnit.SECONDS)
                .revision();
        if (r == last) {
          return r;
        }
        last = r;
        Thread.sleep(50);
      }
      return last;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    } catch (Exception e) {
      return -1;
    }
  }

  /** The binary, its version (from {@code etcd --version}) and where it listens, for the report. */
  private static String describe(Path binary, LocalEtcd etcd) {
    String version = "unknown version";
    try {
      Process p =
          new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor(10, TimeUnit.SECONDS)) {
        version =
            text.lines()
                .filter(l -> l.startsWith("etcd Version"))
                .findFirst()
                .orElse(version)
                .trim();
      }
    } catch (IOException e) {
      // the version is only for the report
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return binary
        + " ("
        + version
        + ") on "
        + etcd.clientUrl()
        + ", one member, data directory on the bench's disk";
  }
}
