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

import io.amberio.cluster.ClusterMember;
import io.amberio.core.Scheduler;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of the bench's cluster nodes, made as {@link ClusterMember} makes a member's (it
 * cannot use {@code ClusterMember} itself: its nodes listen on free ports first and learn the
 * topology after), so the bench measures the node as {@code amberio node --config} runs it.
 */
final class NodeThreads {
  private NodeThreads() {}

  /**
   * Daemon threads named {@code prefix-1}, {@code prefix-2}, ...: they never keep the JVM alive.
   */
  static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * The threads of a node's {@link Scheduler#system}: a cancelled timer leaves the queue at once
   * (nodes cancel many timeouts), and delayed tasks are dropped at shutdown instead of run.
   */
  static ScheduledThreadPoolExecutor timers(int threads, String prefix) {
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(threads, threads(prefix));
    timers.setRemoveOnCancelPolicy(true);
    timers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return timers;
  }

  /**
   * A pool of at most {@code threads} threads that end after 30 s idle, with an unbounded queue.
   */
  static ExecutorService pool(int threads, String prefix) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads(prefix));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * Shuts the pool down, waits up to 10 s for its tasks, then interrupts what still runs.
   *
   * @return false if tasks were still running after 10 s (and were interrupted)
   */
  static boolean stop(ExecutorService pool) throws InterruptedException {
    pool.shutdown();
    if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
      pool.shutdownNow();
      return false;
    }
    return true;
  }
}
