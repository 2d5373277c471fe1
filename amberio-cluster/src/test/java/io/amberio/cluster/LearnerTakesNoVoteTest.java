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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A learner takes no part in version agreement: while a replica that lost its disks copies its
 * slots back, writes to paths it has not copied yet succeed (before, each failed with "replicas
 * disagree on the highest version" until the copy reached the path, and failed once that took
 * longer than the lock retry), and every write completes within a second of simulated time; once
 * the copy is done it holds every version the others hold, the ones committed during the copy
 * included.
 */
class LearnerTakesNoVoteTest {
  private static final int SLOTS = 2;
  private static final int PATHS = 1000;

  @TempDir Path dir;
  private SimScheduler sched;
  private InMemoryRegistry registry;
  private InMemoryNetwork net;
  private Topology topology;
  private final List<ClusterNode> nodes = new ArrayList<>();
  private final List<ReplicaStore> stores = new ArrayList<>();
  private final Map<NodeId, Transport> transports = new HashMap<>();

  @AfterEach
  void stop() {
    nodes.forEach(ClusterNode::halt);
    stores.forEach(ReplicaStore::close);
  }

  @Test
  void writesGoOnWhileALearnerCopies() {
    sched = SimScheduler.create(3);
    registry = new InMemoryRegistry(sched);
    net = InMemoryNetwork.builder(sched, new Random(1)).build();
    List<Topology.Node> tn =
        List.of(
            Topology.Node.of("a", "a:1"),
            Topology.Node.of("b", "b:1"),
            Topology.Node.of("c", "c:1"));
    topology = Topology.of(SLOTS, 3, tn);
    for (Topology.Node n : tn) {
      stores.add(open(n.id()));
      nodes.add(node(n.id(), stores.get(stores.size() - 1)));
    }
    nodes.forEach(ClusterNode::start);
    assertThat(sched.runUntil(this::allInSync, Duration.ofSeconds(30))).isTrue();
    ClusterNode a = nodes.get(0);
    List<CompletableFuture<BlobInfo>> first = new ArrayList<>();
    for (int i = 0; i < PATHS; i++) {
      first.add(a.put("p" + i, bytes("v1 of " + i), PutOptions.defaults()));
    }
    assertThat(sched.runUntil(() -> first.stream().allMatch(CompletableFuture::isDone), MINUTE))
        .isTrue();
    assertThat(first).allMatch(f -> !f.isCompletedExceptionally());

    // c loses its disks and comes back empty: a learner of every slot, with everything to copy.
    NodeId c = NodeId.of("c");
    nodes.remove(2).halt();
    transports.remove(c).close();
    stores.remove(2).close();
    deleteTree(dir.resolve("c"));
    net.faults(
        new InMemoryNetwork.Faults(
            0, 0, Duration.ofMillis(5), Duration.ofMillis(15))); // a slow copy
    stores.add(open(c));
    nodes.add(node(c, stores.get(2)));
    nodes.get(2).start();
    assertThat(sched.runUntil(() -> learnerSomewhere(c), Duration.ofSeconds(30))).isTrue();

    // Overwrite existing paths through a for as long as c is a learner somewhere, the last written
    // first: the copy goes in blob-id order, so these are the paths c copies last.
    List<CompletableFuture<BlobInfo>> during = new ArrayList<>();
    AtomicLong slowest = new AtomicLong();
    int next = 0;
    while (learnerSomewhere(c) && next < PATHS) {
      int i = PATHS - 1 - next;
      long started = sched.now().toEpochMilli();
      // Every seventh is a DELETE: a delete marker on a path c may not have copied yet.
      during.add(
          (i % 7 == 0
                  ? a.delete("p" + i)
                  : a.put("p" + i, bytes("v2 of " + i), PutOptions.defaults()))
              .whenComplete(
                  (x, t) ->
                      slowest.accumulateAndGet(sched.now().toEpochMilli() - started, Math::max)));
      next++;
      sched.runFor(Duration.ofMillis(10));
    }
    assertThat(sched.runUntil(() -> during.stream().allMatch(CompletableFuture::isDone), MINUTE))
        .isTrue();
    assertThat(during.size()).as("writes started while c copied").isGreaterThan(20);
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < during.size(); i++) {
      if (during.get(i).isCompletedExceptionally()) {
        failed.add(
            "p" + (PATHS - 1 - i) + ": " + during.get(i).handle((x, t) -> t.toString()).join());
      }
    }
    assertThat(failed).as("writes that failed while c copied").isEmpty();
    // Simulated time: before, a write to a path not yet copied waited for the copy to reach it
    // (retrying "replicas disagree"), and failed after lockRetry (5 s) when the copy was slower.
    assertThat(slowest.get())
        .as("slowest write while c copied, ms of simulated time")
        .isLessThan(1000);

