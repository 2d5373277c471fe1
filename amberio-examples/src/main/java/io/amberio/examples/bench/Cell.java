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
package io.amberio.examples.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one cell: {@code threads} workers doing one op of one size against one subject, first for a
 * warm-up (not recorded), then for the measured window.
 *
 * <p>Each worker opens its session (connection, buffers, files) before the clock starts. Both
 * phases start when every worker has reached a barrier. In the measured window a worker starts ops
 * until the duration has passed, the op cap or the byte cap (PUT only) is reached; each worker does
 * at least one op, so all {@code threads} load the subject together. The window ends when the last
 * op ends; ops/s is ops divided by that window. PUT keys are distinct ({@code
 * bench/<subject>/<size>/t<threads>/r<round>/w<worker>/<n>}), so writes spread over the store's
 * slots; GET reads keys drawn at random from those given to it.
 */
final class Cell {
  /** How long a cell may run past its planned time before the bench gives up on it. */
  private static final long GRACE_NANOS = TimeUnit.MINUTES.toNanos(5);

  private final Subject subject;
  private final Op op;
  private final long size;
  private final int threads;
  private final Plan plan;
  private final PatternData data;
  private final List<String> readKeys;
  private final String keyPrefix;

  private final AtomicLong opsStarted = new AtomicLong();
  private final AtomicLong bytesStarted = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile long warmupDeadline;
  private volatile long windowStart;
  private volatile long windowDeadline;
  private volatile CpuTime windowCpu;

  /**
   * How long a cell runs and when it stops early.
   *
   * @param warmup warm-up before the window, not recorded; zero for none
   * @param window the measured window
   * @param opCap at most this many measured ops, all workers together; 0 for no cap
   * @param byteCap at most this many bytes written in the window (PUT only; a quarter of it in the
   *     warm-up)
   */
  record Plan(Duration warmup, Duration window, long opCap, long byteCap) {}

  /**
   * What a cell produced: the row, the sorted latencies of its measured ops, and the keys it wrote
   * (for GET cells and for reclaiming space).
   */
  record Outcome(Measurement measurement, long[] latencies, List<String> written) {}

  private Cell(
      Subject subject,
      Op op,
      long size,
      int threads,
      Plan plan,
      PatternData data,
      List<String> readKeys,
      String keyPrefix) {
    this.subject = subject;
    this.op = op;
    this.size = size;
    this.threads = threads;
    this.plan = plan;
    this.data = data;
    this.readKeys = readKeys;
    this.keyPrefix = keyPrefix;
  }

  /** Runs a PUT cell. */
  static Outcome put(
      Subject subject, long size, int threads, int round, Plan plan, PatternData data) {
    String prefix =
        "bench/"
            + subject.name()
            + "/"
            + Units.size(size).replace(" ", "")
            + "/t"
            + threads
            + "/r"
            + round;
    return new Cell(subject, Op.PUT, size, threads, plan, data, List.of(), prefix).run();
  }

  /** Runs a GET cell over {@code keys}, each holding {@code size} bytes. */
  static Outcome get(Subject subject, long size, int threads, Plan plan, List<String> keys) {
    if (keys.isEmpty()) {
      return new Outcome(
          Measurement.failed(
              subject.name(), Op.GET, size, threads, "no blobs to read (the PUT cell failed)"),
          new long[0],
          List.of());
    }
    return new Cell(subject, Op.GET, size, threads, plan, null, List.copyOf(keys), null).run();
  }

