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

import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.membership.SlotState;
import io.amberio.cluster.internal.msg.RegistryValues;
import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.cluster.sim.SimScheduler;
import io.amberio.cluster.topology.Placement;
import io.amberio.cluster.topology.Topology;
import io.amberio.cluster.transport.Transport;
import io.amberio.cluster.transport.memory.InMemoryNetwork;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.PutOptions;
import io.amberio.core.replica.ReplicaStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership changes while serving, in simulation: add a fourth node, drain and remove one of the
 * first three, and replace one that died for good, with writes going on all the time. After each
 * change: every slot's in-sync replicas are exactly the target placement of the topology in force,
 * those replicas hold identical versions, and every acknowledged write reads back.
 */
class TopologyChangeTest {
  private static final int SLOTS = 16;
  private static final Duration LONG = Duration.ofMinutes(5);

  @TempDir Path dir;
  private SimScheduler sched;
  private InMemoryRegistry registry;
  private InMemoryNetwork net;
  private final Map<NodeId, ClusterNode> nodes = new LinkedHashMap<>();
  private final Map<NodeId, ReplicaStore> stores = new HashMap<>();
  private final Map<NodeId, Transport> transports = new HashMap<>();
  private final Map<String, BlobInfo> acked = new HashMap<>();
  private final List<String> failures = new ArrayList<>();
  private int writes;

  @AfterEach
  void stop() {
    nodes.values().forEach(ClusterNode::halt);
    stores.values().forEach(ReplicaStore::close);
  }

  @Test
  void addDrainRemoveAndReplaceWhileWriting() {
    sched = SimScheduler.create(11);
    registry = new InMemoryRegistry(sched);
    net = InMemoryNetwork.builder(sched, new Random(1)).build();
    List<Topology.Node> first = List.of(n("a"), n("b"), n("c"));
    for (Topology.Node m : first) {
      start(m.id(), Topology.of(SLOTS, 3, first));
    }
    awaitConverged();
    ClusterNode a = nodes.get(NodeId.of("a"));
    writeFor(a, Duration.ofSeconds(2));

    // Add d: a quarter of the replicas move to it.
    Topology.Node d = n("d");
    long v2 = run(() -> a.addNode(d));
    assertThat(v2).isEqualTo(2);
    start(d.id(), Topology.of(SLOTS, 3, List.of(n("a"), n("b"), n("c"), d)));
    writeUntilConverged(a);
    assertLevel();
    assertThat(nodes.get(NodeId.of("d")).placement().slotsOf(d.id())).hasSize(SLOTS * 3 / 4);

    // Remove b: it drains first (every slot keeps 3 in-sync replicas on the others), then leaves.
    NodeId b = NodeId.of("b");
    ClusterNode.Removal draining = run(() -> a.removeNode(b));
    assertThat(draining.removed()).isFalse();
    writeUntilConverged(a);
    assertLevel();
    ClusterNode.Removal removed = run(() -> a.removeNode(b));
    assertThat(removed.removed()).as("drained, then removed").isTrue();
    assertThat(a.topology().node(b)).isEmpty();
    nodes.remove(b).halt();
    assertThat(failures).as("writes that failed while d was added and b drained").isEmpty();

    // c dies for good; e replaces it and takes its place in every slot. Writes that wait on c fail
    // until its session ends and the others remove it (TTL + RPC timeout, failure detection as for
    // any crash); after that none may fail.
    NodeId c = NodeId.of("c");
    nodes.remove(c).halt();
    transports.remove(c).close();
    long killedAt = writes;
    writeFor(a, Duration.ofSeconds(12));
    long detected = writes;
    failures.removeIf(f -> writeNo(f) < detected && writeNo(f) >= killedAt);
    Topology.Node e = n("e");
    run(() -> a.replaceNode(c, e));
    start(e.id(), Topology.of(SLOTS, 3, List.of(n("a"), n("c"), n("d"), e)));
    writeUntilConverged(a);
    assertLevel();
    assertThat(a.topology().nodeIds()).containsExactly(NodeId.of("a"), d.id(), e.id());

    assertThat(failures).as("writes that failed after c was removed").isEmpty();
    assertThat(writes).isGreaterThan(100);
    // Every acknowledged write reads back through every node.
    for (ClusterNode via : nodes.values()) {
      for (Map.Entry<String, BlobInfo> w : acked.entrySet()) {
        BlobInfo got = run(() -> via.head(w.getKey(), java.util.OptionalLong.empty()));
        assertThat(got.blobId())
            .as(w.getKey() + " via " + via.id())
            .isEqualTo(w.getValue().blobId());
      }
    }
  }

