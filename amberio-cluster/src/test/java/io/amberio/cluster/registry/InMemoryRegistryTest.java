package io.amberio.cluster.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.cluster.registry.RegistryException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract, bound to {@link InMemoryRegistry} on a manual clock (watch deliveries on one real
 * thread), plus what only the in-memory registry promises: exact expiry instants, revision numbering,
 * bounded history and determinism.
 */
class InMemoryRegistryTest extends RegistryContract {
  private static ExecutorService deliveries;
  private final ManualTimeScheduler scheduler = new ManualTimeScheduler(deliveries);

  @BeforeAll
  static void startDeliveries() {
    deliveries = Executors.newSingleThreadExecutor(r -> new Thread(r, "registry-scheduler"));
  }

  @AfterAll
  static void stopDeliveries() {
    deliveries.shutdownNow();
  }

  @Override
  protected Registry newRegistry() {
    return new InMemoryRegistry(scheduler);
  }

  @Override
  protected void elapse(Duration d) {
    scheduler.advance(d);
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
    await(registry.delete("absent", DeleteOptions.unconditionally())); // deletes nothing: no revision
    await(registry.leases().keepAlive(lease.id()));
    assertThat(r.revision()).isEqualTo(2);
    createBound("b", lease);
    createBound("c", lease);
    await(registry.leases().revoke(lease.id())); // two keys, one revision
    assertThat(r.revision()).isEqualTo(5);
  }

  @Test
  void theExpiryTimerFollowsTheEarliestDeadline() {
    assertThat(scheduler.pendingTimers()).isZero();
    Lease lease = grant();
    assertThat(scheduler.pendingTimers()).isEqualTo(1);
    await(registry.leases().revoke(lease.id()));
    assertThat(scheduler.pendingTimers()).as("no lease, no timer").isZero();
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
    create("t/1", "v");
    rec.next();
    synchronized (rec.threads) {
      assertThat(rec.threads).containsOnly("registry-scheduler");
    }
  }

  @Test
  void theSameCallsOnADeterministicSchedulerGiveTheSameRun() {
    assertThat(scriptedRun()).isEqualTo(scriptedRun()).isNotEmpty();
  }

  /** A run with leases, expiry, watches and concurrency-free steps; returns everything observed. */
  private List<String> scriptedRun() {
    ManualTimeScheduler.QueueExecutor queue = new ManualTimeScheduler.QueueExecutor();
    ManualTimeScheduler sim = new ManualTimeScheduler(queue);
    InMemoryRegistry r = new InMemoryRegistry(sim);
    List<String> log = new ArrayList<>();
    WatchListener listener = new WatchListener() {
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
    queue.runAll();
    sim.advance(Duration.ofSeconds(2));
    r.leases().keepAlive(l2).join();
    sim.advance(Duration.ofSeconds(2)); // l1 expires by the timer, l2 lives
    queue.runAll();
    log.add("list " + r.list("m/", ListOptions.firstPage()).join());
    sim.advance(Duration.ofSeconds(5));
    queue.runAll();
    log.add("revision " + r.revision());
    r.close();
    queue.runAll();
    return log;
  }
}
