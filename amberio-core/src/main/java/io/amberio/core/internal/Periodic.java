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
package io.amberio.core.internal;

import io.amberio.core.Scheduler;
import java.time.Duration;

/**
 * Background work of the store (garbage collection, closing idle slots) run again and again on the
 * injected {@link Scheduler}, with a fixed delay from the end of one run to the start of the next.
 * A {@code Scheduler} has one-shot timers only, so each run schedules the next when it ends. {@link
 * #stop()} cancels the next run; a run already under way finishes and schedules nothing more.
 */
final class Periodic {
  private final Scheduler scheduler;
  private final Duration delay;
  private final Runnable task;
  private final Object lock = new Object();
  // @GuardedBy("lock")
  private Scheduler.Cancellable next;
  // @GuardedBy("lock")
  private boolean stopped;

  private Periodic(Scheduler scheduler, Duration delay, Runnable task) {
    this.scheduler = scheduler;
    this.delay = delay;
    this.task = task;
  }

  /**
   * Runs {@code task} first after {@code delay}, then {@code delay} after each run ends, until
   * stopped.
   */
  static Periodic start(Scheduler scheduler, Duration delay, Runnable task) {
    Periodic p = new Periodic(scheduler, delay, task);
    p.scheduleNext();
    return p;
  }

  private void scheduleNext() {
    synchronized (lock) {
      if (!stopped) {
        next = scheduler.schedule(delay, this::run);
      }
    }
  }

  private void run() {
    synchronized (lock) {
      if (stopped) {
        return;
      }
    }
    try {
      task.run();
    } finally {
      scheduleNext();
    }
  }

  /** Cancels the next run and every later one. */
  void stop() {
    synchronized (lock) {
      stopped = true;
      if (next != null) {
        next.cancel();
      }
    }
  }
}