  /**
   * A registry written by the release before (the cluster value in format v1, slot states in v1) is
   * read as topology version 1 with the placement that release computed; the first change writes
   * version 2 in format v2 and the slots move.
   */
  @Test
  void aClusterOfThePreviousReleaseChangesItsTopology() {
    sched = SimScheduler.create(12);
    registry = new InMemoryRegistry(sched);
    net = InMemoryNetwork.builder(sched, new Random(1)).build();
    List<Topology.Node> first = List.of(n("a"), n("b"), n("c"));
    Topology t = Topology.of(SLOTS, 3, first);
    // What the release before wrote: RegistryValues.topology is its encoder, unchanged.
    byte[] v1 = RegistryValues.topology(t);
    assertThat(new String(v1, StandardCharsets.UTF_8)).startsWith("v1;slots=16;rf=3;a=a:1");
    registry.compareAndSet(NodeContext.CLUSTER_KEY, v1, CasOptions.ifAbsent()).join();
    for (int s = 0; s < SLOTS; s++) {
      byte[] state = SlotState.initial(s, Placement.initial(t).replicas(s)).encode();
      assertThat(new String(state, StandardCharsets.UTF_8)).startsWith("v1|1|");
      registry.compareAndSet(NodeContext.slotKey(s), state, CasOptions.ifAbsent()).join();
    }
    for (Topology.Node m : first) {
      start(m.id(), t);
    }
    awaitConverged();
    ClusterNode a = nodes.get(NodeId.of("a"));
    assertThat(a.topologyVersion()).isEqualTo(1);
    assertThat(a.placement()).isEqualTo(Placement.initial(t));
    writeFor(a, Duration.ofSeconds(1));
    assertThat(run(() -> a.addNode(n("d")))).isEqualTo(2);
    start(NodeId.of("d"), t.with(n("d")));
    writeUntilConverged(a);
    assertLevel();
    assertThat(failures).isEmpty();
    String now =
        new String(
            registry.get(NodeContext.CLUSTER_KEY).join().orElseThrow().value(),
            StandardCharsets.UTF_8);
    assertThat(now).startsWith("v2;version=2;slots=16;rf=3;node=a,a%3A1,-,1;");
  }

  private static long writeNo(String failure) {
    int at = failure.indexOf("(write ") + "(write ".length();
    return Long.parseLong(failure.substring(at, failure.indexOf(')', at)));
  }

  private static Topology.Node n(String id) {
    return Topology.Node.of(id, id + ":1");
  }

  private void start(NodeId id, Topology config) {
    ReplicaStore store =
        ReplicaStore.open(
            BlobStore.builder()
                .dataDir(dir.resolve(id.value()))
                .slotCount(SLOTS)
                .clock(sched.clock()));
    stores.put(id, store);
    ClusterNode node =
        ClusterNode.builder()
            .id(id)
            .topology(config)
            .store(store)
            .transport(transports.computeIfAbsent(id, net::join))
            .registry(registry)
            .scheduler(sched)
            .diskExecutor(sched)
            .random(new Random(id.hashCode()))
            .build();
    nodes.put(id, node);
    node.start();
  }

  private boolean converged() {
    long version = -1;
    for (ClusterNode n : nodes.values()) {
      if (!n.ready() || !n.topologyStatus().converged()) {
        return false;
      }
      if (version >= 0 && n.topologyVersion() != version) {
        return false;
      }
      version = n.topologyVersion();
    }
    return true;
  }

  private void awaitConverged() {
    assertThat(sched.runUntil(this::converged, LONG)).as("converged").isTrue();
  }

  /** Writes through {@code via}, one every 20 ms of simulated time, until every node converged. */
  private void writeUntilConverged(ClusterNode via) {
    long deadline = sched.now().toEpochMilli() + LONG.toMillis();
    while (!converged() && sched.now().toEpochMilli() < deadline) {
      writeOne(via);
      sched.runFor(Duration.ofMillis(20));
    }
    awaitConverged();
    sched.runFor(Duration.ofSeconds(1)); // the last writes finish
  }

  private void writeFor(ClusterNode via, Duration d) {
    long end = sched.now().toEpochMilli() + d.toMillis();
    while (sched.now().toEpochMilli() < end) {
      writeOne(via);
      sched.runFor(Duration.ofMillis(20));
    }
  }

  private void writeOne(ClusterNode via) {
    String path = "p" + (writes % 150);
    int i = writes++;
    via.put(path, ("w" + i).getBytes(StandardCharsets.UTF_8), PutOptions.defaults())
        .whenComplete(
            (info, t) -> {
              if (t != null) {
                failures.add(path + " (write " + i + "): " + t);
              } else {
                acked.merge(path, info, (x, y) -> x.version() > y.version() ? x : y);
              }
            });
  }

  /** Each slot: in sync exactly on its target, and those replicas hold the same versions. */
  private void assertLevel() {
    ClusterNode any = nodes.values().iterator().next();
    for (int s = 0; s < SLOTS; s++) {
      ClusterNode.SlotView v = any.slot(s);
      assertThat(v.inSync()).as("slot " + s).containsExactlyInAnyOrderElementsOf(v.replicas());
      assertThat(v.replicas()).isEqualTo(any.placement().replicas(s));
      List<String> want = null;
      for (NodeId r : v.replicas()) {
        List<String> have = new ArrayList<>();
        for (BlobInfo b : stores.get(r).versionsAfter(s, null, 100_000)) {
          have.add(b.path() + "@" + b.version() + " " + b.blobId() + " " + b.state());
        }
        if (want == null) {
          want = have;
        } else {
          assertThat(have).as("slot " + s + " on " + r).isEqualTo(want);
        }
      }
    }
  }

  private <T> T run(Supplier<CompletableFuture<T>> call) {
    CompletableFuture<T> f = call.get();
    assertThat(sched.runUntil(f::isDone, LONG)).isTrue();
    return f.join();
  }
}
