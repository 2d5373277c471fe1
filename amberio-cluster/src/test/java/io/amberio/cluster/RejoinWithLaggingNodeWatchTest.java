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
import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.CasResult;
import io.amberio.cluster.registry.DeleteOptions;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.registry.Leases;
import io.amberio.cluster.registry.ListOptions;
import io.amberio.cluster.registry.ListResult;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.RegistryException;
import io.amberio.cluster.registry.Watch;
import io.amberio.cluster.registry.WatchEvent;
import io.amberio.cluster.registry.WatchListener;
import io.amberio.cluster.registry.WatchOptions;
import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.cluster.sim.SimScheduler;
import io.amberio.cluster.topology.Topology;
import io.amberio.cluster.transport.Transport;
import io.amberio.cluster.transport.memory.InMemoryNetwork;
import io.amberio.core.BlobStore;
import io.amberio.core.replica.ReplicaStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica is removed from a slot only once the session it holds its place under has ended, even
 * when a node's view of the registrations lags behind its view of the slots: the two are separate
 * watches, and nothing orders one's events with the other's. Here the peers' watch of {@code
 * nodes/} runs two seconds late; node c crashes and starts again under a new lease and claims its
 * slots under it. Before, the peers saw a slot state naming the new session before the registration
 * of that session, took it for an ended session and removed c (which then had to catch up as a
 * learner) while it held that very lease.
 */
class RejoinWithLaggingNodeWatchTest {
  private static final int SLOTS = 16;
  private static final Duration LAG = Duration.ofSeconds(2);

  @TempDir Path dir;
  private SimScheduler sched;
  private InMemoryRegistry registry;
  private InMemoryNetwork net;
  private Topology topology;
  private final List<ClusterNode> nodes = new ArrayList<>();
  private final List<ReplicaStore> stores = new ArrayList<>();
  private final List<String> wrongRemovals = new ArrayList<>();
  private final Map<NodeId, Transport> transports = new HashMap<>();

  @AfterEach
  void stop() {
    nodes.forEach(ClusterNode::halt);
    stores.forEach(ReplicaStore::close);
  }

  @Test
  void aRestartedReplicaIsNotRemovedWhileItsNewSessionLives() {
    sched = SimScheduler.create(5);
    registry = new InMemoryRegistry(sched);
    net = InMemoryNetwork.builder(sched, new Random(1)).build();
    List<Topology.Node> tn =
        List.of(
            Topology.Node.of("a", "a:1"),
            Topology.Node.of("b", "b:1"),
            Topology.Node.of("c", "c:1"));
    topology = Topology.of(SLOTS, 3, tn);
    for (Topology.Node n : tn) {
      ReplicaStore store =
          ReplicaStore.open(
              BlobStore.builder()
                  .dataDir(dir.resolve(n.id().value()))
                  .slotCount(SLOTS)
                  .clock(sched.clock()));
      stores.add(store);
      nodes.add(node(n.id(), store));
    }
    nodes.forEach(ClusterNode::start);
    assertThat(sched.runUntil(this::allServing, Duration.ofSeconds(30))).isTrue();

    ClusterNode c = nodes.remove(2);
    c.halt();
    transports.remove(NodeId.of("c")).close();
    sched.runFor(Duration.ofMillis(500));
    ClusterNode again = node(NodeId.of("c"), stores.get(2));
    nodes.add(again);
    again.start();
    // Stops at the first wrong removal: before the fix, removals and re-claims followed each other
    // at one instant of simulated time without end.
    sched.runUntil(() -> !wrongRemovals.isEmpty(), Duration.ofSeconds(20));

    assertThat(wrongRemovals).as("replicas removed while their session lived").isEmpty();
    assertThat(allServing()).isTrue();
  }

  private boolean allServing() {
    return nodes.stream().allMatch(ClusterNode::ready)
        && nodes.stream().allMatch(n -> IntStream.range(0, SLOTS).allMatch(n::serving));
  }

  private ClusterNode node(NodeId id, ReplicaStore store) {
    return ClusterNode.builder()
        .id(id)
        .topology(topology)
        .store(store)
        .transport(transports.computeIfAbsent(id, net::join))
        .registry(new Judged(registry))
        .scheduler(sched)
        .diskExecutor(sched)
        .random(new Random(id.hashCode()))
        .build();
  }

  /**
   * The shared registry as a node sees it: the watch of {@code nodes/} delivers {@link #LAG} late,
   * and every slot change that drops a replica is judged against the registrations as they are.
   */
  private final class Judged implements Registry {
    private final InMemoryRegistry inner;

    Judged(InMemoryRegistry inner) {
      this.inner = inner;
    }

    @Override
    public CompletableFuture<Optional<KeyValue>> get(String key) {
      return inner.get(key);
    }

    @Override
    public CompletableFuture<ListResult> list(String prefix, ListOptions options) {
      return inner.list(prefix, options);
    }

    @Override
    public CompletableFuture<CasResult> compareAndSet(
        String key, byte[] value, CasOptions options) {
      List<String> dropped = new ArrayList<>();
      if (key.startsWith(NodeContext.SLOTS)) {
        int slot = Integer.parseInt(key.substring(NodeContext.SLOTS.length()));
        Optional<KeyValue> before = inner.get(key).join();
        if (before.isPresent()) {
          Map<NodeId, Long> was = members(SlotState.decode(slot, before.get().value()));
          Map<NodeId, Long> now = members(SlotState.decode(slot, value));
          was.forEach(
              (n, session) -> {
                Optional<KeyValue> reg = inner.get(NodeContext.nodeKey(n)).join();
                if (!now.containsKey(n)
                    && session != 0
                    && reg.isPresent()
                    && reg.get().leaseId() == session) {
                  dropped.add("slot " + slot + ": " + n + " under its live session " + session);
                }
              });
        }
      }
      return inner
          .compareAndSet(key, value, options)
          .thenApply(
              r -> {
                if (r.succeeded()) {
                  wrongRemovals.addAll(dropped);
                }
                return r;
              });
    }

    private Map<NodeId, Long> members(SlotState s) {
      Map<NodeId, Long> m = new HashMap<>(s.inSync());
      m.putAll(s.learners());
      return m;
    }

    @Override
    public CompletableFuture<CasResult> delete(String key, DeleteOptions options) {
      return inner.delete(key, options);
    }

    @Override
    public CompletableFuture<Watch> watch(
        String prefix, WatchOptions options, WatchListener listener) {
      if (!prefix.equals(NodeContext.NODES)) {
        return inner.watch(prefix, options, listener);
      }
      return inner.watch(
          prefix,
          options,
          new WatchListener() {
            @Override
            public void onEvent(WatchEvent e) {
              sched.schedule(LAG, () -> listener.onEvent(e));
            }

            @Override
            public void onError(RegistryException error) {
              sched.schedule(LAG, () -> listener.onError(error));
            }
          });
    }

    @Override
    public Leases leases() {
      return inner.leases();
    }

    @Override
    public void close() {}
  }
}
