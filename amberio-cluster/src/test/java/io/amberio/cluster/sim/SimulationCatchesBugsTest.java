package io.amberio.cluster.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.cluster.internal.Bugs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Switches on one deliberate protocol bug at a time ({@link Bugs}) and runs fault schedules until one
 * fails: the simulation and its checker must catch every bug within a bounded number of seeds.
 */
class SimulationCatchesBugsTest {
  private static final int MAX_SEEDS = 150;

  @AfterEach
  void off() {
    System.clearProperty("amberio.cluster.bug");
  }

  @ParameterizedTest
  @ValueSource(strings = {Bugs.SKIP_READ_WAIT, Bugs.SERVE_WITHOUT_LEASE})
  void everyInjectedBugIsCaught(String bug) {
    System.setProperty("amberio.cluster.bug", bug);
    List<String> found = new ArrayList<>();
    int seeds = 0;
    for (long seed = 1; seed <= MAX_SEEDS && found.isEmpty(); seed++) {
      seeds++;
      Simulation.Result r = SimulationProperties.runSeed(seed);
      if (!r.ok()) {
        found.add("seed " + seed + ": " + r.problems().get(0));
      }
    }
    System.out.printf("bug %s caught after %d seeds: %s%n", bug, seeds,
        found.isEmpty() ? "-" : found.get(0).substring(0, Math.min(300, found.get(0).length())));
    assertThat(found).as("the simulation did not catch bug %s in %d seeds", bug, MAX_SEEDS).isNotEmpty();
  }
}
