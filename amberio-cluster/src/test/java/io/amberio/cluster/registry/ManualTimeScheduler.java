package io.amberio.cluster.registry;

import io.amberio.core.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;

/**
 * A {@link Scheduler} whose clock moves only when a test says so: {@link #advance} moves it and hands the
 * tasks that came due, in due order, to the executor. Tasks given to {@link #execute} go to the executor
 * at once: a real thread for the contract tests, or a {@link QueueExecutor} for fully deterministic ones.
 */
final class ManualTimeScheduler implements Scheduler {
  private final Executor executor;
  private final Object lock = new Object();
  // guarded by lock
  private Instant now = Instant.parse("2030-01-01T00:00:00Z");
  private long sequence;
  private final PriorityQueue<Timed> timers =
      new PriorityQueue<>((a, b) -> a.due.equals(b.due) ? Long.compare(a.seq, b.seq) : a.due.compareTo(b.due));

  ManualTimeScheduler(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  @Override
  public InstantSource clock() {
    return () -> {
      synchronized (lock) {
        return now;
      }
    };
  }

  @Override
  public void execute(Runnable task) {
    executor.execute(task);
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    synchronized (lock) {
      Timed t = new Timed(now.plus(delay), sequence++, task);
      timers.add(t);
      return () -> {
        synchronized (lock) {
          return timers.remove(t);
        }
      };
    }
  }

  /** Moves the clock forward by {@code d} and hands every task now due to the executor. */
  void advance(Duration d) {
    List<Runnable> due = new ArrayList<>();
    synchronized (lock) {
      now = now.plus(d);
      while (!timers.isEmpty() && !timers.peek().due.isAfter(now)) {
        due.add(timers.poll().task);
      }
    }
    due.forEach(executor::execute);
  }

  /** The number of timers not yet due. */
  int pendingTimers() {
    synchronized (lock) {
      return timers.size();
    }
  }

  private static final class Timed {
    final Instant due;
    final long seq;
    final Runnable task;

    Timed(Instant due, long seq, Runnable task) {
      this.due = due;
      this.seq = seq;
      this.task = task;
    }
  }

  /** An executor that only queues; {@link #runAll()} runs the queue on the calling thread. */
  static final class QueueExecutor implements Executor {
    private final java.util.ArrayDeque<Runnable> queue = new java.util.ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
      queue.add(task);
    }

    /** Runs queued tasks, including those they queue, until none is left. */
    void runAll() {
      while (true) {
        Runnable next;
        synchronized (this) {
          next = queue.poll();
        }
        if (next == null) {
          return;
        }
        next.run();
      }
    }
  }
}
