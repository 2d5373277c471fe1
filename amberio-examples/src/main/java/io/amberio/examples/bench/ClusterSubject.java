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
import io.amberio.cluster.ClusterNode;
import io.amberio.cluster.NodeId;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.etcd.EtcdRegistry;
import io.amberio.cluster.topology.Topology;
import io.amberio.cluster.transport.tcp.NetworkTransport;
import io.amberio.core.BlobStore;
import io.amberio.core.Scheduler;
import io.amberio.core.replica.ReplicaStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Three {@link ClusterNode}s in this process, assembled as {@link ClusterMember} assembles one: per
 * node a {@link ReplicaStore} in its own directory, {@link Scheduler#system} over {@value
 * #SCHEDULER_THREADS} threads, a disk pool of {@value #DISK_THREADS} threads, an io pool that reads
 * PUT bodies, a registry client, and a {@link NetworkTransport} on a free loopback port (real
 * sockets, every frame HMACed with one random secret). Replication factor 3: every node holds a
 * replica of every slot. Workers call the nodes' blocking {@link ClusterNode#asBlobStore} views
 * with the same session code as the single node, each op through the next node in turn (round-robin
 * coordinator).
 */
final class ClusterSubject implements Subject {
  static final List<String> NODE_IDS = List.of("a", "b", "c");
  static final int SCHEDULER_THREADS = ClusterMember.DEFAULT_SCHEDULER_THREADS;
  static final int DISK_THREADS = ClusterMember.DEFAULT_DISK_THREADS;
  static final int IO_THREADS = 16;

  /** How long the three nodes may take to start and agree on every slot. */
  static final long START_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(2);

  private final String name;
  private final List<ScheduledThreadPoolExecutor> timers = new ArrayList<>();
  private final List<ExecutorService> pools = new ArrayList<>();
  private final List<Registry> ownRegistries = new ArrayList<>();
  private final List<NetworkTransport> transports = new ArrayList<>();
  private final List<ReplicaStore> stores = new ArrayList<>();
  private final List<ClusterNode> nodes = new ArrayList<>();
  private final List<BlobStore> views = new ArrayList<>();
  private String startNote;

  private ClusterSubject(String name) {
    this.name = name;
  }

  /**
   * Starts the three nodes and waits until every node serves every slot and all agree on every
   * slot's epoch.
   *
   * @param etcd the etcd client URL (one {@code EtcdRegistry} client per node), or null to use
   *     {@code shared}
   * @param shared a registry all three nodes use (an {@code InMemoryRegistry}); not closed by this
   *     subject
   * @param slotCount slots of the stores and the topology; 0 for the store's default
   */
  static ClusterSubject start(
      String name, Path dir, BenchOptions options, int slotCount, URI etcd, Registry shared)
      throws IOException {
    ClusterSubject c = new ClusterSubject(name);
    try {
      c.startNodes(dir, options, slotCount, etcd, shared);
      return c;
    } catch (IOException | RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  private void startNodes(Path dir, BenchOptions options, int slotCount, URI etcd, Registry shared)
      throws IOException {
    long begin = System.nanoTime();
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Map<NodeId, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    List<Scheduler> schedulers = new ArrayList<>();
    List<ExecutorService> disks = new ArrayList<>();
    List<ExecutorService> ios = new ArrayList<>();
    List<Registry> registries = new ArrayList<>();
    for (String id : NODE_IDS) {
      ReplicaStore store = ReplicaStore.open(Stores.builder(dir.resolve(id), options, slotCount));
      stores.add(store);
      ScheduledThreadPoolExecutor t = NodeThreads.timers(SCHEDULER_THREADS, "bench-cluster-" + id);
      timers.add(t);
      Scheduler scheduler = Scheduler.system(t);
      schedulers.add(scheduler);
      ExecutorService disk = NodeThreads.pool(DISK_THREADS, "bench-disk-" + id);
      ExecutorService io = NodeThreads.pool(IO_THREADS, "bench-io-" + id);
      disks.add(disk);
      ios.add(io);
      pools.add(disk);
      pools.add(io);
      Registry registry = shared;
      if (etcd != null) {
        registry = EtcdRegistry.builder().endpoints(List.of(etcd)).scheduler(scheduler).build();
        ownRegistries.add(registry);
      }
      registries.add(registry);
      NetworkTransport transport =
          NetworkTransport.builder(NodeId.of(id), secret, scheduler)
              .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .resolver(addresses::get)
              .build();
      transports.add(transport);
      addresses.put(NodeId.of(id), transport.localAddress());
    }
    List<Topology.Node> members = new ArrayList<>();
    for (int i = 0; i < NODE_IDS.size(); i++) {
      members.add(
          Topology.Node.of(
              NODE_IDS.get(i), "127.0.0.1:" + transports.get(i).localAddress().getPort()));
    }
    Topology topology = Topology.of(stores.get(0).slotCount(), NODE_IDS.size(), members);
    for (int i = 0; i < NODE_IDS.size(); i++) {
      String id = NODE_IDS.get(i);
      ClusterNode node =
          ClusterNode.builder()
              .id(NodeId.of(id))
              .topology(topology)
              .store(stores.get(i))
              .transport(transports.get(i))
              .registry(registries.get(i))
              .scheduler(schedulers.get(i))
              .diskExecutor(disks.get(i))
              .tempDir(dir.resolve(id).resolve("cluster-staging"))
              .build();
      nodes.add(node);
    }
    List<CompletableFuture<Void>> started = new ArrayList<>();
    for (ClusterNode n : nodes) {
      started.add(n.start());
    }
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    try {
      CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
          .get(START_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(
          "the three nodes did not start within " + START_TIMEOUT_MS / 1000 + " s: " + e, e);
    }
    double joined = (System.nanoTime() - begin) / 1e9;
    String steady = awaitSteady(topology, deadline);
    if (steady != null) {
      throw new IllegalStateException(
          "the three nodes did not agree on every slot within "
              + START_TIMEOUT_MS / 1000
              + " s: "
              + steady);
    }
    for (int i = 0; i < nodes.size(); i++) {
      views.add(nodes.get(i).asBlobStore(ios.get(i)));
    }
    startNote =
        String.format(
            Locale.ROOT,
            "%s: 3 nodes, %d slots, replication factor 3; started in %.1fs, every node serving every slot %.1fs after the start",
            name,
            topology.slotCount(),
            joined,
            (System.nanoTime() - begin) / 1e9);
  }

  /**
   * Waits until every node is up for every other, serves every slot (in sync under its own lease)
   * with all three replicas in sync, and all nodes have cached the same epoch of every slot: then
   * no write of a cell meets a slot that is still being claimed. Returns null when so, else what
   * was still missing.
   */
  private String awaitSteady(Topology topology, long deadline) {
    String missing = "not checked";
    while (System.currentTimeMillis() < deadline) {
      missing = missing(topology);
      if (missing == null) {
        return null;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }
    return missing;
  }

  private String missing(Topology topology) {
    for (ClusterNode n : nodes) {
      for (NodeId other : topology.nodeIds()) {
        if (!n.status(other).equals("up")) {
          return n.id() + " sees " + other + " " + n.status(other);
        }
      }
    }
    for (int slot = 0; slot < topology.slotCount(); slot++) {
      long epoch = -1;
      for (ClusterNode n : nodes) {
        ClusterNode.SlotView v = n.slot(slot);
        if (!n.serving(slot) || v.inSync().size() != nodes.size() || !v.learners().isEmpty()) {
          return n.id()
              + " does not serve slot "
              + slot
              + " yet (in sync "
              + v.inSync()
              + ", learners "
              + v.learners()
              + ")";
        }
        if (epoch >= 0 && v.epoch() != epoch) {
          return "the nodes see slot " + slot + " at different epochs";
        }
        epoch = v.epoch();
      }
    }
    return null;
  }

  @Override
  public String name() {
    return name;
  }

  /** How the nodes started, for the report. */
  String startNote() {
    return startNote;
  }

  /** The blocking views of the three nodes, a, b, c. */
  List<BlobStore> views() {
    return views;
  }

  @Override
  public Session open(int worker) {
    return EmbeddedSubject.session(views, worker);
  }

  @Override
  public String prepare() {
    return Stores.prefill(name, views.get(0)) + " (through node a; every slot of every node)";
  }

  /**
   * Deletes through the cluster (each key through one node in turn), then collects garbage on every
   * node.
   */
  @Override
  public void reclaim(List<String> keys) {
    AtomicInteger next = new AtomicInteger();
    Stores.parallel(
        keys, k -> views.get(Math.floorMod(next.getAndIncrement(), views.size())).delete(k));
    for (ReplicaStore s : stores) {
      s.collectGarbage();
    }
  }

  /**
   * Leaves the cluster (each node revokes its lease), then closes the transports, the registry
   * clients, the threads, and the stores, in that order. Never throws; the first failure is
   * rethrown as IOException.
   */
  @Override
  public void close() throws IOException {
    List<Exception> failures = new ArrayList<>();
    for (ClusterNode n : nodes) {
      run(failures, n::close);
    }
    for (NetworkTransport t : transports) {
      run(failures, t::close);
    }
    for (Registry r : ownRegistries) {
      run(failures, r::close);
    }
    for (ExecutorService p : pools) {
      run(failures, () -> NodeThreads.stop(p));
    }
    for (ScheduledThreadPoolExecutor t : timers) {
      run(failures, () -> NodeThreads.stop(t));
    }
    for (ReplicaStore s : stores) {
      run(failures, s::close);
    }
    if (!failures.isEmpty()) {
      throw new IOException("closing the cluster failed: " + failures.get(0), failures.get(0));
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void run(List<Exception> failures, Step step) {
    try {
      step.run();
    } catch (Exception e) {
      failures.add(e);
    }
  }
}
