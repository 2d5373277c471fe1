package io.amberio.cluster.transport;

import io.amberio.core.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * A single-threaded scheduler on simulated time, driven by the test thread: tasks run in (time, order
 * of submission) order when the test asks. Anything that blocks or waits for another thread deadlocks
 * here, which is the point.
 */
final class ManualScheduler implements Scheduler {

  private static final class Task {
    final long time;
    final long seq;
    final Runnable runnable;
    boolean cancelled;
    boolean ran;

    Task(long time, long seq, Runnable runnable) {
      this.time = time;
      this.seq = seq;
      this.runnable = runnable;
    }
  }

  private final PriorityQueue<Task> queue =
      new PriorityQueue<>(Comparator.<Task>comparingLong(t -> t.time).thenComparingLong(t -> t.seq));
  private long nowNanos;
  private long seq;

  @Override
  public InstantSource clock() {
    return () -> Instant.ofEpochSecond(0, nanos());
  }

  synchronized long nanos() {
    return nowNanos;
  }

  @Override
  public void execute(Runnable task) {
    schedule(Duration.ZERO, task);
  }

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    Task t = new Task(nowNanos + Math.max(0, delay.toNanos()), seq++, task);
    queue.add(t);
    return () -> {
      synchronized (ManualScheduler.this) {
        if (t.cancelled || t.ran) {
          return false;
        }
        t.cancelled = true;
        return true;
      }
    };
  }

  /** Runs the next task; returns false if there is none. */
  boolean runNext() {
    Task t;
    synchronized (this) {
      do {
        t = queue.poll();
      } while (t != null && t.cancelled);
      if (t == null) {
        return false;
      }
      nowNanos = Math.max(nowNanos, t.time);
      t.ran = true;
    }
    t.runnable.run();
    return true;
  }

  /** Runs tasks until {@code condition} holds or none is left; returns the condition. */
  boolean runUntil(BooleanSupplier condition) {
    for (long i = 0; i < 100_000_000L; i++) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (!runNext()) {
        return condition.getAsBoolean();
      }
    }
    throw new AssertionError("the simulation did not settle within 100M tasks");
  }

  /** Runs every task, timers included. */
  void runUntilIdle() {
    runUntil(() -> false);
  }
}
