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
import io.amberio.cluster.ClusterMemberBuilder;
import io.amberio.cluster.ClusterNode;
import io.amberio.cluster.NodeId;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.topology.Topology;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Three {@link ClusterMember}s in this process, each started as {@code amberio node --config}
 * starts one: its store in its own directory, {@value #SCHEDULER_THREADS} scheduler threads, a disk
 * pool of {@value #DISK_THREADS} threads, {@value #IO_THREADS} threads that read PUT bodies, a
 * registry client (its own etcd client, or one shared in-memory registry), and the network
 * transport on a loopback port (real sockets, every frame HMACed with one random secret).
 * Replication factor 3: every node holds a replica of every slot. Workers call the members'
 * blocking {@link ClusterMember#blobStore()} views with the same session code as the single node,
 * each op through the next node in turn (round-robin coordinator).
 *
 * <p>The ports are picked free before the start (the topology names them) and released for the
 * members to bind: another process could take one in between, and the start then fails with a clear
 * message instead of measuring something else.
 */
final class ClusterSubject implements Subject {
  static final List<String> NODE_IDS = List.of("a", "b", "c");
  static final int SCHEDULER_THREADS = ClusterMember.DEFAULT_SCHEDULER_THREADS;
  static final int DISK_THREADS = ClusterMember.DEFAULT_DISK_THREADS;
  static final int IO_THREADS = 16;

  /** How long the three nodes may take to start and agree on every slot. */
  static final long START_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(2);

  private final String name;
  private final List<ClusterMember> members = new ArrayList<>();
  private final List<ClusterNode> nodes = new ArrayList<>();
  private final List<BlobStore> views = new ArrayList<>();
  private String startNote;

  private ClusterSubject(String name) {
    this.name = name;
  }

  /**
   * Starts the three members and waits until every node serves every slot and all agree on every
   * slot's epoch.
   *
   * @param etcd the etcd client URL (one etcd client per member), or null to use {@code shared}
   * @param shared a registry all three members use (an {@code InMemoryRegistry}); not closed by
   *     this subject
   * @param slotCount slots of the stores and the topology; 0 for the store's default
   */
  static ClusterSubject start(
      String name, Path dir, BenchOptions options, int slotCount, URI etcd, Registry shared)
      throws IOException {
    ClusterSubject c = new ClusterSubject(name);
    try {
      c.startMembers(dir, options, slotCount, etcd, shared);
      return c;
    } catch (IOException | RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  private void startMembers(
      Path dir, BenchOptions options, int slotCount, URI etcd, Registry shared) throws IOException {
    long begin = System.nanoTime();
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    List<Topology.Node> hosts = new ArrayList<>();
    // The ports are held open together while they are picked, so no two are the same.
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (String id : NODE_IDS) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        hosts.add(Topology.Node.of(id, "127.0.0.1:" + s.getLocalPort()));
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    int slots = slotCount > 0 ? slotCount : BlobStoreBuilder.DEFAULT_SLOT_COUNT;
    Topology topology = Topology.of(slots, NODE_IDS.size(), hosts);
    List<CompletableFuture<ClusterMember>> starting = new ArrayList<>();
    // A member's start waits until its node has joined, which needs the others: start all three.
    ExecutorService starters = Executors.newFixedThreadPool(NODE_IDS.size());
    for (Topology.Node host : hosts) {
      String id = host.id().value();
      int port = Integer.parseInt(host.address().substring(host.address().lastIndexOf(':') + 1));
      ClusterMemberBuilder member =
          ClusterMember.builder()
              .nodeId(host.id())
              .topology(topology)
              .dataDirs(List.of(dir.resolve(id)))
              .clusterListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
              .secret(secret)
              .storeOptions(b -> Stores.tune(b, options))
              .schedulerThreads(SCHEDULER_THREADS)
              .diskThreads(DISK_THREADS)
              .blobStoreThreads(IO_THREADS)
              .startTimeout(Duration.ofMillis(START_TIMEOUT_MS));
      if (etcd != null) {
        member.etcd(List.of(etcd));
      } else {
        member.registry(shared);
      }
      starting.add(CompletableFuture.supplyAsync(() -> startOne(member), starters));
    }
    RuntimeException failed = null;
    for (CompletableFuture<ClusterMember> f : starting) {
      try {
        members.add(f.join());
      } catch (CompletionException e) {
        if (failed == null) {
          failed = new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
      }
    }
    starters.shutdown();
    if (failed != null) {
      throw failed;
    }
    members.forEach(m -> nodes.add(m.node()));
    double joined = (System.nanoTime() - begin) / 1e9;
    String steady = awaitSteady(topology, System.currentTimeMillis() + START_TIMEOUT_MS);
    if (steady != null) {
      throw new IllegalStateException(
          "the three nodes did not agree on every slot within "
              + START_TIMEOUT_MS / 1000
              + " s: "
              + steady);
    }
    members.forEach(m -> views.add(m.blobStore()));
    startNote =
        String.format(
            Locale.ROOT,
            "%s: 3 nodes, %d slots, replication factor 3; started in %.1fs, every node serving every slot %.1fs after the start",
            name,
            topology.slotCount(),
            joined,
            (System.nanoTime() - begin) / 1e9);
  }

  private static ClusterMember startOne(ClusterMemberBuilder member) {
    try {
      return member.start();
    } catch (ClusterMember.StartException e) {
      throw new CompletionException(e);
    }
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
  public boolean lists() {
    return true;
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
    for (BlobStore v : views) {
      v.collectGarbage();
    }
  }

  /**
   * Closes the members: each leaves the cluster (revoking its lease), then closes its transport,
   * registry client, threads and store. The first failure is rethrown as IOException once all are
   * closed.
   */
  @Override
  public void close() throws IOException {
    Exception failure = null;
    for (ClusterMember m : members) {
      try {
        m.close();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw new IOException("closing the cluster failed: " + failure, failure);
    }
  }
}
