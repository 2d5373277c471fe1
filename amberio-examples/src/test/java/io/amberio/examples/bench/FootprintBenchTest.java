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

import io.amberio.core.internal.BlobPaths;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the footprint section alone, small (512 PUTs each run, a 16 MiB blob), against a real node
 * in a child process: every row is there, the round trip worked, the child is gone and nothing is
 * left behind. No timing or memory figure is asserted.
 */
class FootprintBenchTest {

  @Test
  void footprintSectionMeasuresANodeInAChildProcess(@TempDir Path dir) throws IOException {
    BenchCommand command = new BenchCommand();
    new CommandLine(command)
        .parseArgs(
            "--footprint",
            "only",
            "--footprint-puts",
            "512",
            "--footprint-blob",
            "16MiB",
            "--markdown",
            "--dir",
            dir.toString());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    BenchReport report =
        new Bench(
                command.options(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run();

    String log = err.toString(StandardCharsets.UTF_8);
    assertThat(report.rows()).as("no grid with --footprint only").isEmpty();
    assertThat(report.compression()).isNull();
    assertThat(report.cluster()).isNull();
    FootprintReport footprint = report.footprint();
    assertThat(footprint).as(log).isNotNull();
    assertThat(report.anyFailed()).as(log + String.join("\n", footprint.notes())).isFalse();
    assertThat(footprint.healthyNanos()).hasSize(3).allSatisfy(n -> assertThat(n).isPositive());
    for (String subject : List.of("node (new store)", "node (warm)")) {
      Measurement m = footprint.find(subject, Op.PUT, 4 << 10);
      assertThat(m).as(subject).isNotNull();
      assertThat(m.ok()).as(subject + ": " + m.error()).isTrue();
      assertThat(m.ops()).as(subject).isEqualTo(512);
      assertThat(m.threads()).isEqualTo(8);
    }
    for (Op op : List.of(Op.PUT, Op.GET)) {
      Measurement m = footprint.find("node", op, 16 << 20);
      assertThat(m).as("big " + op).isNotNull();
      assertThat(m.ok()).as("big " + op + ": " + m.error()).isTrue();
    }
    assertThat(footprint.bigWorked()).as(footprint.bigDetail()).isTrue();
    assertThat(footprint.bigDetail()).startsWith("16,777,216 bytes back, CRC32C ");
    assertThat(footprint.firstOverWarm()).isNotNull().isPositive();
    boolean proc = Files.isDirectory(Path.of("/proc/self"));
    for (NodeProcess.Memory m :
        new NodeProcess.Memory[] {
          footprint.idle(), footprint.afterFirst(), footprint.afterWarm(), footprint.afterBig()
        }) {
      if (proc) {
        assertThat(m).isNotNull();
        assertThat(m.rss()).isPositive();
        assertThat(m.hwm()).isGreaterThanOrEqualTo(m.rss());
      } else {
        assertThat(m).isNull();
      }
    }
    List<TargetCheck> checks = footprint.checks();
    assertThat(checks).hasSize(4);
    assertThat(checks.get(0).kind()).isEqualTo(TargetCheck.Kind.MAX_BYTES);
    assertThat(checks.get(1).kind()).isEqualTo(TargetCheck.Kind.RATIO);
    assertThat(checks.get(2).kind()).isEqualTo(TargetCheck.Kind.MAX_SECONDS);
    assertThat(checks.get(3).status()).isEqualTo("met");
    for (TargetCheck c : checks.subList(proc ? 0 : 1, 4)) {
      assertThat(c.ratio()).as(c.target()).isNotNull();
    }

    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed)
        .contains(
            "== Footprint (a node in a child process, -Xmx128m)",
            "node defaults (the edge box): heap 128 MiB; read cache 16.0 MiB",
            "SMALLER than the issue's targets",
            "healthy after start, median of 3",
            "== Footprint targets",
            "| footprint | value | detail |",
            "| node (warm) PUT | 4 KiB | 8 | 512 |",
            "| target | needs | measured | status |",
            "| 16 MiB PUT and GET through -Xmx128m | works | worked | met |");
    assertThat(ProcessHandle.current().children()).as("the node was stopped").isEmpty();
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("the bench deletes its directory").isEmpty();
    }
  }

  @Test
  void pathsReachEverySlotEvenly() {
    List<String> paths = FootprintSection.paths("fp/new/", 20_000);
    assertThat(paths).hasSize(20_000);
    assertThat(new HashSet<>(paths)).hasSize(20_000);
    int[] perSlot = new int[FootprintSection.SLOTS];
    for (int i = 0; i < paths.size(); i++) {
      int slot = BlobPaths.slotOf(paths.get(i), FootprintSection.SLOTS);
      perSlot[slot]++;
    }
    for (int s = 0; s < perSlot.length; s++) {
      assertThat(perSlot[s]).as("slot %d", s).isBetween(9, 10);
    }
    // The first 2048 PUTs each create a different slot.
    assertThat(
            paths.subList(0, FootprintSection.SLOTS).stream()
                .map(p -> BlobPaths.slotOf(p, FootprintSection.SLOTS))
                .distinct()
                .count())
        .isEqualTo(FootprintSection.SLOTS);
  }

  @Test
  void atMostTargetsAreMetAtOrBelowTheirThreshold() {
    TargetCheck rss =
        new TargetCheck("rss", 200L << 20, (double) (150L << 20), TargetCheck.Kind.MAX_BYTES);
    assertThat(rss.status()).isEqualTo("met");
    assertThat(rss.needs()).isEqualTo("<= 200.0 MiB");
    assertThat(rss.measured()).isEqualTo("150.0 MiB");
    TargetCheck slow = new TargetCheck("healthy", 1.0, 2.4, TargetCheck.Kind.MAX_SECONDS);
    assertThat(slow.missed()).isTrue();
    assertThat(slow.status()).isEqualTo("MISSED");
    assertThat(slow.needs()).isEqualTo("<= 1.00 s");
    assertThat(new TargetCheck("big", 1, 0.0, TargetCheck.Kind.WORKS).status()).isEqualTo("MISSED");
    assertThat(new TargetCheck("ratio", 0.5, 0.49).status()).isEqualTo("MISSED (borderline)");
  }

  @Test
  void badFootprintOptionsAreUsageErrors() {
    for (String[] args :
        new String[][] {
          {"--footprint", "maybe"},
          {"--footprint-puts", "0"},
          {"--footprint-blob", "1KiB"},
          {"--footprint", "only", "--cluster", "only"}
        }) {
      assertThat(new CommandLine(new BenchCommand()).execute(args))
          .as(String.join(" ", args))
          .isEqualTo(2);
    }
  }
}
