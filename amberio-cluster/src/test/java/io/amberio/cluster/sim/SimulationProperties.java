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

import io.amberio.cluster.internal.PlantedBug;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Whole-cluster simulations with faults: each try is one seed, one fault schedule of 200 operations
 * on a three-node cluster (crashes and restarts, partitions, one-way cuts,
 * dropped/duplicated/delayed messages, registry timeouts). A failure prints its seed and the
 * command that replays it.
 *
 * <p>CI runs {@value #CI_SCHEDULES} schedules; {@code -Pcluster-soak} (or {@code
 * -Damberio.sim.schedules=N}) runs more in {@link #soak()}.
 */
class SimulationProperties {
  static final int CI_SCHEDULES = 1000;
  static final int OPERATIONS = 200;

  /** Schedules with topology changes (adds, removes, replacements, racing operators) in CI. */
  static final int CI_TOPOLOGY_SCHEDULES = 100;

  /** Operations of a schedule with topology changes: long enough for a few changes. */
  static final int TOPOLOGY_OPERATIONS = 600;

  private static final AtomicInteger RUNS = new AtomicInteger();
  private static final AtomicInteger CRASHES = new AtomicInteger();
  private static final AtomicInteger PARTITIONS = new AtomicInteger();
  private static final AtomicInteger TOPOLOGY_CHANGES = new AtomicInteger();

  static Simulation.Result runSeed(long seed) {
    return runSeed(seed, null);
  }

  /** One seed, with {@code bug} planted in every node (none if null). */
  static Simulation.Result runSeed(long seed, PlantedBug bug) {
    return runSeed(seed, bug, 0);
  }

  /** One seed; with {@code spares} above 0, with topology changes and that many spare nodes. */
  static Simulation.Result runSeed(long seed, PlantedBug bug, int spares) {
    Path dir;
    try {
      Files.createDirectories(Path.of("target", "sim"));
      dir = Files.createTempDirectory(Path.of("target", "sim"), "seed-" + seed + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Simulation.Builder b =
        Simulation.builder(seed)
            .directory(dir)
            .operations(spares > 0 ? TOPOLOGY_OPERATIONS : OPERATIONS)
            .topologyChanges(spares);
    if (bug != null) {
      b.plant(bug);
    }
    try (Simulation sim = b.build()) {
      return sim.run();
    } finally {
      delete(dir);
    }
  }

  static void assertOk(Simulation.Result r) {
    RUNS.incrementAndGet();
    CRASHES.addAndGet(r.crashes());
    PARTITIONS.addAndGet(r.partitions());
    assertThat(r.problems())
        .as(
            "seed %d failed; replay with:%n  %s%nevents:%n  %s",
            r.seed(), r.replayCommand(), String.join("\n  ", r.events()))
        .isEmpty();
    assertThat(r.operations()).isGreaterThanOrEqualTo(OPERATIONS);
    TOPOLOGY_CHANGES.addAndGet(
        (int) r.events().stream().filter(e -> e.contains("(topology version")).count());
  }

  @Property(
      tries = CI_SCHEDULES,
      shrinking = ShrinkingMode.OFF,
      afterFailure = AfterFailureMode.RANDOM_SEED)
  void everyFaultScheduleIsLinearizableAndLosesNothing(@ForAll long seed) {
    assertOk(runSeed(seed));
  }

  /**
   * Topology changes under faults: adds, drains and removals, replacements of nodes stopped for
   * good, two operators racing, under the same message, crash, partition and registry faults.
   * Linearizable per path, nothing acknowledged lost, and after healing every slot has its full
   * replication factor on the nodes the final topology names. A failing seed replays in any JVM
   * ({@code ReplayAcrossJvmsTest}); more seeds with {@code -Dtest=SimulationProperties#soak
   * -Damberio.sim.schedules=N -Damberio.sim.spares=2}.
   */
  @Property(
      tries = CI_TOPOLOGY_SCHEDULES,
      shrinking = ShrinkingMode.OFF,
      afterFailure = AfterFailureMode.RANDOM_SEED)
  void topologyChangesUnderFaultsStayLinearizableAndConverge(@ForAll long seed) {
    assertOk(runSeed(seed, null, 2));
  }

  @AfterContainer
  static void report() {
    System.out.printf(
        "simulation: %d schedules of %d operations or more, %d crashes, %d partitions, %d topology"
            + " changes written%n",
        RUNS.get(), OPERATIONS, CRASHES.get(), PARTITIONS.get(), TOPOLOGY_CHANGES.get());
  }

  /** {@code -Damberio.sim.seed=S}: runs one seed again and prints what happened. */
  @Test
  void replay() {
    String seed = System.getProperty("amberio.sim.seed");
    Assumptions.assumeTrue(seed != null, "set -Damberio.sim.seed to replay a seed");
    int spares = Integer.getInteger("amberio.sim.spares", 0);
    Simulation.Result r = runSeed(Long.parseLong(seed), null, spares);
    System.out.println(r);
    r.events().forEach(e -> System.out.println("  " + e));
    System.out.println(r.history());
    assertOk(r);
  }

  /** {@code -Damberio.sim.schedules=N}: N more seeds, from {@code amberio.sim.from} (default 1). */
  @Test
  void soak() {
    String n = System.getProperty("amberio.sim.schedules");
    Assumptions.assumeTrue(n != null, "set -Damberio.sim.schedules for a long run");
    long from = Long.getLong("amberio.sim.from", 1L);
    int spares = Integer.getInteger("amberio.sim.spares", 0);
    for (long s = from; s < from + Long.parseLong(n); s++) {
      assertOk(runSeed(s, null, spares));
    }
  }

  static void delete(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Left under target/.
    }
  }
}
