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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Same seed and same tasks give the same run. The workload: simulated nodes that exchange messages
 * with random delays drawn from the scheduler's random source, many of them due at the same instant
 * (delays are whole milliseconds from a small range), fanning out and cancelling timeouts. The
 * trace records every task with its simulated time.
 */
class SimSchedulerDeterminismTest {

  static List<String> run(SimScheduler s) {
    List<String> trace = new ArrayList<>();
    Random random = s.random();
    int nodes = 5;
    for (int n = 0; n < nodes; n++) {
      int node = n;
      s.execute(() -> send(s, random, trace, node, (node + 1) % nodes, 0));
    }
    s.runFor(Duration.ofSeconds(2));
    trace.add("end at " + s.now() + " with " + s.pending() + " pending, " + s.executed() + " run");
    return trace;
  }

  private static void send(
      SimScheduler s, Random random, List<String> trace, int from, int to, int hop) {
    if (hop >= 40) {
      return;
    }
    var timeout =
        s.schedule(
            Duration.ofMillis(20),
            () -> trace.add(s.elapsed().toMillis() + " timeout " + from + "->" + to));
    s.schedule(
        Duration.ofMillis(random.nextInt(5)),
        () -> {
          trace.add(s.elapsed().toMillis() + " deliver " + from + "->" + to + " hop " + hop);
          if (random.nextInt(4) > 0) {
            timeout.cancel();
          }
          send(s, random, trace, to, random.nextInt(5), hop + 1);
          if (random.nextInt(10) == 0) {
            s.execute(() -> trace.add(s.elapsed().toMillis() + " side task at " + to));
          }
        });
  }

  @Property(tries = 30)
  void sameSeedSameRun(@ForAll long seed, @ForAll boolean shuffle) {
    List<String> first = run(SimScheduler.builder(seed).shuffleSameTime(shuffle).build());
    List<String> second = run(SimScheduler.builder(seed).shuffleSameTime(shuffle).build());
    assertThat(second).isEqualTo(first);
    assertThat(first.size()).isGreaterThan(100);
  }

  @Test
  void anotherSeedGivesAnotherRun() {
    assertThat(run(SimScheduler.create(1))).isNotEqualTo(run(SimScheduler.create(2)));
  }

  @Test
  void shufflingReordersSameTimeTasksBySeedOnly() {
    List<List<Integer>> orders = new ArrayList<>();
    for (long seed = 1; seed <= 3; seed++) {
      for (int repeat = 0; repeat < 2; repeat++) {
        SimScheduler s = SimScheduler.builder(seed).shuffleSameTime(true).build();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          int n = i;
          s.schedule(Duration.ofMillis(5), () -> order.add(n));
        }
        s.runUntilIdle();
        orders.add(order);
      }
    }
    List<Integer> fifo = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      fifo.add(i);
    }
    assertThat(orders.get(0))
        .isEqualTo(orders.get(1))
        .containsExactlyInAnyOrderElementsOf(fifo)
        .isNotEqualTo(fifo);
    assertThat(orders.get(2)).isEqualTo(orders.get(3)).isNotEqualTo(orders.get(0));
    assertThat(orders.get(4))
        .isEqualTo(orders.get(5))
        .isNotEqualTo(orders.get(0))
        .isNotEqualTo(orders.get(2));
  }

  @Test
  void withoutShufflingSameTimeTasksRunInSubmissionOrder() {
    SimScheduler s = SimScheduler.create(99);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int n = i;
      s.schedule(Duration.ofMillis(5), () -> order.add(n));
    }
    s.runUntilIdle();
    assertThat(order).isSorted().hasSize(20);
  }
}
