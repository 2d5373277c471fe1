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

import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.cluster.topology.Topology;
import io.amberio.cluster.transport.Transport;
import io.amberio.cluster.transport.memory.InMemoryNetwork;
import io.amberio.core.BlobStore;
import io.amberio.core.Scheduler;
import io.amberio.core.replica.ReplicaStore;
import io.amberio.core.testkit.BlobStoreContract;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link BlobStoreContract}, bound to the cluster's {@link BlobStore} view ({@link
 * ClusterNode#asBlobStore}, what the HTTP node serves) of the first node of an in-memory cluster:
 * an {@link InMemoryRegistry} and an {@link InMemoryNetwork} on one real scheduler thread, real
 * SQLite {@link ReplicaStore}s in the store's directory ({@code n0}, {@code n1}, ...), one disk
 * executor. Reopening a directory restarts every node on its old data, against the same registry,
 * as a restart of the whole cluster would.
 *
 * <p>Two things differ from binding a local store, both by design of the cluster, not exceptions to
 * the contract: the nodes' scheduler tells time by the contract's clock, because a cluster stamps a
 * version with its coordinator's clock (so that every replica stores the same instant), not with
 * the store's; and {@link BlobStore#collectGarbage()} and {@link BlobStore#slotStats} are those of
 * the first node's own replicas (every node holds every slot here, and reads of the first node are
 * served by it). Every test of the contract runs unchanged on one node; on three, the one
 * expectation a cluster cannot meet is overridden in {@link ThreeNodeClusterBlobStoreTest}, with
 * the reason.
 */
abstract class ClusterBlobStoreContractTest extends BlobStoreContract {
  private static ScheduledExecutorService schedulerThread;
  private static Scheduler scheduler;
  private static ExecutorService disk;
  private static ExecutorService io;

  /** The clusters of this test, by store directory. */
  private final Map<Path, TestCluster> clusters = new HashMap<>();

  /** How many nodes, each holding every slot (replication factor = nodes). */
  protected abstract int nodes();

  @BeforeAll
  static void startThreads() {
    schedulerThread =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "cluster-scheduler"));
    scheduler = Scheduler.system(schedulerThread);
    disk = Executors.newFixedThreadPool(4, r -> daemon(r, "cluster-disk"));
    io = Executors.newCachedThreadPool(r -> daemon(r, "cluster-io"));
  }

  @AfterAll
  static void stopThreads() {
    schedulerThread.shutdownNow();
    disk.shutdownNow();
    io.shutdownNow();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  protected BlobStore openStore(Path dir, StoreConfig config) {
    TestCluster old = clusters.remove(dir);
    InMemoryRegistry registry = old == null ? new InMemoryRegistry(scheduler) : old.registry;
    if (old != null) {
      old.stop();
    }
    TestCluster c = new TestCluster(dir, config, registry);
    clusters.put(dir, c);
    return c.nodes.get(0).asBlobStore(io);
  }

  @AfterEach
  void stopClusters() {
    clusters.values().forEach(TestCluster::stop);
    clusters.values().forEach(c -> c.registry.close());
    clusters.clear();
  }

  /** The nodes, stores and transports over one directory. */
  private final class TestCluster {
    final InMemoryRegistry registry;
    final List<ReplicaStore> stores = new ArrayList<>();
    final List<Transport> transports = new ArrayList<>();
    final List<ClusterNode> nodes = new ArrayList<>();

    TestCluster(Path dir, StoreConfig c, InMemoryRegistry registry) {
      this.registry = registry;
      InMemoryNetwork network = InMemoryNetwork.builder(scheduler, new Random(1)).build();
      List<Topology.Node> members = new ArrayList<>();
      for (int i = 0; i < nodes(); i++) {
        members.add(Topology.Node.of("n" + i, "memory:" + i));
      }
      Topology topology = Topology.of(c.slotCount(), nodes(), members);
      // A cluster stamps versions with its nodes' clock (the coordinator's), not the store's: so
      // the nodes
      // tell time by the contract's clock. Their timers, and the registry, run in real time.
      Scheduler nodeTime =
          new Scheduler() {
            @Override
            public InstantSource clock() {
              return c.clock();
            }

            @Override
            public void execute(Runnable task) {
              scheduler.execute(task);
            }

            @Override
            public Cancellable schedule(Duration delay, Runnable task) {
              return scheduler.schedule(delay, task);
            }
          };
      try {
        for (Topology.Node m : members) {
          ReplicaStore store =
              ReplicaStore.open(
                  BlobStore.builder()
                      .dataDir(dir.resolve(m.id().value()))
                      .slotCount(c.slotCount())
                      .chunkSize(c.chunkSize())
                      .inlineThreshold(c.inlineThreshold())
                      .maxBlobSize(c.maxBlobSize())
                      .retention(c.retention())
                      .clock(c.clock())
                      .gcInterval(Duration.ZERO)
                      .minFreeBytes(0));
          stores.add(store);
          Transport transport = network.join(m.id());
          transports.add(transport);
          nodes.add(
              ClusterNode.builder()
                  .id(m.id())
                  .topology(topology)
                  .store(store)
                  .transport(transport)
                  .registry(registry)
                  .scheduler(nodeTime)
                  .diskExecutor(disk)
                  .tempDir(dir.resolve("tmp-" + m.id().value()))
                  .build());
        }
        nodes.forEach(n -> n.start().join());
        awaitServing(c.slotCount());
      } catch (RuntimeException | AssertionError e) {
        stop();
        throw e;
      }
    }

    private void awaitServing(int slots) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!nodes.stream()
          .allMatch(n -> n.ready() && IntStream.range(0, slots).allMatch(n::serving))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the cluster did not serve every slot within 30 s");
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }

    void stop() {
      nodes.forEach(ClusterNode::close);
      transports.forEach(Transport::close);
      stores.forEach(
          s -> {
            try {
              s.close();
            } catch (RuntimeException alreadyClosedOrBroken) {
              // a test may have closed or broken it on purpose
            }
          });
    }
  }
}
