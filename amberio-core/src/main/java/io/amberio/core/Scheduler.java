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
package io.amberio.core;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Time and task execution for components that run on their own: the cluster's protocol and the
 * store's background work. Every component takes one by injection and never reaches for threads or
 * the system clock, so the same code runs on real threads and, in simulation or a test, on one
 * seeded thread with simulated time.
 *
 * <p>Tasks must not block: a component waits for I/O by chaining on a {@code CompletableFuture}.
 */
public interface Scheduler extends Executor {

  /** The current time of this scheduler (simulated time in simulation). */
  InstantSource clock();

  /** Runs {@code task} soon, on this scheduler. */
  @Override
  void execute(Runnable task);

  /**
   * Runs {@code task} once after {@code delay}; the returned handle cancels it if it has not run.
   */
  Cancellable schedule(Duration delay, Runnable task);

  /** A scheduled task that can still be cancelled. */
  interface Cancellable {
    /** Cancels the task; returns false if it already ran or was cancelled. */
    boolean cancel();
  }

  /**
   * A scheduler on real threads and the system clock. The caller owns and shuts down {@code
   * executor}.
   */
  static Scheduler system(ScheduledExecutorService executor) {
    Objects.requireNonNull(executor, "executor");
    InstantSource clock = InstantSource.system();
    return new Scheduler() {
      @Override
      public InstantSource clock() {
        return clock;
      }

      @Override
      public void execute(Runnable task) {
        executor.execute(task);
      }

      @Override
      public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> f =
            executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
      }
    };
  }
}
