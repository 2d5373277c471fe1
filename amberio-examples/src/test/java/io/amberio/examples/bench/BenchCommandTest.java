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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amberio.core.Compression;
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
    // The footprint section has its own test (FootprintBenchTest).
    new CommandLine(command)
        .parseArgs("--quick", "--markdown", "--footprint", "off", "--dir", dir.toString());
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
          for (Op op : List.of(Op.PUT, Op.GET)) {
            assertPositive(report, subject, op, size, threads);
            expected++;
          }
        }
      }
      // One listing row per subject that lists (every one here but the fsync limit).
      assertPositive(report, subject, Op.LIST, ListingSection.VALUE, 1);
      expected++;
    }
    for (int threads : options.threads()) {
      assertPositive(report, "fsync-limit", Op.PUT, 4 << 10, threads);
      expected++;
    }
    assertThat(report.rows()).hasSize(expected);
    assertThat(report.checks())
        .hasSize(11)
        .allSatisfy(c -> assertThat(c.ratio()).as(c.target()).isNotNull().isPositive());

    CompressionReport compression = report.compression();
    assertThat(compression).isNotNull();
    assertThat(compression.rows()).hasSize(8);
    for (CompressionSection.Row r : compression.rows()) {
      String row = r.data() + " " + r.codec();
      assertThat(r.error()).as(row).isNull();
      assertThat(r.bytes()).as(row).isEqualTo(4L << 20);
      assertThat(r.putNanos()).as(row).isPositive();
      assertThat(r.getNanos()).as(row).isPositive();
      if (r.data().equals("random") || r.codec().equals(Compression.none())) {
        assertThat(r.onDisk()).as(row + ": raw chunks").isEqualTo(r.bytes());
      } else {
        assertThat(r.ratio()).as(row + " ratio").isGreaterThan(2);
      }
    }

    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed)
        .contains(
            "data directory: ",
            "file store:",
            "== Compression (4.0 MiB per row)",
            "| data | codec |",
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
            "--footprint",
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
    assertThat(report.rows()).hasSize(6);
    for (String subject : List.of("file-per-blob", "embedded")) {
      for (Op op : List.of(Op.PUT, Op.GET)) {
        assertPositive(report, subject, op, 4 << 10, 2);
      }
      assertPositive(report, subject, Op.LIST, ListingSection.VALUE, 1);
    }
  }

  @Test
  void compressionAndDataReachTheStoresUnderTest(@TempDir Path dir) throws IOException {
    BenchCommand command = new BenchCommand();
    new CommandLine(command)
        .parseArgs(
            "--quick",
            "--sizes",
            "1MiB",
            "--threads",
            "1",
            "--subjects",
            "embedded",
            "--compression",
            "lz4",
            "--data",
            "text",
            "--compression-section",
            "off",
            "--cluster",
            "off",
            "--footprint",
            "off",
            "--keep",
            "--dir",
            dir.toString());
    BenchOptions options = command.options();
    assertThat(options.compression()).isEqualTo(Compression.lz4());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BenchReport report =
        new Bench(
                options,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run();
    assertThat(report.anyFailed()).as(err.toString(StandardCharsets.UTF_8)).isFalse();
    assertThat(report.compression()).isNull();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("data text", "compression lz4");
    assertPositive(report, "embedded", Op.GET, 1 << 20, 1);
  }

  @Test
  void badCompressionOptionsNameTheOption() {
    for (String[] args :
        new String[][] {
          {"--compression", "gzip"},
          {"--data", "zeros"},
          {"--compression-section", "maybe"},
          {"--compression-bytes", "1KiB"},
          {"--compression-section", "only", "--cluster", "only"}
        }) {
      BenchCommand command = new BenchCommand();
      new CommandLine(command).parseArgs(args);
      assertThatThrownBy(command::options)
          .as(String.join(" ", args))
          .as("a usage error (exit code 2)")
          .isInstanceOf(CommandLine.ParameterException.class)
          .hasMessageContaining(args[0]);
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
