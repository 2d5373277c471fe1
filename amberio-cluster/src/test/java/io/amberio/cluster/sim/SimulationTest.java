package io.amberio.cluster.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulationTest {

  @Test
  void faultFreeRunIsLinearizable(@TempDir Path dir) {
    try (Simulation sim = Simulation.builder(7).directory(dir).operations(100).messageFaults(false).nodeFaults(false)
        .registryFaults(false).build()) {
      Simulation.Result r = sim.run();
      assertThat(r.problems()).as(r.toString()).isEmpty();
      assertThat(r.history().size()).isGreaterThan(50);
    }
  }

  @Test
  void sameSeedSameHistory(@TempDir Path a, @TempDir Path b) {
    Simulation.Result one;
    Simulation.Result two;
    try (Simulation sim = Simulation.builder(42).directory(a).operations(200).build()) {
      one = sim.run();
    }
    try (Simulation sim = Simulation.builder(42).directory(b).operations(200).build()) {
      two = sim.run();
    }
    assertThat(two.events()).isEqualTo(one.events());
    assertThat(two.history().toString()).isEqualTo(one.history().toString());
    assertThat(one.history().size()).isGreaterThan(100);
  }

  @Test
  void differentSeedsDiffer(@TempDir Path a, @TempDir Path b) {
    Simulation.Result one;
    Simulation.Result two;
    try (Simulation sim = Simulation.builder(1).directory(a).operations(100).build()) {
      one = sim.run();
    }
    try (Simulation sim = Simulation.builder(2).directory(b).operations(100).build()) {
      two = sim.run();
    }
    assertThat(two.history().toString()).isNotEqualTo(one.history().toString());
  }
}
