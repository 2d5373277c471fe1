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

import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.CasResult;
import io.amberio.cluster.registry.DeleteOptions;
import io.amberio.cluster.registry.Registry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The registry's own write rate, through the registry client the cluster uses: {@code threads}
 * workers, each waiting for one request at a time, as a coordinator's decision does. {@code CAS}: a
 * compare-and-set that creates a fresh key if absent (the decision of a write); {@code CAS +
 * delete}: the same, then the delete of that key at its revision (what a write does to its decision
 * key once every replica committed).
 *
 * @param workload {@code CAS} or {@code CAS + delete}
 * @param threads concurrent workers
 * @param ops ops in the measured window
 * @param elapsedNanos the measured window, to the end of the last op
 * @param p50Nanos median latency of one op
 * @param p99Nanos 99th percentile latency of one op
 * @param error why it failed, or null
 * @param cpuNanos CPU time of this process and its children (etcd) in the window, or -1
 */
record RegistryRate(
    String workload,
    int threads,
    long ops,
    long elapsedNanos,
    long p50Nanos,
    long p99Nanos,
    String error,
    long cpuNanos) {

  static final String CAS = "CAS";
  static final String CAS_DELETE = "CAS + delete";
  private static final byte[] VALUE = "commit 1".getBytes(StandardCharsets.UTF_8);

  boolean ok() {
    return error == null && ops > 0 && elapsedNanos > 0;
  }

  double opsPerSecond() {
    return ok() ? ops * 1e9 / elapsedNanos : 0;
  }

  /** CPU time per op in nanoseconds (the client in this process and etcd), or -1. */
  double cpuNanosPerOp() {
    return ok() && cpuNanos >= 0 ? cpuNanos / (double) ops : -1;
  }

  /** Registry writes per op: one CAS, or a CAS and a delete. */
  int writesPerOp() {
    return workload.equals(CAS) ? 1 : 2;
  }

  /**
   * Measures {@code workload} with {@code threads} workers for {@code window} after {@code warmup}.
   */
  static RegistryRate measure(
      Registry registry,
      String workload,
      int threads,
      Duration warmup,
      Duration window,
      long opCap,
      String keyPrefix) {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long[] windowStart = new long[1];
    CpuTime[] windowCpu = new CpuTime[1];
    CyclicBarrier start = new CyclicBarrier(threads);
    CyclicBarrier open =
        new CyclicBarrier(
            threads,
            () -> {
              windowCpu[0] = CpuTime.now();
              windowStart[0] = System.nanoTime();
            });
    List<Thread> workers = new ArrayList<>();
    List<Latencies> latencies = new ArrayList<>();
    long[] lastEnd = new long[threads];
    long[] counts = new long[threads];
    long perWorkerCap = opCap == 0 ? 0 : Math.max(1, (opCap + threads - 1) / threads);
    for (int w = 0; w < threads; w++) {
      int id = w;
      Latencies mine = new Latencies();
      latencies.add(mine);
      Thread t =
          new Thread(
              () -> {
                // Every worker reaches both barriers, failed or not, so that none waits for ever.
                long n = 0;
                if (await(start, failure)) {
                  try {
                    long warmEnd = System.nanoTime() + warmup.toNanos();
                    while (!warmup.isZero()
                        && System.nanoTime() < warmEnd
                        && failure.get() == null) {
                      one(registry, workload, keyPrefix + "/warm/w" + id + "/" + n++);
                    }
                  } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                  }
                }
                if (!await(open, failure)) {
                  return;
                }
                try {
                  long deadline = windowStart[0] + window.toNanos();
                  long done = 0;
                  while (failure.get() == null) {
                    long s = System.nanoTime();
                    one(registry, workload, keyPrefix + "/w" + id + "/" + n++);
                    long e = System.nanoTime();
                    mine.add(e - s);
                    done++;
                    lastEnd[id] = e;
                    if (e >= deadline || (perWorkerCap > 0 && done >= perWorkerCap)) {
                      break;
                    }
                  }
                  counts[id] = done;
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "bench-registry-" + id);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
    try {
      for (Thread t : workers) {
        t.join(warmup.toMillis() + window.toMillis() + TimeUnit.MINUTES.toMillis(2));
        if (t.isAlive()) {
          failure.compareAndSet(
              null, new IllegalStateException("a registry worker did not finish in time"));
          workers.forEach(Thread::interrupt);
          break;
        }
      }
    } catch (Exception e) {
      failure.compareAndSet(null, e);
    }
    CpuTime cpuEnd = CpuTime.now();
    Throwable error = failure.get();
    if (error != null) {
      String m = error.getMessage();
      return new RegistryRate(
          workload,
          threads,
          0,
          0,
          0,
          0,
          error.getClass().getSimpleName() + (m == null ? "" : ": " + m),
          -1);
    }
    long ops = 0;
    long end = windowStart[0];
    for (int w = 0; w < threads; w++) {
      ops += counts[w];
      end = Math.max(end, lastEnd[w]);
    }
    long[] sorted = Latencies.mergeSorted(latencies);
    return new RegistryRate(
        workload,
        threads,
        ops,
        end - windowStart[0],
        Latencies.percentile(sorted, 0.5),
        Latencies.percentile(sorted, 0.99),
        null,
        windowCpu[0] == null ? -1 : cpuEnd.processSince(windowCpu[0]));
  }

  /** Waits at {@code barrier}; false when a worker failed. */
  private static boolean await(CyclicBarrier barrier, AtomicReference<Throwable> failure) {
    try {
      barrier.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure.compareAndSet(null, e);
    } catch (BrokenBarrierException e) {
      failure.compareAndSet(null, new IllegalStateException("another worker failed", e));
    }
    return failure.get() == null;
  }

  private static void one(Registry registry, String workload, String key) throws Exception {
    CasResult r =
        registry.compareAndSet(key, VALUE, CasOptions.ifAbsent()).get(30, TimeUnit.SECONDS);
    if (!r.succeeded()) {
      throw new IllegalStateException("the create of fresh key " + key + " did not succeed");
    }
    if (workload.equals(CAS_DELETE)) {
      long revision = r.current().orElseThrow().modRevision();
      CasResult d =
          registry.delete(key, DeleteOptions.ifRevision(revision)).get(30, TimeUnit.SECONDS);
      if (!d.succeeded()) {
        throw new IllegalStateException(
            "the delete of " + key + " at revision " + revision + " did not succeed");
      }
    }
  }
}
