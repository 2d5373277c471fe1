package io.amberio.cluster.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.cluster.internal.PlantedBug;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Plants one deliberate protocol bug at a time ({@link PlantedBug}, given to the nodes at construction) and
 * runs fault schedules until one fails: the simulation and its checker must catch every bug within a
 * bounded number of seeds.
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
    System.out.printf("bug %s caught after %d seeds: %s%n", bug, seeds,
        found.isEmpty() ? "-" : found.get(0).substring(0, Math.min(300, found.get(0).length())));
    assertThat(found).as("the simulation did not catch bug %s in %d seeds", bug, MAX_SEEDS).isNotEmpty();
  }
}