    assertThat(sched.runUntil(this::allInSync, MINUTE)).as("c in sync everywhere").isTrue();
    // Every replica holds the same versions, in every state, with the same blob ids.
    for (int slot = 0; slot < SLOTS; slot++) {
      List<String> want = versions(stores.get(0), slot);
      assertThat(want).hasSizeGreaterThan(PATHS / SLOTS / 2);
      for (ReplicaStore s : stores) {
        assertThat(versions(s, slot)).as("slot " + slot).isEqualTo(want);
      }
    }
    for (int i = PATHS - during.size(); i < PATHS; i++) {
      if (i % 7 == 0) {
        continue; // a delete marker: no head
      }
      CompletableFuture<BlobInfo> viaC = nodes.get(2).head("p" + i, OptionalLong.of(2));
      sched.runUntil(viaC::isDone, MINUTE);
      assertThat(viaC.join().blobId()).isEqualTo(stores.get(0).head("p" + i, 2).blobId());
    }
  }

  private static List<String> versions(ReplicaStore s, int slot) {
    List<String> out = new ArrayList<>();
    for (BlobInfo v : s.versionsAfter(slot, null, 100_000)) {
      out.add(v.path() + "@" + v.version() + " " + v.blobId() + " " + v.state());
    }
    return out;
  }

  /**
   * A copy cut off from its source part way resumes after the last version it brought level (the
   * next attempt does not scan from the first version again), and ends identical.
   */
  @Test
  void anInterruptedCopyResumesWhereItStopped() {
    sched = SimScheduler.create(4);
    registry = new InMemoryRegistry(sched);
    net = InMemoryNetwork.builder(sched, new Random(1)).build();
    List<Topology.Node> tn =
        List.of(
            Topology.Node.of("a", "a:1"),
            Topology.Node.of("b", "b:1"),
            Topology.Node.of("c", "c:1"));
    topology = Topology.of(1, 3, tn);
    for (Topology.Node n : tn) {
      stores.add(openSlots(n.id(), 1));
      nodes.add(node(n.id(), stores.get(stores.size() - 1)));
    }
    nodes.forEach(ClusterNode::start);
    assertThat(sched.runUntil(() -> inSync(1), Duration.ofSeconds(30))).isTrue();
    List<CompletableFuture<BlobInfo>> first = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      first.add(nodes.get(0).put("r" + i, bytes("v1 of " + i), PutOptions.defaults()));
    }
    assertThat(sched.runUntil(() -> first.stream().allMatch(CompletableFuture::isDone), MINUTE))
        .isTrue();
    NodeId c = NodeId.of("c");
    nodes.remove(2).halt();
    transports.remove(c).close();
    stores.remove(2).close();
    deleteTree(dir.resolve("c"));
    net.faults(new InMemoryNetwork.Faults(0, 0, Duration.ofMillis(5), Duration.ofMillis(15)));
    stores.add(openSlots(c, 1));
    ClusterNode cn = node(c, stores.get(2));
    nodes.add(cn);
    cn.start();
    assertThat(
            sched.runUntil(
                () -> !cn.copies().isEmpty() && cn.copies().get(0).versionsScanned() > 100, MINUTE))
        .isTrue();
    ClusterNode.CopyProgress before = cn.copies().get(0);
    assertThat(before.sourceVersions()).isEqualTo(600);
    NodeId source = before.source();
    // Cut c from its source for longer than an RPC timeout: the attempt fails.
    net.partition(c, source);
    sched.runFor(Duration.ofSeconds(8));
    net.healAll();
    List<Long> scanned = new ArrayList<>();
    long[] attempts = {0};
    assertThat(
            sched.runUntil(
                () -> {
                  List<ClusterNode.CopyProgress> now = cn.copies();
                  if (!now.isEmpty()) {
                    scanned.add(now.get(0).versionsScanned());
                    attempts[0] = Math.max(attempts[0], now.get(0).attempts());
                  }
                  return inSync(1);
                },
                MINUTE))
        .as("c in sync")
        .isTrue();
    assertThat(attempts[0]).as("attempts").isGreaterThanOrEqualTo(2);
    assertThat(scanned)
        .as("never scanned from the first version again")
        .allMatch(n -> n >= before.versionsScanned());
    assertThat(versions(stores.get(2), 0)).isEqualTo(versions(stores.get(0), 0));
  }

  private boolean inSync(int slots) {
    return nodes.stream().allMatch(ClusterNode::ready)
        && nodes.stream()
            .allMatch(
                n ->
                    IntStream.range(0, slots)
                        .allMatch(s -> n.serving(s) && n.slot(s).inSync().size() == 3));
  }

  private ReplicaStore openSlots(NodeId id, int slots) {
    return ReplicaStore.open(
        BlobStore.builder().dataDir(dir.resolve(id.value())).slotCount(slots).clock(sched.clock()));
  }

  private static final Duration MINUTE = Duration.ofMinutes(1);

  private static void deleteTree(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private boolean learnerSomewhere(NodeId n) {
    return IntStream.range(0, SLOTS).anyMatch(s -> nodes.get(0).slot(s).learners().contains(n));
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

  private ClusterNode node(NodeId id, ReplicaStore store) {
    return ClusterNode.builder()
        .id(id)
        .topology(topology)
        .store(store)
        .transport(transports.computeIfAbsent(id, net::join))
        .registry(registry)
        .scheduler(sched)
        .diskExecutor(sched)
        .random(new Random(id.hashCode()))
        .build();
  }
}
