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

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the cluster section alone with a few ops per cell: three nodes over etcd when it is
 * installed, and over the in-memory registry; every row measured, the registry rates, the targets;
 * nothing left behind. No timing is asserted.
 */
class ClusterBenchTest {

  @Test
  void clusterSectionOnEtcdOrWithoutIt(@TempDir Path dir) throws IOException {
    clusterSectionMeasuresEveryRowBesideTheSingleNode(dir, LocalEtcd.binary().isPresent());
  }

  @Test
  void clusterSectionOnTheInMemoryRegistry(@TempDir Path dir) throws IOException {
    clusterSectionMeasuresEveryRowBesideTheSingleNode(dir, false);
  }

  private void clusterSectionMeasuresEveryRowBesideTheSingleNode(Path dir, boolean etcd)
      throws IOException {
    BenchReport report =
        run(
            dir,
            "--cluster",
            "only",
            "--quick",
            "--ops",
            "16",
            "--cluster-slots",
            "16",
            "--markdown",
            "--cluster-registry",
            etcd ? "etcd" : "memory");

    assertThat(report.rows()).as("no single-node grid with --cluster only").isEmpty();
    ClusterReport cluster = report.cluster();
    assertThat(cluster).isNotNull();
    assertThat(report.anyFailed()).as(String.join("\n", cluster.notes())).isFalse();
    assertThat(cluster.setup())
        .anySatisfy(
            l -> assertThat(l).startsWith(etcd ? "registry: etcd: " : "registry: in-memory"));
    int expected = 0;
    for (long[] g : ClusterSection.GROUPS) {
      for (String subject : List.of(ClusterSection.SINGLE, ClusterSection.CLUSTER)) {
        for (Op op : List.of(Op.PUT, Op.GET)) {
          String row = subject + " " + op + " " + Units.size(g[0]) + " x" + g[1];
          assertThat(TargetCheck.find(cluster.rows(), subject, op, g[0], (int) g[1]))
              .as(row)
              .hasValueSatisfying(
                  m -> {
                    assertThat(m.ops()).as(row + " ops").isBetween(1L, 16L);
                    assertThat(m.p99Nanos())
                        .as(row + " p99")
                        .isGreaterThanOrEqualTo(m.p50Nanos())
                        .isPositive();
                    if (Files.exists(Path.of("/proc/stat"))) {
                      assertThat(m.cpuNanos()).as(row + " CPU").isNotNegative();
                      // -1 (unknown) when the cell was shorter than a clock tick of /proc/stat
                      assertThat(m.machineBusy()).as(row + " busy").isLessThanOrEqualTo(1.0);
                    }
                  });
          expected++;
        }
      }
      assertThat(cluster.ratio(Op.PUT, g[0], (int) g[1])).isPositive();
    }
    for (String subject : List.of(ClusterSection.SINGLE, ClusterSection.CLUSTER)) {
      assertThat(TargetCheck.find(cluster.rows(), subject, Op.LIST, ListingSection.VALUE, 1))
          .as(subject + " LIST")
          .hasValueSatisfying(
              m -> assertThat(m.ops()).as(subject + " listings").isBetween(1L, 16L));
      expected++;
    }
    assertThat(cluster.rows()).hasSize(expected);
    assertThat(cluster.rates())
        .extracting(RegistryRate::workload)
        .containsExactly(RegistryRate.CAS, RegistryRate.CAS, RegistryRate.CAS_DELETE);
    assertThat(cluster.rates())
        .allSatisfy(r -> assertThat(r.opsPerSecond()).as(r.workload()).isPositive());
    assertThat(cluster.checks())
        .hasSize(2)
        .allSatisfy(c -> assertThat(c.ratio()).as(c.target()).isNotNull());
    // Every cluster PUT wrote its decision key and deleted it: at most two registry revisions,
    // fewer
    // when decisions or deletes went to the registry in batches (one revision per batch); at least
    // one per batch of 64.
    assertThat(cluster.notes())
        .anySatisfy(
            n -> {
              assertThat(n).startsWith("registry revisions per cluster PUT of 4 KiB x8: ");
              double perPut =
                  Double.parseDouble(
                      n.substring("registry revisions per cluster PUT of 4 KiB x8: ".length())
                          .split(" ")[0]);
              assertThat(perPut).isBetween(2.0 / 64, 2.0);
            });
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("the bench deletes its directory").isEmpty();
    }
  }

  @Test
  void clusterOffRunsTheGridAlone(@TempDir Path dir) {
    BenchReport report =
        run(
            dir,
            "--cluster",
            "off",
            "--quick",
            "--sizes",
            "4KiB",
            "--threads",
            "1",
            "--subjects",
            "embedded",
            "--footprint",
            "off");

    assertThat(report.cluster()).isNull();
    assertThat(report.rows()).hasSize(3);
    assertThat(report.rows())
        .anySatisfy(
            m -> {
              assertThat(m.op()).isEqualTo(Op.LIST);
              assertThat(m.ok()).as(String.valueOf(m.error())).isTrue();
            });
    assertThat(report.notes()).contains("the cluster section did not run (--cluster off)");
  }

  @Test
  void badClusterOptionsAreUsageErrors() {
    assertThat(new CommandLine(new BenchCommand()).execute("--cluster", "maybe")).isEqualTo(2);
    assertThat(new CommandLine(new BenchCommand()).execute("--cluster-registry", "zookeeper"))
        .isEqualTo(2);
  }

  private static BenchReport run(Path dir, String... args) {
    BenchCommand command = new BenchCommand();
    String[] all =
        Stream.concat(Stream.of(args), Stream.of("--dir", dir.toString())).toArray(String[]::new);
    new CommandLine(command).parseArgs(all);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    BenchReport report =
        new Bench(
                command.options(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run();
    String printed = out.toString(StandardCharsets.UTF_8);
    if (report.cluster() != null) {
      assertThat(printed)
          .as(err.toString(StandardCharsets.UTF_8))
          .contains(
              "== Cluster (three nodes on loopback)",
              "== Cluster targets",
              "| workload | size | threads | ops | ops/s | MiB/s | p50 ms | p99 ms | CPU ms/op | CPUs busy | cluster/single |",
              "| registry | threads |");
    }
    return report;
  }
}
