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

import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.cluster.sim.SimScheduler;
import io.amberio.cluster.topology.Topology;
import io.amberio.cluster.transport.memory.InMemoryNetwork;
import io.amberio.core.BlobStore;
import io.amberio.core.PutOptions;
import io.amberio.core.replica.ReplicaStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that can reach the registry but none of its peers: it says so ({@link
 * ClusterNode#cutOff()}, which the HTTP node's health reports); after a lease TTL of it, it ends
 * its session so that the others write without it, within the stated bound (RPC timeout + TTL + two
 * ticks of TTL/4 + a registry round trip, and an RPC timeout for a write already waiting on the cut
 * node: under 18 s with the defaults; checked here against 18 s of simulated time from the cut,
 * with writes through a healthy node every 250 ms); and once the cut heals it comes back, catches
 * up and is in sync again.
 */
class CutOffNodeTest {
  private static final int SLOTS = 8;

  @TempDir Path dir;
  private final List<ClusterNode> nodes = new ArrayList<>();
  private final List<ReplicaStore> stores = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(ClusterNode::halt);
    stores.forEach(ReplicaStore::close);
  }

  @Test
  void aNodeCutOffFromEveryPeerSaysWhy() {
    SimScheduler sched = SimScheduler.create(9);
    InMemoryRegistry registry = new InMemoryRegistry(sched);
    InMemoryNetwork net = InMemoryNetwork.builder(sched, new Random(1)).build();
    List<Topology.Node> tn =
        List.of(
            Topology.Node.of("a", "a:1"),
            Topology.Node.of("b", "b:1"),
            Topology.Node.of("c", "c:1"));
    Topology topology = Topology.of(SLOTS, 3, tn);
    for (Topology.Node n : tn) {
      ReplicaStore store =
          ReplicaStore.open(
              BlobStore.builder()
                  .dataDir(dir.resolve(n.id().value()))
                  .slotCount(SLOTS)
                  .clock(sched.clock()));
      stores.add(store);
      nodes.add(
          ClusterNode.builder()
              .id(n.id())
              .topology(topology)
              .store(store)
              .transport(net.join(n.id()))
              .registry(registry)
              .scheduler(sched)
              .diskExecutor(sched)
              .random(new Random(n.id().hashCode()))
              .build());
    }
    nodes.forEach(ClusterNode::start);
    assertThat(
            sched.runUntil(
                () ->
                    nodes.stream()
                        .allMatch(n -> n.ready() && IntStream.range(0, SLOTS).allMatch(n::serving)),
                Duration.ofSeconds(30)))
        .isTrue();
    ClusterNode c = nodes.get(2);
    assertThat(c.cutOff()).isEmpty();

    NodeId a = NodeId.of("a");
    NodeId b = NodeId.of("b");
    NodeId cid = NodeId.of("c");
    net.partition(cid, a);
    net.partition(cid, b);
    // c learns it only by calling its peers: a write through c.
    c.put("p", "x".getBytes(StandardCharsets.UTF_8), PutOptions.defaults());
    sched.runFor(Duration.ofSeconds(6));
    assertThat(c.ready()).as("c still holds its lease: the registry is reachable").isTrue();
    assertThat(c.cutOff())
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .contains("cannot reach any other live node")
                    .contains("a (", "b ("));
    assertThat(nodes.get(0).cutOff()).as("a reaches b").isEmpty();

    // Writes through a resume once c has ended its session and the others removed it.
    ClusterNode nodeA = nodes.get(0);
    AtomicLong firstOk = new AtomicLong(-1);
    long cutAt = sched.now().toEpochMilli() - 6_000;
    for (int i = 0; i < 80 && firstOk.get() < 0; i++) {
      nodeA
          .put("w" + i, "z".getBytes(StandardCharsets.UTF_8), PutOptions.defaults())
          .thenRun(() -> firstOk.compareAndSet(-1, sched.now().toEpochMilli()));
      sched.runFor(Duration.ofMillis(250));
    }
    assertThat(firstOk.get()).as("a write through a succeeded").isPositive();
    assertThat(firstOk.get() - cutAt).as("ms from the cut to the first write").isLessThan(18_000);
    assertThat(c.ready()).as("c ended its session").isFalse();
    assertThat(nodes.get(0).slot(0).inSync()).doesNotContain(cid);

    net.healAll();
    assertThat(sched.runUntil(() -> c.cutOff().isEmpty(), Duration.ofSeconds(30))).isTrue();
    assertThat(
            sched.runUntil(
                () ->
                    nodes.stream()
                        .allMatch(
                            n ->
                                n.ready()
                                    && IntStream.range(0, SLOTS)
                                        .allMatch(
                                            s -> n.serving(s) && n.slot(s).inSync().size() == 3)),
                Duration.ofSeconds(60)))
        .as("c back in sync everywhere")
        .isTrue();
  }
}
