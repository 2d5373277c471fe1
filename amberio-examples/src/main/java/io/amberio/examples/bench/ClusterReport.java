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

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the cluster section measured: its setup, a row per cell (single node and cluster), the
 * registry's own write rates, notes, and the cluster targets.
 */
record ClusterReport(
    List<String> setup, List<Measurement> rows, List<RegistryRate> rates, List<String> notes) {

  static final List<String> LEGEND =
      List.of(
          "single:  one embedded store (BlobStore.put / get), the same settings and slot count as each node's store.",
          "cluster: the same session code over ClusterNode.asBlobStore of nodes a, b, c in turn; each PUT is a two-phase",
          "         commit on all three replicas (LOCK, DATA + durable prepare, CAS of the decision key in the registry,",
          "         COMMIT, then the decision key is deleted); each GET is served by one in-sync replica (the coordinator's",
          "         own when it serves the slot) after it checked that the path has no undecided prepared write.",
          "CPU ms/op: CPU time of this process (every thread) and of etcd during the cells, per op; CPUs busy: share of",
          "         all the machine's CPUs ("
              + Runtime.getRuntime().availableProcessors()
              + ") busy meanwhile, other processes included.",
          "cluster/single: ops/s of the cluster row over the single node's row (same op, size, threads, same rounds).",
          "registry: the registry's own write rate through a client of the cluster's kind; CAS = create-if-absent of a fresh",
          "         key (a write's decision), CAS + delete = that and the delete of the key at its revision (both are",
          "         registry writes of every cluster PUT). Last column: the cluster PUT 4 KiB x8 rate over this rate.");

  ClusterReport {
    setup = List.copyOf(setup);
    rows = rows.stream().sorted(order()).toList();
    rates = List.copyOf(rates);
    notes = List.copyOf(notes);
  }

  private static Comparator<Measurement> order() {
    return Comparator.comparing(Measurement::op)
        .thenComparing(Comparator.comparingLong(Measurement::size).reversed())
        .thenComparing(Comparator.comparingInt(Measurement::threads).reversed())
        .thenComparingInt(m -> m.subject().equals(ClusterSection.SINGLE) ? 0 : 1);
  }

  boolean anyFailed() {
    return rows.stream().anyMatch(m -> m.error() != null)
        || rates.stream().anyMatch(r -> r.error() != null);
  }

  private Optional<Measurement> find(String subject, Op op, long size, int threads) {
    return TargetCheck.find(rows, subject, op, size, threads);
  }

  /** The cluster row over the single-node row, or null when one is missing. */
  Double ratio(Op op, long size, int threads) {
    Optional<Measurement> c = find(ClusterSection.CLUSTER, op, size, threads);
    Optional<Measurement> s = find(ClusterSection.SINGLE, op, size, threads);
    return c.isPresent() && s.isPresent() ? c.get().opsPerSecond() / s.get().opsPerSecond() : null;
  }

  Table table() {
    Table t = ReportTables.measurements("CPU ms/op", "CPUs busy", "cluster/single");
    for (Measurement m : rows) {
      if (!m.ok()) {
        ReportTables.addFailed(t, m);
        continue;
      }
      Double r =
          m.subject().equals(ClusterSection.CLUSTER) ? ratio(m.op(), m.size(), m.threads()) : null;
      ReportTables.add(
          t,
          m,
          m.cpuNanosPerOp() < 0 ? "n/a" : Units.millis(Math.round(m.cpuNanosPerOp())),
          m.machineBusy() < 0 ? "n/a" : Math.round(m.machineBusy() * 100) + "%",
          r == null ? "" : Units.ratio(r));
    }
    return t;
  }

  Table registryTable() {
    Table t =
        new Table(
            1,
            "registry",
            "threads",
            "ops",
            "ops/s",
            "writes/s",
            "p50 ms",
            "p99 ms",
            "CPU ms/op",
            "cluster PUT 4 KiB x8 / this");
    Optional<Measurement> put = find(ClusterSection.CLUSTER, Op.PUT, 4 << 10, 8);
    for (RegistryRate r : rates) {
      if (!r.ok()) {
        t.add(r.workload(), String.valueOf(r.threads()), "FAILED", "-", "-", "-", "-", "-", "-");
        continue;
      }
      t.add(
          r.workload(),
          String.valueOf(r.threads()),
          String.valueOf(r.ops()),
          Units.rate(r.opsPerSecond()),
          Units.rate(r.opsPerSecond() * r.writesPerOp()),
          Units.millis(r.p50Nanos()),
          Units.millis(r.p99Nanos()),
          r.cpuNanosPerOp() < 0 ? "n/a" : Units.millis(Math.round(r.cpuNanosPerOp())),
          put.map(p -> Units.ratio(p.opsPerSecond() / r.opsPerSecond())).orElse("n/a"));
    }
    return t;
  }

  /**
   * The cluster target: a 1 MiB PUT through the cluster at half the single node's rate or better.
   */
  List<TargetCheck> checks() {
    List<TargetCheck> checks = new ArrayList<>();
    for (int threads : List.of(8, 1)) {
      checks.add(
          new TargetCheck(
              "cluster PUT 1 MiB, "
                  + threads
                  + " thread"
                  + (threads == 1 ? "" : "s")
                  + " vs single node",
              0.5,
              ratio(Op.PUT, 1 << 20, threads)));
    }
    return checks;
  }

  Table targetTable() {
    return ReportTables.targets(checks());
  }

  void print(PrintStream out) {
    out.println();
    out.println("== Cluster (three nodes on loopback)");
    setup.forEach(l -> out.println("  " + l));
    out.println();
    out.print(table().text());
    out.println();
    out.print(registryTable().text());
    out.println();
    LEGEND.forEach(l -> out.println("  " + l));
    notes.forEach(n -> out.println("  " + n));
    List<String> errors = ReportTables.errors(rows);
    for (RegistryRate r : rates) {
      if (r.error() != null) {
        errors.add("registry " + r.workload() + " x" + r.threads() + ": " + r.error());
      }
    }
    if (!errors.isEmpty()) {
      out.println();
      out.println("== Failed cluster cells");
      errors.forEach(e -> out.println("  " + e));
    }
    out.println();
    out.println("== Cluster targets");
    out.print(targetTable().text());
  }

  void printMarkdown(PrintStream out) {
    out.println();
    out.print(table().markdown());
    out.println();
    out.print(registryTable().markdown());
    out.println();
    out.print(targetTable().markdown());
  }
}
