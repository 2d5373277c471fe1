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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.cluster.sim.SimScheduler;
import io.amberio.cluster.topology.Topology;
import io.amberio.cluster.transport.memory.InMemoryNetwork;
import io.amberio.core.BlobStore;
import io.amberio.core.PutOptions;
import io.amberio.core.Scheduler;
import io.amberio.core.replica.ReplicaStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's life: NEW, STARTING, RUNNING, then CLOSING and CLOSED or HALTED; illegal moves fail
 * clearly.
 */
class ClusterNodeLifecycleTest {
  @TempDir Path dir;
  private ReplicaStore store;

  private static final Topology ONE = Topology.of(4, 1, List.of(Topology.Node.of("a", "a:1")));

  private ClusterNode.Builder node(Scheduler sched, InMemoryNetwork net) {
    store = ReplicaStore.open(BlobStore.builder().dataDir(dir).slotCount(4).clock(sched.clock()));
    return ClusterNode.builder()
        .id(NodeId.of("a"))
        .topology(ONE)
        .store(store)
        .transport(net.join(NodeId.of("a")))
        .registry(new InMemoryRegistry(sched))
        .scheduler(sched)
        .random(new Random(1));
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void aNodeStartsOnceAndClosesOnce() {
    SimScheduler sched = SimScheduler.create(3);
    ClusterNode n =
        node(sched, InMemoryNetwork.builder(sched, new Random(1)).build())
            .diskExecutor(sched)
            .build();
    assertThat(n.state()).isEqualTo(ClusterNode.State.NEW);
    n.start();
    assertThat(n.state()).isEqualTo(ClusterNode.State.STARTING);
    assertThatThrownBy(n::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot start: it is STARTING");
    assertThat(sched.runUntil(n::ready, Duration.ofSeconds(30))).isTrue();
    assertThat(n.state()).isEqualTo(ClusterNode.State.RUNNING);
    assertThatThrownBy(n::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("it is RUNNING");

    sched.execute(n::close);
    sched.runFor(Duration.ofSeconds(5));
    assertThat(n.state()).isEqualTo(ClusterNode.State.CLOSED);
    assertThat(n.ready()).isFalse();
    assertThatThrownBy(n::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("it is CLOSED");
    n.close();
    n.halt();
    assertThat(n.state())
        .as("closing or halting a closed node does nothing")
        .isEqualTo(ClusterNode.State.CLOSED);
  }

  @Test
  void aHaltedNodeStaysHalted() {
    SimScheduler sched = SimScheduler.create(4);
    ClusterNode n =
        node(sched, InMemoryNetwork.builder(sched, new Random(1)).build())
            .diskExecutor(sched)
            .build();
    n.halt();
    assertThat(n.state()).isEqualTo(ClusterNode.State.HALTED);
    assertThatThrownBy(n::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("it is HALTED");
    n.close();
    assertThat(n.state()).isEqualTo(ClusterNode.State.HALTED);
  }

  @Test
  void withoutADiskExecutorTheNodeUsesItsOwnDaemonPoolAndShutsItDownOnClose() throws Exception {
    ScheduledExecutorService timers =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lifecycle-timers");
              t.setDaemon(true);
              return t;
            });
    try {
      Scheduler sched = Scheduler.system(timers);
      ClusterNode n = node(sched, InMemoryNetwork.builder(sched, new Random(1)).build()).build();
      n.start().get(30, TimeUnit.SECONDS);
      assertThat(n.state()).isEqualTo(ClusterNode.State.RUNNING);
      n.put("x", "hello".getBytes(StandardCharsets.UTF_8), PutOptions.defaults())
          .get(30, TimeUnit.SECONDS);
      assertThat(n.head("x", OptionalLong.empty()).get(30, TimeUnit.SECONDS).size()).isEqualTo(5);
      List<Thread> disk =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> t.getName().startsWith("amberio-disk-a-"))
              .toList();
      assertThat(disk).isNotEmpty().allMatch(Thread::isDaemon);
      n.close();
      assertThat(n.state()).isEqualTo(ClusterNode.State.CLOSED);
      for (Thread t : disk) {
        t.join(10_000);
        assertThat(t.isAlive()).as("%s ended after close", t.getName()).isFalse();
      }
    } finally {
      timers.shutdownNow();
    }
  }
}
