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

import io.amberio.core.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A {@link Scheduler} for deterministic simulation: every task of every simulated node runs on the
 * thread that drives the scheduler, one at a time, in simulated time.
 *
 * <h2>Design notes</h2>
 *
 * <p><b>Queue.</b> A priority queue of tasks ordered by (due time, tie key, sequence number).
 * {@link #execute} enqueues at the current time, {@link #schedule} at now plus the delay (a
 * negative delay counts as zero). The sequence number grows with every enqueue, so tasks due at the
 * same time run in the order they were submitted, unless same-time shuffling is on ({@link
 * Builder#shuffleSameTime}): then the tie key is drawn from a random source seeded from the seed,
 * and same-time tasks run in a seeded random order, which explores the interleavings a real
 * multi-threaded executor could produce. Cancelled tasks stay in the queue and are skipped when
 * they come up.
 *
 * <p><b>Time.</b> {@link #clock()} only moves when the scheduler runs a task (to that task's due
 * time) or when {@link #runFor} or {@link #runUntil} reach their end; it never goes back. Nothing
 * here reads the system clock.
 *
 * <p><b>Determinism.</b> The only inputs are the seed and what the tasks do. Same seed and same
 * tasks give the same order of execution, the same times and the same numbers from {@link
 * #random()}, as long as the components draw every random number from {@link #random()} and never
 * use another thread. To catch the latter, submitting a task from another thread while the
 * scheduler is running fails.
 *
 * <p><b>Failures.</b> A task that throws fails the run: the step throws a {@link
 * SimulationException} naming the seed and the simulated time, with the task's exception as the
 * cause, and the scheduler stays failed ({@link #failure()}); every later attempt to run throws
 * that same exception. Nothing is swallowed.
 *
 * <p><b>Threads.</b> Not thread-safe: one thread drives it. Only {@link #clock()} may be read from
 * any thread.
 */
public final class SimScheduler implements Scheduler {

  /** Where simulated time starts unless the builder says otherwise. */
  public static final Instant DEFAULT_START = Instant.parse("2030-01-01T00:00:00Z");

  /** How many tasks {@link #runUntilIdle()} runs at most unless the builder says otherwise. */
  public static final long DEFAULT_TASK_LIMIT = 10_000_000L;

  private static final Comparator<Task> ORDER =
      Comparator.comparingLong((Task t) -> t.due)
          .thenComparingLong(t -> t.tieKey)
          .thenComparingLong(t -> t.sequence);

  private final long seed;
  private final Instant start;
  private final boolean shuffleSameTime;
  private final long taskLimit;
  private final Random random;
  private final Random tieBreaker;
  private final PriorityQueue<Task> queue = new PriorityQueue<>(ORDER);
  private final InstantSource clock;

  private volatile long nanos; // simulated nanoseconds since start
  private long sequence;
  private long executed;
  private int live; // queued tasks not cancelled
  private volatile Thread runner; // the thread inside a run method, or null
  private SimulationException failure;

  private SimScheduler(Builder b) {
    this.seed = b.seed;
    this.start = b.start == null ? DEFAULT_START : b.start;
    this.shuffleSameTime = b.shuffleSameTime != null && b.shuffleSameTime;
    this.taskLimit = b.taskLimit == null ? DEFAULT_TASK_LIMIT : b.taskLimit;
    this.random = new Random(seed);
    this.tieBreaker = new Random(mix(seed));
    this.clock =
        new InstantSource() {
          @Override
          public Instant instant() {
            return now();
          }

          @Override
          public String toString() {
            return "simulated clock at " + now();
          }
        };
  }

  /**
   * A scheduler with {@code seed}, starting at {@link #DEFAULT_START}, with same-time tasks in
   * submission order.
   */
  public static SimScheduler create(long seed) {
    return builder(seed).build();
  }

  /** A builder for a scheduler with {@code seed}. */
  public static Builder builder(long seed) {
    return new Builder(seed);
  }

  /** The seed: replaying a run with it gives the same run. */
  public long seed() {
    return seed;
  }

  /**
   * The random source every simulated component must use, seeded with {@link #seed()}. Same-time
   * shuffling draws from a separate source, so turning it on does not shift this one's numbers.
   */
  public Random random() {
    return random;
  }

  /** Simulated time; it moves only when this scheduler advances. */
  @Override
  public InstantSource clock() {
    return clock;
  }

  /** The current simulated time. */
  public Instant now() {
    return start.plusNanos(nanos);
  }

  /** The simulated time since the start. */
  public Duration elapsed() {
    return Duration.ofNanos(nanos);
  }

  /** Enqueues {@code task} at the current simulated time. */
  @Override
  public void execute(Runnable task) {
    enqueue(0, task);
  }

  /**
   * Enqueues {@code task} at now plus {@code delay} (zero if negative); the handle cancels it until
   * it runs.
   */
  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(delay, "delay");
    return enqueue(saturatedNanos(delay), task);
  }

  private Task enqueue(long delayNanos, Runnable task) {
    Objects.requireNonNull(task, "task");
    if (runner != null && runner != Thread.currentThread()) {
      throw new IllegalStateException(
          "a task was submitted from thread '"
              + Thread.currentThread().getName()
              + "' while the simulation runs on '"
              + runner.getName()
              + "': simulated components must not use other threads (seed "
              + seed
              + ")");
    }
    long due = delayNanos > Long.MAX_VALUE - nanos ? Long.MAX_VALUE : nanos + delayNanos;
    Task t = new Task(due, shuffleSameTime ? tieBreaker.nextLong() : 0, sequence++, task);
    queue.add(t);
    live++;
    return t;
  }

  /**
   * Runs the next task, moving the clock to its due time.
   *
   * @return false if there was no task to run
   * @throws SimulationException if the task throws, or if the run had already failed
   */
  public boolean step() {
    enter();
    try {
      return runNext(Long.MAX_VALUE);
    } finally {
      runner = null;
    }
  }

  /**
   * Runs tasks until none is left.
   *
   * @return the number of tasks run
   * @throws SimulationException if a task throws, or if more than the task limit ran (a periodic
   *     task keeps the queue from ever emptying: use {@link #runFor} or {@link #runUntil} then)
   */
  public long runUntilIdle() {
    enter();
    try {
      long ran = 0;
      while (runNext(Long.MAX_VALUE)) {
        if (++ran >= taskLimit && live > 0) {
          throw fail(
              new SimulationException(
                  seed,
                  now(),
                  "not idle after " + ran + " tasks; a periodic task? use runFor or runUntil",
                  null));
        }
      }
      return ran;
    } finally {
      runner = null;
    }
  }

  /**
   * Runs every task due within {@code duration} from now, then sets the clock to now plus {@code
   * duration}.
   *
   * @return the number of tasks run
   * @throws IllegalArgumentException if {@code duration} is negative
   * @throws SimulationException if a task throws
   */
  public long runFor(Duration duration) {
    long deadline = deadline(duration);
    enter();
    try {
      long ran = 0;
      while (runNext(deadline)) {
        ran++;
      }
      nanos = deadline;
      return ran;
    } finally {
      runner = null;
    }
  }

  /**
   * Runs tasks until {@code condition} holds (checked before each task and at the end) or simulated
   * time reaches now plus {@code limit}, whichever comes first. On reaching the limit the clock is
   * set to it.
   *
   * @return whether the condition held
   * @throws SimulationException if a task throws
   */
  public boolean runUntil(BooleanSupplier condition, Duration limit) {
    Objects.requireNonNull(condition, "condition");
    long deadline = deadline(limit);
    enter();
    try {
      while (!condition.getAsBoolean()) {
        if (!runNext(deadline)) {
          nanos = deadline;
          return condition.getAsBoolean();
        }
      }
      return true;
    } finally {
      runner = null;
    }
  }

  /**
   * Runs the simulation until {@code future} completes, within {@code limit} of simulated time, and
   * returns its value as {@link CompletableFuture#join()} does (a failed future throws its {@link
   * java.util.concurrent.CompletionException}).
   *
   * @throws SimulationException if a task throws or the future is not done within {@code limit}
   */
  public <T> T join(CompletableFuture<T> future, Duration limit) {
    Objects.requireNonNull(future, "future");
    if (!runUntil(future::isDone, limit)) {
      throw new SimulationException(seed, now(), "the future was not done within " + limit, null);
    }
    return future.join();
  }

  /** The number of queued tasks that are not cancelled. */
  public int pending() {
    return live;
  }

  /** The number of tasks run so far. */
  public long executed() {
    return executed;
  }

  /** The failure that ended the run, if a task threw. */
  public Optional<SimulationException> failure() {
    return Optional.ofNullable(failure);
  }

  private void enter() {
    if (runner != null) {
      throw new IllegalStateException(
          "the scheduler is already running (a task may not drive its own scheduler)");
    }
    if (failure != null) {
      throw failure;
    }
    runner = Thread.currentThread();
  }

  private long deadline(Duration d) {
    Objects.requireNonNull(d, "duration");
    if (d.isNegative()) {
      throw new IllegalArgumentException("a duration of simulated time is not negative, was " + d);
    }
    long n = saturatedNanos(d);
    return n > Long.MAX_VALUE - nanos ? Long.MAX_VALUE : nanos + n;
  }

  /** Runs the next live task due at or before {@code deadline}; false if there is none. */
  private boolean runNext(long deadline) {
    while (true) {
      Task t = queue.peek();
      if (t == null || t.due > deadline) {
        return false;
      }
      queue.poll();
      if (t.cancelled) {
        continue;
      }
      live--;
      t.ran = true;
      nanos = Math.max(nanos, t.due);
      executed++;
      try {
        t.task.run();
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable e) {
        throw fail(
            new SimulationException(
                seed, now(), "task " + t.sequence + " (" + t.task + ") threw " + e, e));
      }
      return true;
    }
  }

  private SimulationException fail(SimulationException e) {
    failure = e;
    return e;
  }

  private static long saturatedNanos(Duration d) {
    if (d.isNegative()) {
      return 0;
    }
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31) ^ 0x5DEECE66DL;
  }

  @Override
  public String toString() {
    return "SimScheduler[seed "
        + seed
        + ", at "
        + now()
        + ", "
        + live
        + " pending, "
        + executed
        + " run]";
  }

  /** A queued task and its handle. */
  private final class Task implements Cancellable {
    final long due;
    final long tieKey;
    final long sequence;
    final Runnable task;
    boolean cancelled;
    boolean ran;

    Task(long due, long tieKey, long sequence, Runnable task) {
      this.due = due;
      this.tieKey = tieKey;
      this.sequence = sequence;
      this.task = task;
    }

    @Override
    public boolean cancel() {
      if (cancelled || ran) {
        return false;
      }
      cancelled = true;
      live--;
      return true;
    }
  }

  /** Options of a {@link SimScheduler}; each may be set once. */
  public static final class Builder {
    private final long seed;
    private Instant start;
    private Boolean shuffleSameTime;
    private Long taskLimit;

    private Builder(long seed) {
      this.seed = seed;
    }

    /** Where simulated time starts (default {@link #DEFAULT_START}). */
    public Builder start(Instant start) {
      Objects.requireNonNull(start, "start");
      if (this.start != null) {
        throw new IllegalStateException("start was already set to " + this.start);
      }
      this.start = start;
      return this;
    }

    /**
     * Whether tasks due at the same time run in a seeded random order instead of submission order
     * (default false).
     */
    public Builder shuffleSameTime(boolean shuffle) {
      if (this.shuffleSameTime != null) {
        throw new IllegalStateException(
            "shuffleSameTime was already set to " + this.shuffleSameTime);
      }
      this.shuffleSameTime = shuffle;
      return this;
    }

    /**
     * How many tasks {@link SimScheduler#runUntilIdle()} may run before it fails (default {@link
     * #DEFAULT_TASK_LIMIT}).
     */
    public Builder taskLimit(long limit) {
      if (limit < 1) {
        throw new IllegalArgumentException("the task limit is at least 1, was " + limit);
      }
      if (this.taskLimit != null) {
        throw new IllegalStateException("taskLimit was already set to " + this.taskLimit);
      }
      this.taskLimit = limit;
      return this;
    }

    /** The scheduler. */
    public SimScheduler build() {
      return new SimScheduler(this);
    }
  }
}
