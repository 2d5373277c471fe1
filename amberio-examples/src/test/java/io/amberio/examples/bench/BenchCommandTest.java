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
 * Runs the whole bench in its quickest mode: every row is there, with numbers; no timing is
 * asserted.
 */
class BenchCommandTest {

  @Test
  void quickRunMeasuresEveryWorkloadSizeAndThreadCount(@TempDir Path dir) throws IOException {
    BenchCommand command = new BenchCommand();
    new CommandLine(command).parseArgs("--quick", "--markdown", "--dir", dir.toString());
    BenchOptions options = command.options();
    assertThat(options.sizes()).containsExactly(4L << 10, 1L << 20, 64L << 20);
    assertThat(options.threads()).containsExactly(1, 8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    BenchReport report =
        new Bench(
                options,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run();

    String log = err.toString(StandardCharsets.UTF_8);
    assertThat(report.anyFailed()).as(log).isFalse();
    int expected = 0;
    for (String subject : List.of("embedded", "http", "file-per-blob")) {
      for (long size : options.sizes()) {
        for (int threads : options.threads()) {
          for (Op op : Op.values()) {
            assertPositive(report, subject, op, size, threads);
            expected++;
          }
        }
      }
    }
    for (int threads : options.threads()) {
      assertPositive(report, "fsync-limit", Op.PUT, 4 << 10, threads);
      expected++;
    }
    assertThat(report.rows()).hasSize(expected);
    assertThat(report.checks())
        .hasSize(11)
        .allSatisfy(c -> assertThat(c.ratio()).as(c.target()).isNotNull().isPositive());

    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed)
        .contains(
            "data directory: ",
            "file store:",
            "== Targets",
            "| workload | size | threads |",
            "| target | needs |")
        .contains("embedded PUT 4 KiB, 8 threads vs fsync-limit, 8 threads");
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("the bench deletes its directory").isEmpty();
    }
  }

  @Test
  void roundsAddUpAndWriteDistinctKeys(@TempDir Path dir) {
    BenchCommand command = new BenchCommand();
    new CommandLine(command)
        .parseArgs(
            "--quick",
            "--rounds",
            "3",
            "--sizes",
            "4KiB",
            "--threads",
            "2",
            "--subjects",
            "file-per-blob,embedded",
            "--cluster",
            "off",
            "--dir",
            dir.toString());
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    BenchReport report =
        new Bench(
                command.options(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run();

    String log = err.toString(StandardCharsets.UTF_8);
    assertThat(report.anyFailed()).as(log).isFalse();
    assertThat(log).contains("round 3/3");
    assertThat(report.rows()).hasSize(4);
    for (String subject : List.of("file-per-blob", "embedded")) {
      for (Op op : Op.values()) {
        assertPositive(report, subject, op, 4 << 10, 2);
      }
    }
  }

  private static void assertPositive(
      BenchReport report, String subject, Op op, long size, int threads) {
    String row = subject + " " + op + " " + Units.size(size) + " x" + threads;
    assertThat(TargetCheck.find(report.rows(), subject, op, size, threads))
        .as(row)
        .hasValueSatisfying(
            m -> {
              assertThat(m.ops()).as(row + " ops").isPositive();
              assertThat(m.opsPerSecond()).as(row + " ops/s").isPositive();
              assertThat(m.mibPerSecond()).as(row + " MiB/s").isPositive();
              assertThat(m.p50Nanos()).as(row + " p50").isPositive();
              assertThat(m.p99Nanos()).as(row + " p99").isGreaterThanOrEqualTo(m.p50Nanos());
            });
  }
}
