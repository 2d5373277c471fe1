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
package io.amberio.cluster.testkit;

import io.amberio.cluster.ClusterConfig;
import io.amberio.cluster.ClusterNode;
import io.amberio.cluster.NodeId;
import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.cluster.sim.SimScheduler;
import io.amberio.cluster.topology.Topology;
import io.amberio.cluster.transport.Transport;
import io.amberio.cluster.transport.memory.InMemoryNetwork;
import io.amberio.core.BlobStore;
import io.amberio.core.replica.ReplicaStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Cluster nodes on one {@link SimScheduler}, an {@link InMemoryNetwork} and an {@link
 * InMemoryRegistry}, each with a real store under {@code dir/<id>}: the fixture of tests that stop,
 * wipe and restart nodes in simulated time. Close it to halt every node and close every store.
 */
public final class SimCluster implements AutoCloseable {
  private final Path dir;
  private final int slots;
  private final Topology topology;
  private final SimScheduler sched;
  private final InMemoryNetwork net;
  private final InMemoryRegistry registry;
  private final Map<NodeId, ClusterNode> nodes = new LinkedHashMap<>();
  private final Map<NodeId, ReplicaStore> stores = new LinkedHashMap<>();
  private final Map<NodeId, Transport> transports = new LinkedHashMap<>();
  private BiFunction<NodeId, Transport, Transport> wrap = (id, t) -> t;

  /**
   * A cluster of {@code ids} (addresses {@code <id>:1}), {@code slots} slots of {@code rf}
   * replicas, not started.
   */
  public SimCluster(Path dir, long seed, int slots, int rf, String... ids) {
    this.dir = dir;
    this.slots = slots;
    this.sched = SimScheduler.create(seed);
    this.registry = new InMemoryRegistry(sched);
    this.net = InMemoryNetwork.builder(sched, new Random(seed + 1)).build();
    this.topology =
        Topology.of(slots, rf, Stream.of(ids).map(id -> Topology.Node.of(id, id + ":1")).toList());
  }

  /**
   * Wraps the transport each node gets from now on (for example to watch or refuse what it serves);
   * {@code wrap} receives the node's id and its transport in the in-memory network.
   */
  public SimCluster wrapTransports(BiFunction<NodeId, Transport, Transport> wrap) {
    this.wrap = wrap;
    return this;
  }

  public SimScheduler scheduler() {
    return sched;
  }

  public Topology topology() {
    return topology;
  }

  public int slots() {
    return slots;
  }

  /** The running node {@code id}. */
  public ClusterNode node(String id) {
    ClusterNode n = nodes.get(NodeId.of(id));
    if (n == null) {
      throw new IllegalStateException(id + " is not running");
    }
    return n;
  }

  public ReplicaStore store(String id) {
    return stores.get(NodeId.of(id));
  }

  /** Starts every node of the topology with {@code config}. */
  public SimCluster start(ClusterConfig config) {
    for (Topology.Node n : topology.nodes()) {
      start(n.id().value(), topology, config);
    }
    return this;
  }

  /**
   * Starts {@code id} on its store (opened, or created empty), with {@code topology} as its
   * bootstrap topology (a node joining later names itself in it).
   */
  public ClusterNode start(String id, Topology topology, ClusterConfig config) {
    NodeId n = NodeId.of(id);
    ReplicaStore store =
        ReplicaStore.open(
            BlobStore.builder().dataDir(dir.resolve(id)).slotCount(slots).clock(sched.clock()));
    stores.put(n, store);
    ClusterNode node =
        ClusterNode.builder()
            .id(n)
            .topology(topology)
            .store(store)
            .transport(transports.computeIfAbsent(n, k -> wrap.apply(k, net.join(k))))
            .registry(registry)
            .scheduler(sched)
            .diskExecutor(sched)
            .config(config)
            .random(new Random(id.hashCode()))
            .build();
    nodes.put(n, node);
    node.start();
    return node;
  }

  /** Stops {@code id} as a crash would (its store is kept on disk). */
  public void halt(String id) {
    NodeId n = NodeId.of(id);
    ClusterNode node = nodes.remove(n);
    if (node != null) {
      node.halt();
    }
    Transport t = transports.remove(n);
    if (t != null) {
      t.close();
    }
    ReplicaStore s = stores.remove(n);
    if (s != null) {
      s.close();
    }
  }

  /** Stops {@code id} and deletes its store: lost for good. */
  public void destroy(String id) {
    halt(id);
    Path root = dir.resolve(id);
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the simulation until {@code condition} holds, at most {@code limit} of simulated time. */
  public boolean runUntil(java.util.function.BooleanSupplier condition, Duration limit) {
    return sched.runUntil(condition, limit);
  }

  /** Runs the simulation for {@code d} of simulated time. */
  public void runFor(Duration d) {
    sched.runFor(d);
  }

  /** Runs until {@code f} is done (at most {@code limit}), then returns its outcome. */
  public <T> T await(CompletableFuture<T> f, Duration limit) {
    return sched.join(f, limit);
  }

  /**
   * Whether every running node is ready and sees every slot served by {@code rf} in-sync replicas.
   */
  public boolean allInSync(int rf) {
    return nodes.values().stream().allMatch(ClusterNode::ready)
        && nodes.values().stream()
            .allMatch(
                n ->
                    IntStream.range(0, slots)
                            .allMatch(s -> n.serving(s) || !n.slot(s).inSync().contains(n.id()))
                        && IntStream.range(0, slots)
                            .allMatch(s -> n.slot(s).inSync().size() == rf));
  }

  /** The running nodes. */
  public List<ClusterNode> running() {
    return List.copyOf(nodes.values());
  }

  @Override
  public void close() {
    for (NodeId n : List.copyOf(nodes.keySet())) {
      halt(n.value());
    }
    for (ReplicaStore s : stores.values()) {
      s.close();
    }
  }
}
