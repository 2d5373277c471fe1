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

import io.amberio.cluster.sim.CheckResult.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class HistoryRecorderTest {

  static long nanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  @Test
  void timestampsComeFromTheSchedulersClock() {
    SimScheduler s = SimScheduler.create(1);
    HistoryRecorder rec = new HistoryRecorder(s.clock());
    HistoryRecorder.Pending p = rec.invoke("c1", "k", Call.put("a"));
    s.schedule(Duration.ofMillis(5), () -> p.complete(Outcome.written(1)));
    s.runUntilIdle();
    Operation op = rec.history().operations().get(0);
    assertThat(op.invoke()).isEqualTo(nanos(SimScheduler.DEFAULT_START));
    assertThat(op.response()).isEqualTo(nanos(SimScheduler.DEFAULT_START.plusMillis(5)));
    assertThat(op.id()).isEqualTo(p.id()).isEqualTo(1);
  }

  @Test
  void eventsAtTheSameInstantKeepTheirOrder() {
    ManualClock clock = new ManualClock();
    HistoryRecorder rec = new HistoryRecorder(clock);
    HistoryRecorder.Pending put = rec.invoke("c1", "k", Call.put("a"));
    put.complete(Outcome.written(1));
    HistoryRecorder.Pending get =
        rec.invoke("c2", "k", Call.get()); // same instant, but after the put ended
    get.complete(Outcome.notFound());
    List<Operation> ops = rec.history().operations();
    assertThat(ops.get(0).precedes(ops.get(1))).isTrue();
    assertThat(ops.get(1).invoke()).isEqualTo(ops.get(0).response() + 1);
    // so the stale read is caught although the clock never moved
    assertThat(LinearizabilityChecker.create().check(rec.history()).verdict())
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void runningOperationsAreUnknownAndAbandonedOnesAreLeftOut() {
    HistoryRecorder rec = new HistoryRecorder(new ManualClock());
    HistoryRecorder.Pending a = rec.invoke("c1", "k", Call.put("a"));
    HistoryRecorder.Pending b = rec.invoke("c2", "k", Call.put("b"));
    HistoryRecorder.Pending c = rec.invoke("c3", "k", Call.delete());
    assertThat(rec.running()).isEqualTo(3);
    b.noEffect();
    c.unknown();
    History h = rec.history();
    assertThat(h.operations()).extracting(Operation::id).containsExactly(a.id(), c.id());
    assertThat(h.operations())
        .allMatch(o -> o.outcome() instanceof Outcome.Unknown && !o.completed());
    a.complete(Outcome.written(1));
    assertThat(rec.history().operations().get(0).outcome()).isEqualTo(Outcome.written(1));
    assertThat(rec.running()).isZero();
  }

  @Test
  void anOperationCompletesOnceWithAnOutcomeItsCallAllows() {
    HistoryRecorder rec = new HistoryRecorder(new ManualClock());
    HistoryRecorder.Pending p = rec.invoke("c1", "k", Call.get());
    assertThatThrownBy(() -> p.complete(Outcome.written(1)))
        .isInstanceOf(IllegalArgumentException.class);
    p.complete(Outcome.notFound());
    assertThatThrownBy(() -> p.complete(Outcome.notFound()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already completed");
    assertThatThrownBy(p::noEffect).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void threadsRecordConcurrently() throws Exception {
    HistoryRecorder rec = new HistoryRecorder(InstantSource.system());
    int threads = 8;
    int perThread = 500;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String client = "c" + t;
      Thread w =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < perThread; i++) {
                  rec.invoke(client, "k" + (i % 3), Call.get()).complete(Outcome.notFound());
                }
              });
      w.start();
      workers.add(w);
    }
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    History h = rec.history();
    assertThat(h.size()).isEqualTo(threads * perThread);
    Set<Long> times = new HashSet<>();
    Map<String, Long> lastResponse = new HashMap<>();
    for (Operation o : h.operations()) {
      assertThat(times.add(o.invoke())).as("invoke times are unique").isTrue();
      assertThat(times.add(o.response())).as("response times are unique").isTrue();
      Long last = lastResponse.put(o.client(), o.response());
      if (last != null) {
        assertThat(last).as("a client's operations are sequential").isLessThan(o.invoke());
      }
    }
  }

  // ----- end to end: a simulated store, clients on the simulated scheduler, the recorder and the
  // checker

  /**
   * A toy store on the simulator: each request takes effect after a random delay and its answer
   * arrives after another; requests and answers may be lost (the client times out: outcome
   * unknown). With {@code staleReplica}, reads are served half the time from a copy that lags
   * writes by 30 ms: the bug the checker must find.
   */
  static final class ToyStore {
    final SimScheduler s;
    final boolean staleReplica;
    final Map<String, ReferenceRegister> primary = new HashMap<>();
    final Map<String, ReferenceRegister> lagging = new HashMap<>();

    ToyStore(SimScheduler s, boolean staleReplica) {
      this.s = s;
      this.staleReplica = staleReplica;
    }

    void call(String path, Call call, Consumer<Outcome> reply) {
      Random r = s.random();
      if (r.nextInt(20) == 0) {
        return; // request lost
      }
      s.schedule(
          Duration.ofMillis(r.nextInt(10)),
          () -> {
            Outcome out;
            if (staleReplica && call instanceof Call.Get && r.nextBoolean()) {
              out = lagging.computeIfAbsent(path, p -> new ReferenceRegister()).copy().apply(call);
            } else {
              out = primary.computeIfAbsent(path, p -> new ReferenceRegister()).apply(call);
              if (!(call instanceof Call.Get)) {
                s.schedule(
                    Duration.ofMillis(30),
                    () -> lagging.computeIfAbsent(path, p -> new ReferenceRegister()).apply(call));
              }
            }
            if (r.nextInt(20) > 0) {
              s.schedule(Duration.ofMillis(r.nextInt(10)), () -> reply.accept(out));
            } // else the answer is lost
          });
    }
  }

  static History workload(long seed, boolean staleReplica) {
    SimScheduler s = SimScheduler.builder(seed).shuffleSameTime(true).build();
    HistoryRecorder rec = new HistoryRecorder(s.clock());
    ToyStore store = new ToyStore(s, staleReplica);
    for (int c = 0; c < 4; c++) {
      String client = "c" + c;
      s.execute(() -> clientLoop(s, rec, store, client, 40));
    }
    s.runUntilIdle();
    return rec.history();
  }

  private static void clientLoop(
      SimScheduler s, HistoryRecorder rec, ToyStore store, String client, int left) {
    if (left == 0) {
      return;
    }
    Random r = s.random();
    String path = "p" + r.nextInt(2);
    Call call;
    int k = r.nextInt(10);
    if (k < 4) {
      call = Call.put(client + "-" + left);
    } else if (k < 8) {
      call = Call.get();
    } else if (k == 8) {
      call = Call.delete();
    } else {
      call = Call.putIf(1 + r.nextInt(5), client + "-" + left);
    }
    HistoryRecorder.Pending p = rec.invoke(client, path, call);
    boolean[] done = {false};
    var timeout =
        s.schedule(
            Duration.ofMillis(50),
            () -> {
              done[0] = true;
              p.unknown();
              clientLoop(s, rec, store, client, left - 1);
            });
    store.call(
        path,
        call,
        out -> {
          if (!done[0]) {
            done[0] = true;
            timeout.cancel();
            p.complete(out);
            clientLoop(s, rec, store, client, left - 1);
          }
        });
  }

  @Test
  void aCorrectSimulatedStoreIsLinearizable() {
    for (long seed = 1; seed <= 20; seed++) {
      History h = workload(seed, false);
      assertThat(h.size()).isEqualTo(160);
      CheckResult r = LinearizabilityChecker.create().check(h);
      assertThat(r.verdict())
          .as("seed %d: %s", seed, r.explanation())
          .isEqualTo(Verdict.LINEARIZABLE);
    }
  }

  @Test
  void aStoreWithAStaleReplicaIsCaught() {
    for (long seed = 1; seed <= 20; seed++) {
      CheckResult r = LinearizabilityChecker.create().check(workload(seed, true));
      assertThat(r.verdict()).as("seed %d", seed).isEqualTo(Verdict.NOT_LINEARIZABLE);
      assertThat(r.violations())
          .isNotEmpty()
          .allSatisfy(v -> assertThat(v.culprits()).isNotEmpty());
    }
  }

  @Test
  void theSameSeedRecordsTheSameHistory() {
    assertThat(workload(5, true).operations()).isEqualTo(workload(5, true).operations());
  }
}
