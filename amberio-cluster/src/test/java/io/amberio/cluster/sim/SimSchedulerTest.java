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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amberio.core.Scheduler.Cancellable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SimSchedulerTest {

  static final Instant T0 = SimScheduler.DEFAULT_START;

  @Test
  void executeRunsInSubmissionOrderAtTheCurrentTime() {
    SimScheduler s = SimScheduler.create(1);
    List<String> trace = new ArrayList<>();
    s.execute(() -> trace.add("a@" + s.elapsed().toMillis()));
    s.execute(
        () -> {
          trace.add("b@" + s.elapsed().toMillis());
          s.execute(() -> trace.add("d@" + s.elapsed().toMillis())); // after c: c was queued first
        });
    s.execute(() -> trace.add("c@" + s.elapsed().toMillis()));
    assertThat(s.pending()).isEqualTo(3);
    assertThat(s.runUntilIdle()).isEqualTo(4);
    assertThat(trace).containsExactly("a@0", "b@0", "c@0", "d@0");
    assertThat(s.now()).isEqualTo(T0);
    assertThat(s.executed()).isEqualTo(4);
  }

  @Test
  void scheduledTasksRunInTimeOrderAndMoveTheClock() {
    SimScheduler s = SimScheduler.create(1);
    List<String> trace = new ArrayList<>();
    s.schedule(Duration.ofSeconds(3), () -> trace.add("3s at " + s.clock().instant()));
    s.schedule(Duration.ofSeconds(1), () -> trace.add("1s at " + s.clock().instant()));
    s.schedule(Duration.ofSeconds(1), () -> trace.add("1s' at " + s.clock().instant()));
    s.schedule(Duration.ofSeconds(-5), () -> trace.add("now at " + s.clock().instant()));
    assertThat(s.clock().instant()).isEqualTo(T0);
    assertThat(s.step()).isTrue();
    assertThat(s.now()).isEqualTo(T0);
    s.runUntilIdle();
    assertThat(trace)
        .containsExactly(
            "now at " + T0,
            "1s at " + T0.plusSeconds(1),
            "1s' at " + T0.plusSeconds(1),
            "3s at " + T0.plusSeconds(3));
    assertThat(s.step()).isFalse();
    assertThat(s.now()).isEqualTo(T0.plusSeconds(3));
  }

  @Test
  void theClockOnlyMovesWhenTheSchedulerAdvances() {
    SimScheduler s = SimScheduler.builder(1).start(Instant.parse("2001-02-03T04:05:06Z")).build();
    Instant before = s.clock().instant();
    s.schedule(Duration.ofMillis(10), () -> {});
    assertThat(s.clock().instant()).isEqualTo(before);
    assertThat(s.clock().millis()).isEqualTo(before.toEpochMilli());
    assertThat(s.runFor(Duration.ofMillis(4))).isZero();
    assertThat(s.clock().instant()).isEqualTo(before.plusMillis(4));
    assertThat(s.runFor(Duration.ofMillis(6))).isEqualTo(1); // due exactly at the end: runs
    assertThat(s.clock().instant()).isEqualTo(before.plusMillis(10));
    assertThat(s.runFor(Duration.ofMinutes(1))).isZero(); // idle, time still passes
    assertThat(s.elapsed()).isEqualTo(Duration.ofMillis(10).plusMinutes(1));
  }

  @Test
  void runForLeavesLaterTasksQueued() {
    SimScheduler s = SimScheduler.create(1);
    List<Integer> ran = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      int n = i;
      s.schedule(Duration.ofSeconds(i), () -> ran.add(n));
    }
    s.runFor(Duration.ofMillis(2500));
    assertThat(ran).containsExactly(1, 2);
    assertThat(s.pending()).isEqualTo(3);
    assertThat(s.elapsed()).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void cancelledTasksDoNotRun() {
    SimScheduler s = SimScheduler.create(1);
    List<String> ran = new ArrayList<>();
    Cancellable a = s.schedule(Duration.ofSeconds(1), () -> ran.add("a"));
    Cancellable b = s.schedule(Duration.ofSeconds(2), () -> ran.add("b"));
    assertThat(a.cancel()).isTrue();
    assertThat(a.cancel()).isFalse();
    assertThat(s.pending()).isEqualTo(1);
    s.runUntilIdle();
    assertThat(ran).containsExactly("b");
    assertThat(b.cancel()).isFalse(); // already ran
    assertThat(s.pending()).isZero();
  }

  @Test
  void aTaskCanCancelAnother() {
    SimScheduler s = SimScheduler.create(1);
    List<String> ran = new ArrayList<>();
    Cancellable timeout = s.schedule(Duration.ofSeconds(5), () -> ran.add("timeout"));
    s.schedule(
        Duration.ofSeconds(1), () -> ran.add("reply, timeout cancelled: " + timeout.cancel()));
    s.runUntilIdle();
    assertThat(ran).containsExactly("reply, timeout cancelled: true");
  }

  @Test
  void runUntilStopsWhenTheConditionHolds() {
    SimScheduler s = SimScheduler.create(1);
    List<Integer> ran = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      int n = i;
      s.schedule(Duration.ofSeconds(i), () -> ran.add(n));
    }
    assertThat(s.runUntil(() -> ran.size() == 3, Duration.ofMinutes(1))).isTrue();
    assertThat(ran).containsExactly(1, 2, 3);
    assertThat(s.elapsed()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void runUntilGivesUpAtTheLimit() {
    SimScheduler s = SimScheduler.create(1);
    List<Integer> ran = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      int n = i;
      s.schedule(Duration.ofSeconds(i), () -> ran.add(n));
    }
    assertThat(s.runUntil(() -> ran.contains(99), Duration.ofMillis(4500))).isFalse();
    assertThat(ran).containsExactly(1, 2, 3, 4);
    assertThat(s.elapsed()).isEqualTo(Duration.ofMillis(4500));
  }

  @Test
  void runUntilSeesAConditionOnTimeAtTheLimit() {
    SimScheduler s = SimScheduler.create(1);
    assertThat(s.runUntil(() -> !s.now().isBefore(T0.plusSeconds(2)), Duration.ofSeconds(2)))
        .isTrue();
  }

  @Test
  void joinRunsUntilTheFutureCompletes() {
    SimScheduler s = SimScheduler.create(1);
    CompletableFuture<String> f = new CompletableFuture<>();
    s.schedule(Duration.ofMillis(300), () -> f.complete("done"));
    assertThat(s.join(f, Duration.ofSeconds(1))).isEqualTo("done");
    assertThat(s.elapsed()).isEqualTo(Duration.ofMillis(300));

    CompletableFuture<String> failed = new CompletableFuture<>();
    s.execute(() -> failed.completeExceptionally(new IllegalStateException("boom")));
    assertThatThrownBy(() -> s.join(failed, Duration.ofSeconds(1)))
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);

    CompletableFuture<String> never = new CompletableFuture<>();
    assertThatThrownBy(() -> s.join(never, Duration.ofSeconds(1)))
        .isInstanceOf(SimulationException.class)
        .hasMessageContaining("not done within PT1S")
        .hasMessageContaining("seed 1");
  }

  @Test
  void aTaskThatThrowsFailsTheRunWithTheSeed() {
    SimScheduler s = SimScheduler.create(4242);
    List<String> ran = new ArrayList<>();
    s.schedule(Duration.ofSeconds(1), () -> ran.add("before"));
    s.schedule(
        Duration.ofSeconds(2),
        () -> {
          throw new IllegalArgumentException("bad state");
        });
    s.schedule(Duration.ofSeconds(3), () -> ran.add("after"));
    assertThatThrownBy(s::runUntilIdle)
        .isInstanceOf(SimulationException.class)
        .hasMessageContaining("seed 4242")
        .hasMessageContaining(T0.plusSeconds(2).toString())
        .hasMessageContaining("bad state")
        .hasCauseInstanceOf(IllegalArgumentException.class);
    assertThat(ran).containsExactly("before");
    assertThat(s.failure()).isPresent();
    assertThat(s.failure().get().seed()).isEqualTo(4242);
    assertThat(s.failure().get().simulatedTime()).isEqualTo(T0.plusSeconds(2));
    // the run stays failed
    assertThatThrownBy(s::step).isSameAs(s.failure().get());
    assertThatThrownBy(() -> s.runFor(Duration.ofSeconds(5))).isSameAs(s.failure().get());
    assertThat(ran).containsExactly("before");
  }

  @Test
  void anAssertionErrorInATaskIsRecordedToo() {
    SimScheduler s = SimScheduler.create(7);
    s.execute(
        () -> {
          throw new AssertionError("invariant broken");
        });
    assertThatThrownBy(s::step)
        .isInstanceOf(SimulationException.class)
        .hasCauseInstanceOf(AssertionError.class);
  }

  @Test
  void runUntilIdleRefusesToSpinForeverOnAPeriodicTask() {
    SimScheduler s = SimScheduler.builder(9).taskLimit(1000).build();
    Runnable[] tick = new Runnable[1];
    tick[0] = () -> s.schedule(Duration.ofSeconds(1), tick[0]);
    s.execute(tick[0]);
    assertThatThrownBy(s::runUntilIdle)
        .isInstanceOf(SimulationException.class)
        .hasMessageContaining("not idle after 1000 tasks")
        .hasMessageContaining("seed 9");
  }

  @Test
  void aPeriodicTaskRunsForADuration() {
    SimScheduler s = SimScheduler.create(9);
    int[] ticks = {0};
    Runnable[] tick = new Runnable[1];
    tick[0] =
        () -> {
          ticks[0]++;
          s.schedule(Duration.ofSeconds(1), tick[0]);
        };
    s.execute(tick[0]);
    s.runFor(Duration.ofSeconds(10));
    assertThat(ticks[0]).isEqualTo(11); // at 0, 1, ..., 10
  }

  @Test
  void aTaskMayNotDriveItsOwnScheduler() {
    SimScheduler s = SimScheduler.create(1);
    s.execute(s::step);
    assertThatThrownBy(s::step)
        .isInstanceOf(SimulationException.class)
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasStackTraceContaining("already running");
  }

  @Test
  void submittingFromAnotherThreadWhileRunningFails() throws Exception {
    SimScheduler s = SimScheduler.create(1);
    AtomicReference<Throwable> seen = new AtomicReference<>();
    s.execute(
        () -> {
          Thread t =
              new Thread(
                  () -> {
                    try {
                      s.execute(() -> {});
                    } catch (Throwable e) {
                      seen.set(e);
                    }
                  },
                  "escaped");
          t.start();
          try {
            t.join();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    s.runUntilIdle();
    assertThat(seen.get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'escaped'");
    assertThat(s.pending()).isZero();
  }

  @Test
  void builderOptionsAreCheckedAndSetOnce() {
    assertThatThrownBy(() -> SimScheduler.builder(1).taskLimit(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SimScheduler.builder(1).shuffleSameTime(true).shuffleSameTime(false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set to true");
    assertThatThrownBy(() -> SimScheduler.builder(1).start(T0).start(T0))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> SimScheduler.create(1).runFor(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void randomIsSeeded() {
    SimScheduler a = SimScheduler.create(123);
    SimScheduler b = SimScheduler.create(123);
    for (int i = 0; i < 10; i++) {
      assertThat(a.random().nextLong()).isEqualTo(b.random().nextLong());
    }
    assertThat(SimScheduler.builder(123).shuffleSameTime(true).build().random().nextLong())
        .as("shuffling draws from its own source")
        .isEqualTo(new Random(123).nextLong());
  }

  @Test
  void manualClockMovesOnlyForward() {
    ManualClock c = new ManualClock(T0);
    assertThat(c.instant()).isEqualTo(T0);
    assertThat(c.advance(Duration.ofSeconds(5))).isEqualTo(T0.plusSeconds(5));
    c.set(T0.plusSeconds(7));
    assertThat(c.millis()).isEqualTo(T0.plusSeconds(7).toEpochMilli());
    assertThatThrownBy(() -> c.set(T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not go back");
    assertThatThrownBy(() -> c.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
