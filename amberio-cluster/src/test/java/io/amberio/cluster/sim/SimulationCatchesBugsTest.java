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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Plants one deliberate protocol bug at a time ({@link PlantedBug}, given to the nodes at
 * construction) and runs fault schedules until one fails: the simulation and its checker must catch
 * every bug within a bounded number of seeds.
 */
class SimulationCatchesBugsTest {
  private static final int MAX_SEEDS = 150;

  @ParameterizedTest
  @EnumSource(PlantedBug.class)
  void everyInjectedBugIsCaught(PlantedBug bug) {
    List<String> found = new ArrayList<>();
    int seeds = 0;
    for (long seed = 1; seed <= MAX_SEEDS && found.isEmpty(); seed++) {
      seeds++;
      Simulation.Result r = SimulationProperties.runSeed(seed, bug);
      if (!r.ok()) {
        found.add("seed " + seed + ": " + r.problems().get(0));
      }
    }
    System.out.printf(
        "bug %s caught after %d seeds: %s%n",
        bug,
        seeds,
        found.isEmpty() ? "-" : found.get(0).substring(0, Math.min(300, found.get(0).length())));
    assertThat(found)
        .as("the simulation did not catch bug %s in %d seeds", bug, MAX_SEEDS)
        .isNotEmpty();
  }
}
