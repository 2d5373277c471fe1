package io.amberio.core;

import io.amberio.core.testkit.TestSupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} that runs nothing on its own: {@link #advance} moves its clock (a {@link MutableClock}
 * the store may share) and runs, on the calling thread, every task that has come due, in due-time order
 * (ties in the order they were scheduled). Tasks scheduled by a running task run in the same advance if
 * they come due within it.
 */
final class ManualScheduler implements Scheduler {
  private record Task(Instant due, long seq, Runnable run, boolean[] cancelled) {}

  private final MutableClock clock;
  private final PriorityQueue<Task> queue =
      new PriorityQueue<>(Comparator.comparing(Task::due).thenComparingLong(Task::seq));
  private long seq;

  ManualScheduler(MutableClock clock) {
    this.clock = clock;
  }

  @Override
  public InstantSource clock() {
    return clock;
  }

  @Override
  public synchronized void execute(Runnable task) {
    schedule(Duration.ZERO, task);
  }

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    boolean[] cancelled = {false};
    Task t = new Task(clock.instant().plus(delay.isNegative() ? Duration.ZERO : delay), seq++, task, cancelled);
    queue.add(t);
    return () -> {
      synchronized (this) {
        boolean was = !cancelled[0] && queue.remove(t);
        cancelled[0] = true;
        return was;
      }
    };
  }

  /** Moves the clock by {@code d}, running every task due by then; returns how many ran. */
  int advance(Duration d) {
    Instant end = clock.instant().plus(d);
    int ran = 0;
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.due().isAfter(end)) {
          break;
        }
        queue.poll();
      }
      if (next.due().isAfter(clock.instant())) {
        clock.set(next.due());
      }
      next.run().run();
      ran++;
    }
    clock.set(end);
    return ran;
  }

  /** The tasks scheduled and not yet run or cancelled, by due time. */
  synchronized List<Instant> pending() {
    List<Task> tasks = new ArrayList<>(queue);
    tasks.sort(queue.comparator());
    return tasks.stream().map(Task::due).toList();
  }
}
