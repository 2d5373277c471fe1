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
package io.amberio.cluster.registry.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.DeleteOptions;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.registry.Lease;
import io.amberio.cluster.registry.ListOptions;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.RegistryException;
import io.amberio.cluster.registry.RegistryException.Reason;
import io.amberio.cluster.registry.WatchEvent;
import io.amberio.cluster.registry.WatchListener;
import io.amberio.cluster.registry.WatchOptions;
import io.amberio.cluster.sim.SimScheduler;
import io.amberio.cluster.testkit.RegistryContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The contract, bound to {@link InMemoryRegistry} on simulated time (a {@link SimScheduler} that
 * the test thread drives whenever it waits), plus what only the in-memory registry promises: exact
 * expiry instants, revision numbering, bounded history and determinism.
 */
class InMemoryRegistryTest extends RegistryContract {
  private final SimScheduler scheduler = SimScheduler.create(1);

  @Override
  protected Registry newRegistry() {
    return new InMemoryRegistry(scheduler);
  }

  @Override
  protected void elapse(Duration d) {
    scheduler.runFor(d);
  }

  /** Runs what is due now (watch deliveries), without moving the clock. */
  private void deliver() {
    scheduler.runFor(Duration.ZERO);
  }

  @Override
  protected <T> T await(CompletableFuture<T> f) {
    deliver();
    return super.await(f);
  }

  @Override
  protected RegistryException failure(CompletableFuture<?> f) {
    deliver();
    return super.failure(f);
  }

  @Override
  protected void eventually(String what, BooleanSupplier condition) {
    deliver();
    super.eventually(what, condition);
  }

  @Override
  protected Duration leaseTtl() {
    return Duration.ofSeconds(10);
  }

  @Override
  protected Duration patience() {
    return Duration.ofSeconds(5);
  }

  @Test
  void aLeaseExpiresExactlyAtItsDeadline() {
    Lease lease = grant();
    createBound("k", lease);
    elapse(leaseTtl().minusMillis(1));
    assertThat(present("k")).isTrue();
    elapse(Duration.ofMillis(1));
    assertThat(present("k")).isFalse();
  }

  @Test
  void keepAliveRestartsTheTtlFromNow() {
    Lease lease = grant();
    createBound("k", lease);
    elapse(Duration.ofSeconds(7));
    await(registry.leases().keepAlive(lease.id()));
    elapse(Duration.ofSeconds(9));
    assertThat(present("k")).isTrue();
    elapse(Duration.ofSeconds(1));
    assertThat(present("k")).isFalse();
  }

  @Test
  void revisionsStartAtOneAndOnlyChangesTakeOne() {
    InMemoryRegistry r = (InMemoryRegistry) registry;
    assertThat(r.revision()).isEqualTo(1);
    KeyValue a = create("a", "1");
    assertThat(a.modRevision()).isEqualTo(2);
    Lease lease = grant();
    await(registry.compareAndSet("a", b("x"), CasOptions.ifAbsent())); // fails: no revision
    await(
        registry.delete("absent", DeleteOptions.unconditionally())); // deletes nothing: no revision
    await(registry.leases().keepAlive(lease.id()));
    assertThat(r.revision()).isEqualTo(2);
    createBound("b", lease);
    createBound("c", lease);
    await(registry.leases().revoke(lease.id())); // two keys, one revision
    assertThat(r.revision()).isEqualTo(5);
  }

  @Test
  void theExpiryTimerFollowsTheEarliestDeadline() {
    assertThat(scheduler.pending()).isZero();
    Lease lease = grant();
    assertThat(scheduler.pending()).isEqualTo(1);
    await(registry.leases().revoke(lease.id()));
    assertThat(scheduler.pending()).as("no lease, no timer").isZero();
  }

  @Test
  void aWatchFromARevisionNoLongerKeptEndsWithCompacted() {
    Registry small = new InMemoryRegistry(scheduler, 3);
    try {
      KeyValue first = create(small, "k/1", "v");
      for (int i = 2; i <= 5; i++) {
        create(small, "k/" + i, "v");
      }
      Recorder old = new Recorder();
      await(small.watch("k/", WatchOptions.fromRevision(first.modRevision()), old));
      assertThat(old.nextError().reason()).isEqualTo(Reason.COMPACTED);

      Recorder recent = new Recorder();
      long keptFrom = first.modRevision() + 2; // the last three of five changes are kept
      await(small.watch("k/", WatchOptions.fromRevision(keptFrom), recent));
      assertThat(List.of(recent.next().key(), recent.next().key(), recent.next().key()))
          .containsExactly("k/3", "k/4", "k/5");
      assertThat(recent.errors).isEmpty();
    } finally {
      small.close();
    }
  }

  @Test
  void listenersRunOnTheSchedulerNotOnTheCallersThread() {
    Recorder rec = new Recorder();
    await(registry.watch("t/", WatchOptions.fromNow(), rec));
    registry.compareAndSet("t/1", b("v"), CasOptions.ifAbsent()).join();
    assertThat(rec.events).as("nothing is delivered inside the caller's call").isEmpty();
    assertThat(scheduler.pending()).as("the delivery waits on the scheduler").isPositive();
    long before = scheduler.executed();
    assertThat(rec.next().key()).isEqualTo("t/1");
    assertThat(scheduler.executed()).as("delivered by a scheduler task").isGreaterThan(before);
  }

  @Test
  void theSameCallsOnADeterministicSchedulerGiveTheSameRun() {
    assertThat(scriptedRun()).isEqualTo(scriptedRun()).isNotEmpty();
  }

  /** A run with leases, expiry, watches and concurrency-free steps; returns everything observed. */
  private List<String> scriptedRun() {
    SimScheduler sim = SimScheduler.create(7);
    InMemoryRegistry r = new InMemoryRegistry(sim);
    List<String> log = new ArrayList<>();
    WatchListener listener =
        new WatchListener() {
          @Override
          public void onEvent(WatchEvent event) {
            log.add("event " + event);
          }

          @Override
          public void onError(RegistryException error) {
            log.add("error " + error.reason());
          }
        };
    r.watch("m/", WatchOptions.fromNow(), listener).join();
    long l1 = r.leases().grant(Duration.ofSeconds(3)).join().id();
    long l2 = r.leases().grant(Duration.ofSeconds(3)).join().id();
    for (String k : List.of("m/z", "m/b", "m/q")) {
      log.add("cas " + r.compareAndSet(k, b(k), CasOptions.ifAbsent().withLease(l1)).join());
    }
    log.add("cas " + r.compareAndSet("m/a", b("a"), CasOptions.ifAbsent().withLease(l2)).join());
    sim.runFor(Duration.ZERO);
    sim.runFor(Duration.ofSeconds(2));
    r.leases().keepAlive(l2).join();
    sim.runFor(Duration.ofSeconds(2)); // l1 expires by the timer, l2 lives
    log.add("list " + r.list("m/", ListOptions.firstPage()).join());
    sim.runFor(Duration.ofSeconds(5));
    log.add("revision " + r.revision());
    r.close();
    sim.runUntilIdle();
    return log;
  }
}