  private Outcome run() {
    CyclicBarrier warmupStart =
        new CyclicBarrier(
            threads, () -> warmupDeadline = System.nanoTime() + plan.warmup().toNanos());
    CyclicBarrier windowOpen =
        new CyclicBarrier(
            threads,
            () -> {
              opsStarted.set(0);
              bytesStarted.set(0);
              windowCpu = CpuTime.now();
              windowStart = System.nanoTime();
              windowDeadline = windowStart + plan.window().toNanos();
            });
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Worker w = new Worker(i, warmupStart, windowOpen);
      Thread t = new Thread(w, "bench-" + subject.name() + "-" + op + "-" + i);
      t.setDaemon(true);
      w.thread = t;
      workers.add(w);
    }
    workers.forEach(w -> w.thread.start());
    long planned = plan.warmup().toNanos() + plan.window().toNanos();
    long giveUp = System.nanoTime() + planned + GRACE_NANOS;
    for (Worker w : workers) {
      try {
        w.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(giveUp - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure.compareAndSet(null, e);
      }
      if (w.thread.isAlive()) {
        failure.compareAndSet(
            null,
            new IllegalStateException(
                "the cell did not finish within "
                    + Units.duration(plan.window())
                    + " + 5 minutes"));
        workers.forEach(x -> x.thread.interrupt());
        break;
      }
    }
    CpuTime cpuEnd = CpuTime.now();
    List<String> written = new ArrayList<>();
    List<Latencies> latencies = new ArrayList<>();
    long ops = 0;
    long windowEnd = windowStart;
    for (Worker w : workers) {
      synchronized (w) {
        written.addAll(w.written);
        latencies.add(w.latencies);
        ops += w.ops;
        windowEnd = Math.max(windowEnd, w.lastEnd);
      }
    }
    Throwable error = failure.get();
    if (error != null) {
      return new Outcome(
          Measurement.failed(subject.name(), op, size, threads, describe(error)),
          new long[0],
          written);
    }
    long[] sorted = Latencies.mergeSorted(latencies);
    Measurement m =
        new Measurement(
            subject.name(),
            op,
            size,
            threads,
            ops,
            windowEnd - windowStart,
            Latencies.percentile(sorted, 0.50),
            Latencies.percentile(sorted, 0.99),
            null,
            windowCpu == null ? -1 : cpuEnd.processSince(windowCpu),
            windowCpu == null ? -1 : cpuEnd.busySince(windowCpu));
    return new Outcome(m, sorted, written);
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    return t.getClass().getSimpleName()
        + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
  }

  /**
   * One thread of a cell. Its fields are read by the cell after join (and under its lock after a
   * time-out).
   */
  private final class Worker implements Runnable {
    private final int id;
    private final CyclicBarrier warmupStart;
    private final CyclicBarrier windowOpen;
    private final Random random;
    private final List<String> written = new ArrayList<>();
    private final Latencies latencies = new Latencies();
    private Thread thread;
    private long ops;
    private long lastEnd;
    private long sequence;

    Worker(int id, CyclicBarrier warmupStart, CyclicBarrier windowOpen) {
      this.id = id;
      this.warmupStart = warmupStart;
      this.windowOpen = windowOpen;
      this.random = new Random(31L * id + size + threads);
    }

    @Override
    public void run() {
      Subject.Session session = null;
      try {
        session = subject.open(id);
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
      // Every worker reaches both barriers, failed or not, so that none waits for ever.
      if (await(warmupStart) && !plan.warmup().isZero()) {
        phase(session, false);
      }
      if (await(windowOpen)) {
        phase(session, true);
      }
      if (session != null) {
        try {
          session.close();
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }
    }

    /** Waits for the other workers; false when the cell has failed or is being abandoned. */
    private boolean await(CyclicBarrier barrier) {
      try {
        barrier.await();
      } catch (InterruptedException e) {
        failure.compareAndSet(null, e);
      } catch (BrokenBarrierException e) {
        failure.compareAndSet(null, new IllegalStateException("another worker failed", e));
      }
      return failure.get() == null;
    }

    private void phase(Subject.Session session, boolean measured) {
      try {
        loop(session, measured);
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
    }

    private void loop(Subject.Session session, boolean measured) throws Exception {
      long deadline = measured ? windowDeadline : warmupDeadline;
      long byteCap = measured ? plan.byteCap() : plan.byteCap() / 4;
      long opCap = measured ? plan.opCap() : 0;
      boolean first = true;
      while (failure.get() == null) {
        if (opCap > 0 && opsStarted.getAndIncrement() >= opCap) {
          break;
        }
        if (op == Op.PUT && bytesStarted.addAndGet(size) > byteCap && !first) {
          break;
        }
        long start = System.nanoTime();
        if (op == Op.PUT) {
          String key = keyPrefix + "/w" + id + "/" + sequence++;
          session.put(key, data.stream(size, random.nextInt()), size);
          synchronized (this) {
            written.add(key);
          }
        } else {
          String key = readKeys.get(random.nextInt(readKeys.size()));
          long n = session.get(key);
          if (n != size) {
            throw new IllegalStateException(
                "read " + n + " bytes of " + key + ", expected " + size);
          }
        }
        long end = System.nanoTime();
        if (measured) {
          synchronized (this) {
            latencies.add(end - start);
            ops++;
            lastEnd = end;
          }
        }
        first = false;
        if (end - deadline >= 0) {
          break;
        }
      }
    }
  }
}
