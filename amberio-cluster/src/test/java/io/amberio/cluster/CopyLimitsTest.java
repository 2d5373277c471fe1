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
import io.amberio.cluster.transport.Transport;
import io.amberio.cluster.transport.memory.InMemoryNetwork;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.PutOptions;
import io.amberio.core.replica.ReplicaStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copy limits of {@link ClusterConfig}: at most {@code maxIncomingCopies} slots copied in at
 * once, at most {@code copyBytesPerSecond} over all of them, and no copy started while less than
 * {@code copyReserveBytes} is free. Checked on a replica that lost its disks and copies 8 slots
 * holding 2 MiB back, in simulated time.
 */
class CopyLimitsTest {
  private static final int SLOTS = 8;
  private static final Duration MINUTE = Duration.ofMinutes(1);

  @TempDir Path dir;
  private SimScheduler sched;
  private InMemoryNetwork net;
  private InMemoryRegistry registry;
  private final List<ClusterNode> nodes = new ArrayList<>();
  private final List<ReplicaStore> stores = new ArrayList<>();
  private final Map<NodeId, Transport> transports = new HashMap<>();

  @AfterEach
  void stop() {
    nodes.forEach(ClusterNode::halt);
    stores.forEach(ReplicaStore::close);
  }

  /** Three nodes, 64 blobs of 32 KiB, then c wiped and started again under {@code config}. */
  private ClusterNode wipedReplica(ClusterConfig config) {
    return wipedReplica(config, ClusterConfig.DEFAULTS);
  }

  /** As above, a and b running under {@code sources}. */
  private ClusterNode wipedReplica(ClusterConfig config, ClusterConfig sources) {
    sched = SimScheduler.create(6);
    registry = new InMemoryRegistry(sched);
    net = InMemoryNetwork.builder(sched, new Random(1)).build();
    List<Topology.Node> tn =
        List.of(
            Topology.Node.of("a", "a:1"),
            Topology.Node.of("b", "b:1"),
            Topology.Node.of("c", "c:1"));
    Topology topology = Topology.of(SLOTS, 3, tn);
    for (Topology.Node n : tn) {
      stores.add(open(n.id()));
      nodes.add(node(n.id(), topology, stores.get(stores.size() - 1), sources));
    }
    nodes.forEach(ClusterNode::start);
    assertThat(sched.runUntil(this::allInSync, MINUTE)).isTrue();
    List<CompletableFuture<BlobInfo>> puts = new ArrayList<>();
    byte[] blob = new byte[32 << 10];
    new Random(3).nextBytes(blob);
    for (int i = 0; i < 64; i++) {
      puts.add(nodes.get(0).put("b" + i, blob, PutOptions.defaults()));
    }
    assertThat(sched.runUntil(() -> puts.stream().allMatch(CompletableFuture::isDone), MINUTE))
        .isTrue();
    NodeId c = NodeId.of("c");
    nodes.remove(2).halt();
    transports.remove(c).close();
    stores.remove(2).close();
    deleteTree(dir.resolve("c"));
    stores.add(open(c));
    ClusterNode cn = node(c, topology, stores.get(2), config);
    nodes.add(cn);
    cn.start();
    return cn;
  }

  @Test
  void copiesInAtMostTheConfiguredNumberOfSlotsAtOnceAndAtTheConfiguredRate() {
    ClusterNode c = wipedReplica(ClusterConfig.DEFAULTS.withCopyLimits(2, 256 << 10, 0));
    long start = sched.now().toEpochMilli();
    int[] most = {0};
    assertThat(
            sched.runUntil(
                () -> {
                  int learning = 0;
                  for (int s = 0; s < SLOTS; s++) {
                    if (nodes.get(0).slot(s).learners().contains(c.id())) {
                      learning++;
                    }
                  }
                  most[0] = Math.max(most[0], learning);
                  return allInSync();
                },
                Duration.ofMinutes(5)))
        .isTrue();
    long took = sched.now().toEpochMilli() - start;
    assertThat(most[0]).as("slots copied in at once").isBetween(1, 2);
    // 2 MiB at 256 KiB/s, less the one second of budget the bucket starts full with: 7 s at least.
    assertThat(took)
        .as("ms of simulated time to copy 2 MiB at 256 KiB/s")
        .isGreaterThanOrEqualTo(7_000);
    for (int s = 0; s < SLOTS; s++) {
      assertThat(stores.get(2).versionsAfter(s, null, 1000))
          .isEqualTo(stores.get(0).versionsAfter(s, null, 1000));
    }
  }

  @Test
  void aSourceServesAtMostItsLimitOfCopiesAndLearnersUseAnotherSource() {
    ClusterNode c =
        wipedReplica(
            ClusterConfig.DEFAULTS.withCopyLimits(8, 256 << 10, 0),
            ClusterConfig.DEFAULTS.withMaxOutgoingCopies(1));
    int[] most = {0, 0};
    int[] sum = {0};
    assertThat(
            sched.runUntil(
                () -> {
                  int a = nodes.get(0).copiesServing();
                  int b = nodes.get(1).copiesServing();
                  most[0] = Math.max(most[0], a);
                  most[1] = Math.max(most[1], b);
                  sum[0] = Math.max(sum[0], a + b);
                  return allInSync();
                },
                Duration.ofMinutes(5)))
        .isTrue();
    assertThat(most).as("copies served at once by a and by b").containsExactly(1, 1);
    assertThat(sum[0]).as("both sources served at once").isEqualTo(2);
    for (int s = 0; s < SLOTS; s++) {
      assertThat(stores.get(2).versionsAfter(s, null, 1000))
          .isEqualTo(stores.get(0).versionsAfter(s, null, 1000));
    }
    assertThat(c.copies()).isEmpty();
  }

  @Test
  void startsNoCopyWhileItsDiskIsShortOfTheReserve() {
    ClusterNode c = wipedReplica(ClusterConfig.DEFAULTS.withCopyLimits(8, 0, Long.MAX_VALUE));
    sched.runFor(Duration.ofSeconds(30));
    for (int s = 0; s < SLOTS; s++) {
      assertThat(nodes.get(0).slot(s).learners()).doesNotContain(c.id());
      assertThat(nodes.get(0).slot(s).inSync()).doesNotContain(c.id());
    }
    assertThat(c.copies()).isEmpty();
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean allInSync() {
    return nodes.stream().allMatch(ClusterNode::ready)
        && nodes.stream()
            .allMatch(
                n ->
                    IntStream.range(0, SLOTS)
                        .allMatch(s -> n.serving(s) && n.slot(s).inSync().size() == 3));
  }

  private ReplicaStore open(NodeId id) {
    return ReplicaStore.open(
        BlobStore.builder().dataDir(dir.resolve(id.value())).slotCount(SLOTS).clock(sched.clock()));
  }

  private ClusterNode node(NodeId id, Topology topology, ReplicaStore store, ClusterConfig config) {
    return ClusterNode.builder()
        .id(id)
        .topology(topology)
        .store(store)
        .transport(transports.computeIfAbsent(id, net::join))
        .registry(registry)
        .scheduler(sched)
        .diskExecutor(sched)
        .config(config)
        .random(new Random(id.hashCode()))
        .build();
  }
}
