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

import io.amberio.cluster.sim.CheckResult.PathResult;
import io.amberio.cluster.sim.CheckResult.Verdict;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Long histories, the size a simulation run produces: 1000 operations over four paths, each
 * overlapping up to four neighbours on either side, one in ten with an unknown outcome. Valid ones
 * must be accepted with a witness, corrupted ones decided (not inconclusive) within the default
 * budget. Seeded, so every run checks the same histories; about a second in all.
 */
class LongHistoriesTest {

  private static final LinearizabilityChecker CHECKER = LinearizabilityChecker.create();

  @Test
  void longHistoriesAreDecidedWithinTheDefaultBudget() {
    int caught = 0;
    int corrupted = 0;
    for (long seed = 1; seed <= 20; seed++) {
      Random random = new Random(seed);
      History history = Histories.build(Histories.random(random, 1000, 4, 4));
      CheckResult valid = CHECKER.check(history);
      assertThat(valid.verdict())
          .as("seed %d: %s", seed, valid.explanation())
          .isEqualTo(Verdict.LINEARIZABLE);
      for (PathResult p : valid.paths()) {
        assertThat(
                BruteForceChecker.witnessProblems(
                    history.byPath().get(p.path()), p.linearization()))
            .isEmpty();
      }
      Histories.Mutation m = Histories.mutate(history, random.nextInt(1000), random.nextInt(10));
      CheckResult r = CHECKER.check(m.history());
      assertThat(r.verdict())
          .as("seed %d, corrupted %s", seed, m.mutated())
          .isNotEqualTo(Verdict.INCONCLUSIVE);
      corrupted++;
      if (r.verdict() == Verdict.NOT_LINEARIZABLE) {
        caught++;
      } else {
        List<Operation> path = m.history().byPath().get(m.mutated().path());
        PathResult accepted =
            r.paths().stream()
                .filter(p -> p.path().equals(m.mutated().path()))
                .findFirst()
                .orElseThrow();
        assertThat(BruteForceChecker.witnessProblems(path, accepted.linearization())).isEmpty();
      }
    }
    assertThat(caught).as("corruptions caught of %d", corrupted).isGreaterThanOrEqualTo(16);
  }
}
