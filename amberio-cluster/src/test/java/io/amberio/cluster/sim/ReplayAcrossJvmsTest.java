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
package io.amberio.cluster.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seed replays in another JVM, the way a user replays a failing seed from its printed command.
 * Running it twice in one JVM cannot show this: {@code Map.copyOf} and {@code Set.of} iterate in an
 * order salted per JVM, and a node that sent one message per peer in that order ran another
 * schedule in every JVM (two replays of seed 7 with topology changes parted ways after 12.7 s of
 * simulated time, and a failing seed could not be reproduced).
 */
class ReplayAcrossJvmsTest {

  private static final long SEED = 7;

  /** Runs one seed with topology changes and prints its events and history, for the test. */
  public static void main(String[] args) {
    System.out.print(transcript(Path.of(args[0])));
  }

  private static String transcript(Path dir) {
    try (Simulation sim =
        Simulation.builder(SEED).directory(dir).operations(600).topologyChanges(2).build()) {
      Simulation.Result r = sim.run();
      return "events:\n" + String.join("\n", r.events()) + "\nhistory:\n" + r.history() + "\n";
    }
  }

  @Test
  void aSeedWithTopologyChangesRunsTheSameScheduleInAnotherJvm(@TempDir Path dir)
      throws IOException, InterruptedException {
    String here = transcript(Files.createDirectory(dir.resolve("here")));
    assertThat(here).contains("(topology version");

    Path out = dir.resolve("there.txt");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=error");
    cmd.add(ReplayAcrossJvmsTest.class.getName());
    cmd.add(Files.createDirectory(dir.resolve("there")).toString());
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the other JVM finished").isTrue();
    assertThat(p.exitValue()).isZero();
    String there = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(there).isEqualTo(here);
  }
}
