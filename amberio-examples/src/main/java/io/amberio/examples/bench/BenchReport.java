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
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The result of a run: where and how it ran, one row per cell, the target checks, and the
 * compression and cluster sections (null when they did not run). Prints itself as plain text, and
 * as Markdown on request.
 */
record BenchReport(
    List<String> setup,
    List<Measurement> rows,
    List<TargetCheck> checks,
    List<String> notes,
    CompressionReport compression,
    ClusterReport cluster,
    FootprintReport footprint) {

  private static final List<String> ORDER =
      List.of("embedded", "http", "file-per-blob", "fsync-limit");

  static final List<String> LEGEND =
      List.of(
          "embedded:      BlobStore.put from a generated stream / BlobStore.get read to the end into a 1 MiB buffer, in-process.",
          "http:          the node (AmberioServer) on 127.0.0.1 over its own store; one keep-alive HTTP/1.1 connection per",
          "               thread; PUT /objects/{path} with Content-Length, body streamed; GET read to the end into a 1 MiB buffer.",
          "file-per-blob: PUT = create a new file in one of 256 fan-out directories, write, FileChannel.force(true) (fsync),",
          "               close, fsync the directory; GET = open, read to the end into a 1 MiB buffer, close.",
          "fsync-limit:   4 KiB overwrite at the next offset of a preallocated 32 MiB file per thread + force(false)",
          "               (fdatasync): the most durable small writes per second this disk takes at that concurrency.",
          "ops: measured ops; ops/s and MiB/s over the measured window; p50/p99: latency of one op in milliseconds",
          "(with fewer than 100 ops, p99 is the slowest op). Per size and thread count, the subjects ran in alternating rounds.",
          "vs file / vs fsync / vs embedded: ops/s of the row divided by ops/s of that baseline at the same op, size and",
          "threads (vs fsync: 4 KiB PUT rows only). GETs read blobs written by the PUT cell just before: hot in the page cache.",
          "LIST: one listing of the whole prefix list/ (10,000 keys of 256 B; 2,000 more under lisu/), pages of 1000, one",
          "               thread; ops/s = listings/s. file-per-blob lists by reading its 256 directories and sorting.");

  BenchReport {
    setup = List.copyOf(setup);
    rows = rows.stream().sorted(order()).toList();
    checks = List.copyOf(checks);
    notes = List.copyOf(notes);
  }

  private static Comparator<Measurement> order() {
    return Comparator.comparing(Measurement::op)
        .thenComparingLong(Measurement::size)
        .thenComparingInt(Measurement::threads)
        .thenComparingInt(m -> ORDER.indexOf(m.subject()));
  }

  boolean anyFailed() {
    return rows.stream().anyMatch(m -> m.error() != null)
        || (compression != null && compression.anyFailed())
        || (cluster != null && cluster.anyFailed())
        || (footprint != null && footprint.anyFailed());
  }

  /** The table of measurements. */
  Table table() {
    Table t = ReportTables.measurements("vs file", "vs fsync", "vs embedded");
    for (Measurement m : rows) {
      if (!m.ok()) {
        ReportTables.addFailed(t, m);
        continue;
      }
      ReportTables.add(
          t,
          m,
          ratio(m, isStore(m) ? "file-per-blob" : null, m.op()),
          ratio(
              m,
              m.op() == Op.PUT && m.size() == 4 << 10 && !m.subject().equals("fsync-limit")
                  ? "fsync-limit"
                  : null,
              Op.PUT),
          ratio(m, m.subject().equals("http") ? "embedded" : null, m.op()));
    }
    return t;
  }

  private static boolean isStore(Measurement m) {
    return m.subject().equals("embedded") || m.subject().equals("http");
  }

  private String ratio(Measurement m, String baseline, Op op) {
    if (baseline == null) {
      return "";
    }
    Optional<Measurement> b = TargetCheck.find(rows, baseline, op, m.size(), m.threads());
    return b.map(x -> Units.ratio(m.opsPerSecond() / x.opsPerSecond())).orElse("n/a");
  }

  /** The table of target checks. */
  Table targetTable() {
    return ReportTables.targets(checks);
  }

  void print(PrintStream out, boolean markdown) {
    out.println();
    out.println("== Amberio bench");
    setup.forEach(l -> out.println("  " + l));
    boolean grid = !rows.isEmpty();
    if (grid) {
      out.println();
      out.print(table().text());
      out.println();
      LEGEND.forEach(l -> out.println("  " + l));
    }
    notes.forEach(n -> out.println("  " + n));
    List<String> errors = ReportTables.errors(rows);
    if (!errors.isEmpty()) {
      out.println();
      out.println("== Failed cells");
      errors.forEach(e -> out.println("  " + e));
    }
    if (grid) {
      out.println();
      out.println("== Targets");
      out.print(targetTable().text());
      long missed = checks.stream().filter(TargetCheck::missed).count();
      long unmeasured = checks.stream().filter(c -> c.ratio() == null).count();
      out.println(
          (checks.size() - missed - unmeasured)
              + " met, "
              + missed
              + " missed, "
              + unmeasured
              + " not measured.");
    }
    if (compression != null) {
      compression.print(out);
    }
    if (cluster != null) {
      cluster.print(out);
    }
    if (footprint != null) {
      footprint.print(out);
    }
    if (markdown) {
      out.println();
      out.println("== Markdown");
      if (grid) {
        out.println();
        out.print(table().markdown());
        out.println();
        out.print(targetTable().markdown());
      }
      if (compression != null) {
        compression.printMarkdown(out);
      }
      if (cluster != null) {
        cluster.printMarkdown(out);
      }
      if (footprint != null) {
        footprint.printMarkdown(out);
      }
    }
    out.flush();
  }
}
