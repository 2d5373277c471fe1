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

import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.CasResult;
import io.amberio.cluster.registry.DeleteOptions;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.registry.Lease;
import io.amberio.cluster.registry.Leases;
import io.amberio.cluster.registry.ListOptions;
import io.amberio.cluster.registry.ListResult;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.RegistryException;
import io.amberio.cluster.registry.RegistryException.Reason;
import io.amberio.cluster.registry.Watch;
import io.amberio.cluster.registry.WatchEvent;
import io.amberio.cluster.registry.WatchListener;
import io.amberio.cluster.registry.WatchOptions;
import io.amberio.cluster.registry.internal.Keys;
import io.amberio.cluster.registry.internal.watch.WatchDelivery;
import io.amberio.core.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A {@link Registry} in one process: for tests, single-process clusters, and the simulation
 * harness.
 *
 * <h2>Design</h2>
 *
 * <b>Revisions.</b> Like etcd, the store has one revision counter, starting at 1 for the empty
 * store. Every change takes the next revision: a successful compare-and-set, a delete that removed
 * a key, and the end of a lease that had keys (all its keys are deleted at one revision, in key
 * order). Granting or refreshing a lease, and failed conditions, change nothing and take no
 * revision. A key keeps the revision that created it and the one that last changed it;
 * compare-and-set compares the latter (0 = absent).
 *
 * <p><b>Concurrency.</b> One plain lock guards all state; every operation runs whole under it,
 * which is what makes the registry linearizable, and returns an already completed future. Watch
 * events are queued per watch under the lock (fixing their order) and delivered by {@link
 * WatchDelivery} on the {@link Scheduler} after the lock is released, so listeners never run under
 * the lock or on the caller's thread, and may call back into the registry.
 *
 * <p><b>Leases and time.</b> All time comes from the injected scheduler's clock. A lease expires
 * when the clock reaches its deadline (grant or last keep-alive plus TTL; at the deadline it is
 * already expired). Expiry is detected in two ways: lazily, at the start of every operation, so no
 * operation ever sees a key whose lease has run out; and by one task scheduled on the scheduler for
 * the earliest deadline, so watches see the deletions even when nobody calls. Leases ending
 * together expire in deadline, then id, order.
 *
 * <p><b>History.</b> The last {@code historyLimit} events (and at most {@value #HISTORY_BYTE_LIMIT}
 * bytes of their values) are kept so that a watch can start at a past revision (for example right
 * after a {@link #list list}). A revision is kept whole or not at all; a watch from an older
 * revision ends with {@link Reason#COMPACTED}.
 *
 * <p><b>Determinism.</b> Given a deterministic scheduler, the same calls produce the same
 * revisions, lease ids (1, 2, 3...), results and event order: all state is in sorted maps, nothing
 * depends on hash order, threads or the system clock.
 */
public final class InMemoryRegistry implements Registry {

  /** The number of events kept for watches that start in the past, unless told otherwise. */
  public static final int DEFAULT_HISTORY_LIMIT = 10_000;

  /** The most value bytes the history keeps, whatever its event limit, so memory stays bounded. */
  public static final long HISTORY_BYTE_LIMIT = 64L << 20;

  private static final Comparator<LeaseState> BY_DEADLINE =
      Comparator.comparing((LeaseState l) -> l.deadline).thenComparingLong(l -> l.id);

  private final Scheduler scheduler;
  private final int historyLimit;
  private final Leases leases = new InMemoryLeases();
  private final Object lock = new Object();

  // Everything below is guarded by lock.
  private long revision = 1;
  private final TreeMap<String, KeyValue> data = new TreeMap<>(Keys.ORDER);
  private final TreeMap<Long, LeaseState> leasesById = new TreeMap<>();
  private final TreeSet<LeaseState> leasesByDeadline = new TreeSet<>(BY_DEADLINE);
  private long nextLeaseId = 1;
  private final ArrayDeque<WatchEvent> history = new ArrayDeque<>();
  private long historyBytes;

  /** Events with a revision up to this one were dropped from the history (0: none). */
  private long compactedThrough;

  private final TreeMap<Long, WatchDelivery> watches = new TreeMap<>();
  private long nextWatchId = 1;

  /** Watches that got events during the current operation; kicked after the lock is released. */
  private final List<WatchDelivery> toKick = new ArrayList<>();

  private Scheduler.Cancellable expiryTimer;
  private Instant expiryTimerAt;
  private long expiryTimerGeneration;
  private boolean closed;

  /** A registry on {@code scheduler} keeping {@value #DEFAULT_HISTORY_LIMIT} events of history. */
  public InMemoryRegistry(Scheduler scheduler) {
    this(scheduler, DEFAULT_HISTORY_LIMIT);
  }

  /**
   * A registry on {@code scheduler} keeping {@code historyLimit} events of history for watches that
   * start in the past.
   *
   * @throws IllegalArgumentException if {@code historyLimit} is negative
   */
  public InMemoryRegistry(Scheduler scheduler, int historyLimit) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    if (historyLimit < 0) {
      throw new IllegalArgumentException("history limit must be >= 0, was " + historyLimit);
    }
    this.historyLimit = historyLimit;
  }

  @Override
  public CompletableFuture<Optional<KeyValue>> get(String key) {
    Keys.requireKey(key);
    return run(() -> Optional.ofNullable(data.get(key)));
  }

  @Override
  public CompletableFuture<ListResult> list(String prefix, ListOptions options) {
    Keys.requirePrefix(prefix);
    Objects.requireNonNull(options, "options");
    return run(
        () -> {
          NavigableMap<String, KeyValue> tail;
          String after = options.startAfter().orElse(null);
          if (after != null && Keys.ORDER.compare(after, prefix) >= 0) {
            tail = data.tailMap(after, false);
          } else {
            tail = data.tailMap(prefix, true);
          }
          List<KeyValue> page = new ArrayList<>();
          boolean more = false;
          for (Map.Entry<String, KeyValue> e : tail.entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
              break;
            }
            if (page.size() == options.limit()) {
              more = true;
              break;
            }
            page.add(e.getValue());
          }
          return new ListResult(page, more, revision);
        });
  }

  @Override
  public CompletableFuture<CasResult> compareAndSet(String key, byte[] value, CasOptions options) {
    Keys.requireKey(key);
    Keys.requireValue(value, Registry.MAX_VALUE_BYTES);
    Objects.requireNonNull(options, "options");
    return run(
        () -> {
          KeyValue current = data.get(key);
          long currentRevision = current == null ? 0 : current.modRevision();
          if (currentRevision != options.expectedRevision()) {
            return CasResult.failure(Optional.ofNullable(current));
          }
          LeaseState lease = null;
          if (options.leaseId() != NO_LEASE) {
            lease = leasesById.get(options.leaseId());
            if (lease == null) {
              throw leaseNotFound(options.leaseId());
            }
          }
          long rev = ++revision;
          if (current != null) {
            unbind(current);
          }
          KeyValue written =
              new KeyValue(
                  key,
                  value,
                  current == null ? rev : current.createRevision(),
                  rev,
                  options.leaseId());
          data.put(key, written);
          if (lease != null) {
            lease.keys.add(key);
          }
          publish(WatchEvent.put(written));
          return CasResult.success(Optional.of(written));
        });
  }

  @Override
  public CompletableFuture<CasResult> delete(String key, DeleteOptions options) {
    Keys.requireKey(key);
    Objects.requireNonNull(options, "options");
    return run(
        () -> {
          KeyValue current = data.get(key);
          if (current == null) {
            return CasResult.failure(Optional.empty());
          }
          if (options.expectedRevision().isPresent()
              && options.expectedRevision().getAsLong() != current.modRevision()) {
            return CasResult.failure(Optional.of(current));
          }
          long rev = ++revision;
          data.remove(key);
          unbind(current);
          publish(WatchEvent.delete(key, rev));
          return CasResult.success(Optional.empty());
        });
  }

  @Override
  public CompletableFuture<Watch> watch(
      String prefix, WatchOptions options, WatchListener listener) {
    Keys.requirePrefix(prefix);
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(listener, "listener");
    WatchDelivery delivery = new WatchDelivery(scheduler, prefix, listener);
    return run(
        () -> {
          long start = options.startRevision() == 0 ? revision + 1 : options.startRevision();
          long id = nextWatchId++;
          delivery.established(
              start,
              () -> {
                synchronized (lock) {
                  watches.remove(id);
                }
              });
          if (start <= compactedThrough) {
            delivery.offerError(
                new RegistryException(
                    Reason.COMPACTED,
                    "revision "
                        + start
                        + " is no longer kept; the oldest kept is "
                        + (compactedThrough + 1)));
            toKick.add(delivery);
            return delivery;
          }
          for (WatchEvent e : history) {
            if (e.revision() >= start && delivery.matches(e.key())) {
              delivery.offer(e);
            }
          }
          toKick.add(delivery);
          watches.put(id, delivery);
          return delivery;
        });
  }

  @Override
  public Leases leases() {
    return leases;
  }

  @Override
  public void close() {
    List<WatchDelivery> ended;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (expiryTimer != null) {
        expiryTimer.cancel();
        expiryTimer = null;
      }
      ended = new ArrayList<>(watches.values());
      watches.clear();
      data.clear();
      leasesById.clear();
      leasesByDeadline.clear();
      history.clear();
      historyBytes = 0;
      for (WatchDelivery w : ended) {
        w.offerError(closedException());
      }
    }
    ended.forEach(WatchDelivery::kick);
  }

  /** The current revision (for tests and the simulation's checks). */
  public long revision() {
    synchronized (lock) {
      return revision;
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // The operation frame

  /**
   * Runs {@code body} under the lock after expiring due leases; re-arms the expiry timer and kicks
   * the watches that got events once the lock is released. {@code body} may throw a
   * RegistryException.
   */
  private <T> CompletableFuture<T> run(Supplier<T> body) {
    T result = null;
    RegistryException failure = null;
    List<WatchDelivery> kick;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(closedException());
      }
      try {
        expireDue();
        result = body.get();
      } catch (RegistryException e) {
        failure = e;
      } finally {
        armExpiryTimer();
        kick = new ArrayList<>(toKick);
        toKick.clear();
      }
    }
    kick.forEach(WatchDelivery::kick);
    return failure == null
        ? CompletableFuture.completedFuture(result)
        : CompletableFuture.failedFuture(failure);
  }

  private Instant now() {
    return scheduler.clock().instant();
  }

  private static RegistryException closedException() {
    return new RegistryException(Reason.CLOSED, "the registry is closed");
  }

  private static RegistryException leaseNotFound(long id) {
    return new RegistryException(
        Reason.LEASE_NOT_FOUND, "lease " + id + " has expired, was revoked, or never existed");
  }

  // ---------------------------------------------------------------------------------------------------
  // Changes, history and watches (all under lock)

  private void publish(WatchEvent event) {
    history.addLast(event);
    historyBytes += event.keyValue().valueSize();
    while (history.size() > historyLimit || historyBytes > HISTORY_BYTE_LIMIT) {
      long dropped = history.peekFirst().revision();
      while (!history.isEmpty() && history.peekFirst().revision() == dropped) {
        historyBytes -= history.removeFirst().keyValue().valueSize();
      }
      compactedThrough = dropped;
    }
    for (WatchDelivery w : watches.values()) {
      if (w.matches(event.key())) {
        w.offer(event);
        toKick.add(w);
      }
    }
  }

  private void unbind(KeyValue kv) {
    if (kv.hasLease()) {
      LeaseState owner = leasesById.get(kv.leaseId());
      if (owner != null) {
        owner.keys.remove(kv.key());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Leases (all under lock)

  /** Ends every lease whose deadline has been reached. */
  private void expireDue() {
    Instant now = now();
    while (!leasesByDeadline.isEmpty() && !leasesByDeadline.first().deadline.isAfter(now)) {
      end(leasesByDeadline.first());
    }
  }

  /** Removes a lease and deletes its keys at one revision (none if it has no keys). */
  private void end(LeaseState lease) {
    leasesById.remove(lease.id);
    leasesByDeadline.remove(lease);
    if (lease.keys.isEmpty()) {
      return;
    }
    long rev = ++revision;
    for (String key : lease.keys) {
      data.remove(key);
      publish(WatchEvent.delete(key, rev));
    }
    lease.keys.clear();
  }

  /**
   * Makes sure one timer is set for the earliest lease deadline (and none if there is no lease).
   */
  private void armExpiryTimer() {
    if (closed) {
      return;
    }
    Instant earliest = leasesByDeadline.isEmpty() ? null : leasesByDeadline.first().deadline;
    if (Objects.equals(earliest, expiryTimerAt)) {
      return;
    }
    if (expiryTimer != null) {
      expiryTimer.cancel();
      expiryTimer = null;
    }
    expiryTimerAt = earliest;
    long generation = ++expiryTimerGeneration;
    if (earliest == null) {
      return;
    }
    Duration delay = Duration.between(now(), earliest);
    expiryTimer =
        scheduler.schedule(
            delay.isNegative() ? Duration.ZERO : delay, () -> onExpiryTimer(generation));
  }

  private void onExpiryTimer(long generation) {
    synchronized (lock) {
      if (closed || generation != expiryTimerGeneration) {
        return;
      }
      expiryTimer = null;
      expiryTimerAt = null;
    }
    // Expires what is due and arms the timer for the next deadline (again, if it fired early).
    run(() -> null);
  }

  /**
   * A lease: its TTL, deadline and keys. The deadline changes only while out of leasesByDeadline.
   */
  private static final class LeaseState {
    final long id;
    final Duration ttl;
    Instant deadline;
    final TreeSet<String> keys = new TreeSet<>(Keys.ORDER);

    LeaseState(long id, Duration ttl, Instant deadline) {
      this.id = id;
      this.ttl = ttl;
      this.deadline = deadline;
    }
  }

  private final class InMemoryLeases implements Leases {

    @Override
    public CompletableFuture<Lease> grant(Duration ttl) {
      Keys.requirePositive(ttl);
      return run(
          () -> {
            LeaseState lease = new LeaseState(nextLeaseId++, ttl, now().plus(ttl));
            leasesById.put(lease.id, lease);
            leasesByDeadline.add(lease);
            return new Lease(lease.id, ttl);
          });
    }

    @Override
    public CompletableFuture<Lease> keepAlive(long leaseId) {
      Keys.requireLeaseId(leaseId);
      return run(
          () -> {
            LeaseState lease = leasesById.get(leaseId);
            if (lease == null) {
              throw leaseNotFound(leaseId);
            }
            leasesByDeadline.remove(lease);
            lease.deadline = now().plus(lease.ttl);
            leasesByDeadline.add(lease);
            return new Lease(lease.id, lease.ttl);
          });
    }

    @Override
    public CompletableFuture<Void> revoke(long leaseId) {
      Keys.requireLeaseId(leaseId);
      return run(
          () -> {
            LeaseState lease = leasesById.get(leaseId);
            if (lease != null) {
              end(lease);
            }
            return null;
          });
    }
  }
}
