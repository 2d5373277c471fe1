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
package io.amberio.examples.cluster;

import io.amberio.cluster.ClusterNode;
import io.amberio.cluster.NodeId;
import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.cluster.topology.Topology;
import io.amberio.cluster.transport.memory.InMemoryNetwork;
import io.amberio.cluster.transport.memory.InMemoryTransport;
import io.amberio.core.BlobContent;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.Scheduler;
import io.amberio.core.replica.ReplicaStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A three-node cluster in one JVM: three stores, an in-memory registry and an in-memory network (no
 * sockets), every replica of every slot on a different node. It writes through node {@code a},
 * reads through {@code b} and {@code c}, prints what it did, and shuts down. The README shows this
 * program; run it with {@code java -cp amberio-examples/target/amberio.jar
 * io.amberio.examples.cluster.ThreeNodeExample DIR}.
 *
 * <p>One single-threaded {@link Scheduler} drives the registry, the network and the three nodes
 * (the in-memory network runs one task at a time); each node gets its own pool for the store's
 * blocking calls. A real deployment runs one node per machine with {@code amberio node --config},
 * or embeds an {@link io.amberio.cluster.ClusterMember} ({@link EmbeddedMemberExample}): an etcd
 * registry and the TCP transport.
 */
public final class ThreeNodeExample {
  private ThreeNodeExample() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "three-node-data");
    Topology topology =
        Topology.of(
            64,
            3,
            List.of(
                Topology.Node.of("a", "mem:a"),
                Topology.Node.of("b", "mem:b"),
                Topology.Node.of("c", "mem:c")));

    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    Scheduler scheduler = Scheduler.system(timer);
    InMemoryRegistry registry = new InMemoryRegistry(scheduler);
    InMemoryNetwork network = InMemoryNetwork.builder(scheduler, new Random()).build();

    List<ReplicaStore> stores = new ArrayList<>();
    List<ExecutorService> disks = new ArrayList<>();
    List<InMemoryTransport> transports = new ArrayList<>();
    List<ClusterNode> nodes = new ArrayList<>();
    ExecutorService io = Executors.newCachedThreadPool();
    try {
      for (NodeId id : topology.nodeIds()) {
        ReplicaStore store =
            ReplicaStore.open(BlobStore.builder().dataDir(dir.resolve(id.value())).slotCount(64));
        stores.add(store);
        ExecutorService disk = Executors.newFixedThreadPool(4);
        disks.add(disk);
        InMemoryTransport transport = network.join(id);
        transports.add(transport);
        nodes.add(
            ClusterNode.builder()
                .id(id)
                .topology(topology)
                .store(store)
                .transport(transport)
                .registry(registry)
                .scheduler(scheduler)
                .diskExecutor(disk)
                .tempDir(dir.resolve(id.value()).resolve("cluster-staging"))
                .build());
      }
      for (ClusterNode node : nodes) {
        node.start().get(30, TimeUnit.SECONDS);
      }
      System.out.println(
          "started nodes "
              + topology.nodeIds()
              + ", "
              + topology.slotCount()
              + " slots, 3 replicas each");

      // The blocking BlobStore view of a node: what the HTTP server serves.
      BlobStore a = nodes.get(0).asBlobStore(io);
      BlobStore b = nodes.get(1).asBlobStore(io);
      BlobStore c = nodes.get(2).asBlobStore(io);

      String path = "greetings/hello.txt";
      BlobInfo written = a.put(path, "hello, cluster".getBytes(StandardCharsets.UTF_8));
      int slot = a.slotOf(path);
      System.out.println(
          "a wrote "
              + path
              + " v"
              + written.version()
              + " (slot "
              + slot
              + ", replicas "
              + nodes.get(0).slot(slot).replicas()
              + ")");
      for (BlobStore reader : List.of(b, c)) {
        try (BlobContent content = reader.get(path)) {
          String who = reader == b ? "b" : "c";
          System.out.println(
              who
                  + " read "
                  + path
                  + " v"
                  + content.info().version()
                  + ": "
                  + new String(content.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
      BlobInfo second = c.put(path, "hello again".getBytes(StandardCharsets.UTF_8));
      try (BlobContent content = a.get(path)) {
        System.out.println(
            "c wrote v"
                + second.version()
                + ", a read v"
                + content.info().version()
                + ": "
                + new String(content.readAllBytes(), StandardCharsets.UTF_8));
      }
    } finally {
      // Leave the cluster, then close what each node used: transport, store, threads; then the
      // shared parts.
      for (ClusterNode node : nodes) {
        node.close();
      }
      for (InMemoryTransport transport : transports) {
        transport.close();
      }
      for (ExecutorService disk : disks) {
        shutDown(disk);
      }
      for (ReplicaStore store : stores) {
        store.close();
      }
      shutDown(io);
      registry.close();
      shutDown(timer);
    }
    System.out.println("stopped");
  }

  /** Lets the pool finish its tasks (up to 10 s), then stops its threads. */
  private static void shutDown(ExecutorService pool) throws InterruptedException {
    pool.shutdown();
    if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
      pool.shutdownNow();
    }
  }
}
