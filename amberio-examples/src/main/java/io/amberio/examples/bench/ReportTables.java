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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The table parts the single-node report ({@link BenchReport}) and the cluster report ({@link
 * ClusterReport}) share, so that their measurement rows, failed cells and targets read alike.
 */
final class ReportTables {
  /** The columns every measurement table starts with. */
  private static final List<String> MEASUREMENT_COLUMNS =
      List.of("workload", "size", "threads", "ops", "ops/s", "MiB/s", "p50 ms", "p99 ms");

  private ReportTables() {}

  /** A table of measurements: the shared columns, then {@code extraColumns}. */
  static Table measurements(String... extraColumns) {
    return new Table(
        1,
        Stream.concat(MEASUREMENT_COLUMNS.stream(), Arrays.stream(extraColumns))
            .toArray(String[]::new));
  }

  /** Adds the row of a measured cell: its shared cells, then {@code extraCells}. */
  static void add(Table t, Measurement m, String... extraCells) {
    List<String> cells =
        new ArrayList<>(
            List.of(
                m.workload(),
                Units.size(m.size()),
                String.valueOf(m.threads()),
                String.valueOf(m.ops()),
                Units.rate(m.opsPerSecond()),
                Units.rate(m.mibPerSecond()),
                Units.millis(m.p50Nanos()),
                Units.millis(m.p99Nanos())));
    cells.addAll(Arrays.asList(extraCells));
    t.add(cells.toArray(String[]::new));
  }

  /** Adds the row of a failed cell: which cell, FAILED, and a dash in every other column. */
  static void addFailed(Table t, Measurement m) {
    List<String> cells =
        new ArrayList<>(
            List.of(m.workload(), Units.size(m.size()), String.valueOf(m.threads()), "FAILED"));
    while (cells.size() < t.columns()) {
      cells.add("-");
    }
    t.add(cells.toArray(String[]::new));
  }

  /** A line per failed cell: which cell, and its error; a new list the caller may add to. */
  static List<String> errors(List<Measurement> rows) {
    List<String> errors = new ArrayList<>();
    for (Measurement m : rows) {
      if (m.error() != null) {
        errors.add(
            m.workload() + " " + Units.size(m.size()) + " x" + m.threads() + ": " + m.error());
      }
    }
    return errors;
  }

  /** The table of target checks. */
  static Table targets(List<TargetCheck> checks) {
    Table t = new Table(1, "target", "needs", "measured", "status");
    for (TargetCheck c : checks) {
      t.add(c.target(), c.needs(), c.measured(), c.status());
    }
    return t;
  }
}
