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
package io.amberio.cluster;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The thread pools a {@link ClusterMember} creates, owns and stops. */
final class MemberThreads {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterMember.class);

  private MemberThreads() {}

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
   * The threads of the scheduler: a cancelled timer leaves the queue at once (nodes cancel many
   * timeouts), and delayed tasks are dropped at shutdown instead of run.
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

  /** Shuts the pool down, waits up to 10 s for its tasks, then interrupts what still runs. */
  static void stop(ExecutorService pool) throws InterruptedException {
    pool.shutdown();
    if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
      pool.shutdownNow();
      LOG.warn("Threads still busy after 10 s were interrupted: {}", pool);
    }
  }
}
