package io.amberio.examples.cluster;

import io.amberio.cluster.ClusterNode;
import io.amberio.cluster.NodeId;
import io.amberio.core.Scheduler;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.topology.Topology;
import io.amberio.cluster.transport.Transport;
import io.amberio.core.replica.ReplicaStore;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How the examples assemble a {@link ClusterNode} and its threads, in one place: {@code ClusterMember}
 * ({@code amberio node}), the bench's three-node cluster and {@link ThreeNodeExample} wire their nodes alike,
 * so the bench measures the node as {@code amberio node} runs it.
 */
public final class NodeParts {
  private NodeParts() {}

  /**
   * A {@link ClusterNode#builder()} with the parts every node needs; the caller adds what differs (its
   * {@code config}, its {@code tempDir}) and builds.
   */
  public static ClusterNode.Builder builder(NodeId id, Topology topology, ReplicaStore store, Transport transport,
      Registry registry, Scheduler scheduler, Executor disk) {
    return ClusterNode.builder()
        .id(id)
        .topology(topology)
        .store(store)
        .transport(transport)
        .registry(registry)
        .scheduler(scheduler)
        .diskExecutor(disk);
  }

  /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ...: they never keep the JVM alive. */
  public static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * The threads of a node's {@link Scheduler#system}: a cancelled timer leaves the queue at once (nodes
   * cancel many timeouts), and delayed tasks are dropped at shutdown instead of run.
   */
  public static ScheduledThreadPoolExecutor timers(int threads, String prefix) {
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(threads, threads(prefix));
    timers.setRemoveOnCancelPolicy(true);
    timers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return timers;
  }

  /** A pool of at most {@code threads} threads that end after 30 s idle, with an unbounded queue. */
  public static ExecutorService pool(int threads, String prefix) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads(prefix));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * Shuts the pool down, waits up to 10 s for its tasks, then interrupts what still runs.
   *
   * @return false if tasks were still running after 10 s (and were interrupted)
   */
  public static boolean stop(ExecutorService pool) throws InterruptedException {
    pool.shutdown();
    if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
      pool.shutdownNow();
      return false;
    }
    return true;
  }
}
