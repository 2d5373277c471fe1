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
package io.amberio.cluster.registry.internal.watch;

import io.amberio.cluster.registry.RegistryException;
import io.amberio.cluster.registry.Watch;
import io.amberio.cluster.registry.WatchEvent;
import io.amberio.cluster.registry.WatchListener;
import io.amberio.core.Scheduler;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery side of one watch, shared by the registry implementations: a queue of events drained
 * on the {@link Scheduler} by at most one task at a time, so listener calls never overlap, keep the
 * queue's order, and never run on the thread (or under the lock) of whoever produced the event.
 *
 * <p>Producers {@link #offer} under their own lock (which fixes the order) and {@link #kick} after
 * releasing it; {@link #post} does both for producers without a lock of their own.
 */
public final class WatchDelivery implements Watch {
  private static final Logger log = LoggerFactory.getLogger(WatchDelivery.class);

  private final Scheduler scheduler;
  private final String prefix;
  private final WatchListener listener;
  private final Object lock = new Object();

  // @GuardedBy("lock"): items are WatchEvent or RegistryException (the terminal error).
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  // @GuardedBy("lock")
  private boolean draining;
  // @GuardedBy("lock"): an error was queued; nothing more is accepted.
  private boolean ended;
  // @GuardedBy("lock")
  private long startRevision;
  // @GuardedBy("lock")
  private Runnable onCancel = () -> {};

  private volatile boolean cancelled;

  public WatchDelivery(Scheduler scheduler, String prefix, WatchListener listener) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** The watched prefix. */
  public String prefix() {
    return prefix;
  }

  /** Whether {@code key} is under the watched prefix. */
  public boolean matches(String key) {
    return key.startsWith(prefix);
  }

  /** Sets the first revision delivered and what {@link #cancel()} must also undo. */
  public void established(long start, Runnable cancelAction) {
    synchronized (lock) {
      this.startRevision = start;
      this.onCancel = Objects.requireNonNull(cancelAction, "cancelAction");
    }
  }

  /** Queues an event; call {@link #kick()} once the producer's lock is released. */
  public void offer(WatchEvent event) {
    synchronized (lock) {
      if (!ended && !cancelled) {
        queue.add(event);
      }
    }
  }

  /** Queues the terminal error: nothing is accepted after it. Call {@link #kick()} afterwards. */
  public void offerError(RegistryException error) {
    synchronized (lock) {
      if (!ended && !cancelled) {
        ended = true;
        queue.add(error);
      }
    }
  }

  /** {@link #offer} then {@link #kick}. */
  public void post(WatchEvent event) {
    offer(event);
    kick();
  }

  /** {@link #offerError} then {@link #kick}. */
  public void postError(RegistryException error) {
    offerError(error);
    kick();
  }

  /** Whether a terminal error was queued or the watch was cancelled. */
  public boolean isEnded() {
    synchronized (lock) {
      return ended || cancelled;
    }
  }

  /** Starts a drain on the scheduler if events wait and none is running. */
  public void kick() {
    synchronized (lock) {
      if (draining || queue.isEmpty()) {
        return;
      }
      draining = true;
    }
    try {
      scheduler.execute(this::drain);
    } catch (RejectedExecutionException e) {
      // The scheduler's owner shut it down: nobody can be told any more.
      synchronized (lock) {
        draining = false;
      }
      log.debug("watch on '{}': the scheduler refused the delivery", prefix, e);
    }
  }

  private void drain() {
    while (true) {
      Object next;
      synchronized (lock) {
        next = queue.poll();
        if (next == null) {
          draining = false;
          return;
        }
      }
      if (cancelled) {
        continue;
      }
      try {
        if (next instanceof WatchEvent) {
          listener.onEvent((WatchEvent) next);
        } else {
          listener.onError((RegistryException) next);
        }
      } catch (RuntimeException e) {
        log.warn("watch listener on prefix '{}' threw; the watch goes on", prefix, e);
      }
    }
  }

  @Override
  public long startRevision() {
    synchronized (lock) {
      return startRevision;
    }
  }

  @Override
  public void cancel() {
    Runnable action;
    synchronized (lock) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      queue.clear();
      action = onCancel;
    }
    action.run();
  }
}
