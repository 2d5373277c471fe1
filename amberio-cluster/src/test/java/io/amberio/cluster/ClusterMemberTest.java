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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.cluster.testkit.EtcdServer;
import io.amberio.cluster.topology.Topology;
import io.amberio.core.BlobContent;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreException;
import io.amberio.core.Scheduler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@link ClusterMember}s: real sockets through the network transport (HMAC under a shared
 * secret), over the in-memory registry or a real etcd. A member joins, serves its blob store, and
 * on close leaves and closes what it created (threads, sockets, store) and nothing it was given (a
 * shared registry). A start that fails leaves nothing running.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ClusterMemberTest {
  static final ClusterConfig FAST =
      ClusterConfig.DEFAULTS
          .withLeaseTtl(Duration.ofSeconds(2))
          .withRequestTimeout(Duration.ofSeconds(10));

  @TempDir Path dir;

  @Test
  void threeMembersOverRealSocketsReplicateAndCloseWhatTheyCreatedButNotTheSharedRegistry()
      throws Exception {
    ScheduledExecutorService registryThreads = Executors.newScheduledThreadPool(2);
    InMemoryRegistry registry = new InMemoryRegistry(Scheduler.system(registryThreads));
    List<String> ids = List.of("tm-a", "tm-b", "tm-c");
    List<Integer> ports = new ArrayList<>();
    List<Topology.Node> nodes = new ArrayList<>();
    for (String id : ids) {
      ports.add(freePort());
      nodes.add(Topology.Node.of(id, "127.0.0.1:" + ports.get(ports.size() - 1)));
    }
    Topology topology = Topology.of(16, 3, nodes);
    byte[] secret = new byte[32];
    new Random(5).nextBytes(secret);
    List<ClusterMember> members = new ArrayList<>();
    try {
      for (int i = 0; i < ids.size(); i++) {
        members.add(
            ClusterMember.builder()
                .nodeId(NodeId.of(ids.get(i)))
                .topology(topology)
                .dataDirs(List.of(dir.resolve(ids.get(i))))
                .clusterListen(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), ports.get(i)))
                .secret(secret)
                .registry(registry)
                .config(FAST)
                .storeOptions(b -> b.chunkSize(64 << 10))
                .diskThreads(4)
                .start());
      }
      for (int i = 0; i < ids.size(); i++) {
        assertThat(members.get(i).clusterAddress().getPort()).isEqualTo(ports.get(i));
        assertThat(members.get(i).id()).isEqualTo(NodeId.of(ids.get(i)));
      }
      // Members start one after the other: a replica the first ones saw unclaimed for too long
      // was removed and comes back as a learner. Until all three are in sync for every slot, a
      // write
      // may be acknowledged before the last one holds it.
      await(
          "every member ready, every node up everywhere, all three in sync for every slot",
          () ->
              members.stream()
                  .allMatch(
                      m ->
                          m.ready()
                              && topology.nodeIds().stream()
                                  .allMatch(id -> m.node().status(id).equals("up"))
                              && IntStream.range(0, topology.slotCount())
                                  .allMatch(
                                      s ->
                                          m.node().slot(s).inSync().size() == 3
                                              && m.node().slot(s).learners().isEmpty())));

      byte[] big = new byte[300_000]; // several chunks of 64 KiB, streamed between the nodes
      new Random(9).nextBytes(big);
      assertThat(members.get(0).blobStore().put("m/big.bin", big).version()).isEqualTo(1);
      for (ClusterMember reader : members.subList(1, 3)) {
        try (BlobContent c = reader.blobStore().get("m/big.bin")) {
          assertThat(c.readAllBytes()).isEqualTo(big);
        }
      }
      for (ClusterMember m : members) {
        assertThat(m.node().store().maxVersion("m/big.bin")).as("on %s", m.id()).isEqualTo(1);
      }

      // One member leaves: it is no longer ready, its threads and port are gone, its store can be
      // opened again,
      // and the two others go on writing without waiting for its lease to run out.
      ClusterMember c = members.get(2);
      assertThat(c.stop()).isTrue();
      assertThat(c.ready()).isFalse();
      assertThat(c.stop()).as("idempotent").isTrue();
      awaitNoThreadsOf("tm-c");
      try (ServerSocket again =
          new ServerSocket(ports.get(2), 1, InetAddress.getLoopbackAddress())) {
        assertThat(again.getLocalPort()).isEqualTo(ports.get(2));
      }
      try (BlobStore reopened =
          BlobStore.builder().dataDir(dir.resolve("tm-c")).slotCount(16).build()) {
        assertThat(reopened.head("m/big.bin").size()).isEqualTo(big.length);
      }
      assertThat(
              members
                  .get(1)
                  .blobStore()
                  .put("m/after", "x".getBytes(StandardCharsets.UTF_8))
                  .version())
          .isEqualTo(1);
      try (BlobContent read = members.get(0).blobStore().get("m/after")) {
        assertThat(new String(read.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("x");
      }
    } finally {
      for (ClusterMember m : members) {
        assertThat(m.stop()).as("%s stopped cleanly", m.id()).isTrue();
      }
    }
    for (String id : ids) {
      awaitNoThreadsOf(id);
    }
    // The registry was given: the members did not close it.
    assertThat(registry.get("anything").get(5, TimeUnit.SECONDS)).isEmpty();
    registry.close();
    registryThreads.shutdownNow();
  }

  @Test
  void aMemberWithAnotherSecretIsRefusedBeforeItTakesAnyPlace() throws Exception {
    ScheduledExecutorService registryThreads = Executors.newScheduledThreadPool(2);
    InMemoryRegistry registry = new InMemoryRegistry(Scheduler.system(registryThreads));
    List<Integer> ports = List.of(freePort(), freePort());
    Topology topology =
        Topology.of(
            8,
            2,
            List.of(
                Topology.Node.of("ws-a", "127.0.0.1:" + ports.get(0)),
                Topology.Node.of("ws-b", "127.0.0.1:" + ports.get(1))));
    byte[] secret = new byte[32];
    new Random(5).nextBytes(secret);
    byte[] other = secret.clone();
    other[0] ^= 1;
    ClusterMember a =
        ClusterMember.builder()
            .nodeId(NodeId.of("ws-a"))
            .topology(topology)
            .dataDirs(List.of(dir.resolve("ws-a")))
            .clusterListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), ports.get(0)))
            .secret(secret)
            .registry(registry)
            .config(FAST)
            .start();
    try {
      ClusterMemberBuilder b =
          ClusterMember.builder()
              .nodeId(NodeId.of("ws-b"))
              .topology(topology)
              .dataDirs(List.of(dir.resolve("ws-b")))
              .clusterListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), ports.get(1)))
              .secret(other)
              .registry(registry)
              .config(FAST);
      assertThatThrownBy(b::start)
          .isInstanceOf(ClusterMember.StartException.class)
          .hasMessageContaining("does not hold the cluster's secret")
          .satisfies(
              e ->
                  assertThat(((ClusterMember.StartException) e).reason())
                      .isEqualTo(ClusterMember.StartException.Reason.JOIN));
      assertThat(registry.get("amberio/nodes/ws-b").get(5, TimeUnit.SECONDS))
          .as("the refused node never registered")
          .isEmpty();
      assertThat(registry.get("amberio/nodes/ws-a").get(5, TimeUnit.SECONDS)).isPresent();
      awaitNoThreadsOf("ws-b");
    } finally {
      assertThat(a.stop()).isTrue();
      registry.close();
      registryThreads.shutdownNow();
    }
  }

  @Test
  void aOneNodeMemberWithItsOwnInMemoryRegistryAndTheDefaultListenAddress() throws Exception {
    int port = freePort();
    Topology topology = Topology.of(8, 1, List.of(Topology.Node.of("solo-1", "127.0.0.1:" + port)));
    ClusterMember member =
        ClusterMember.builder()
            .nodeId(NodeId.of("solo-1"))
            .topology(topology)
            .dataDirs(List.of(dir.resolve("d1"), dir.resolve("d2")))
            .inMemoryRegistry()
            .config(FAST)
            .start();
    try (member) {
      assertThat(member.ready()).isTrue();
      assertThat(member.clusterAddress().getPort())
          .as("the port of its topology address")
          .isEqualTo(port);
      assertThat(member.clusterAddress().getAddress().isAnyLocalAddress()).isTrue();
      assertThat(member.node().store().slotCount()).isEqualTo(8);
      member.blobStore().put("a", "one".getBytes(StandardCharsets.UTF_8));
      try (BlobContent c = member.blobStore().get("a")) {
        assertThat(new String(c.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("one");
      }
    }
    assertThat(member.ready()).isFalse();
    awaitNoThreadsOf("solo-1");
    assertThat(dir.resolve("d1").resolve("amberio-store.properties")).exists();
    assertThat(dir.resolve("d2").resolve("amberio-store.properties")).exists();
  }

  @Test
  void aTakenPortFailsTheStartAndClosesWhatHadOpened() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      ClusterMemberBuilder builder =
          oneNode("taken-1", port)
              .clusterListen(InetSocketAddress.createUnresolved("127.0.0.1", port));
      assertThatThrownBy(builder::start)
          .isInstanceOfSatisfying(
              ClusterMember.StartException.class,
              e -> assertThat(e.reason()).isEqualTo(ClusterMember.StartException.Reason.TRANSPORT))
          .hasMessageStartingWith(
              "Cannot listen on 127.0.0.1:" + port + " for the cluster transport: ");
      assertThatThrownBy(builder::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("this builder already started a member");
    }
    awaitNoThreadsOf("taken-1");
    // The store was closed again: it opens (its lock is free).
    BlobStore.builder().dataDir(dir.resolve("taken-1")).slotCount(8).build().close();
  }

  @Test
  void anUnresolvableListenAddressFailsTheStart() throws Exception {
    ClusterMemberBuilder builder =
        oneNode("unresolved-1", 7481)
            .clusterListen(InetSocketAddress.createUnresolved("no-such-host.invalid", 7481));
    assertThatThrownBy(builder::start)
        .isInstanceOfSatisfying(
            ClusterMember.StartException.class,
            e -> assertThat(e.reason()).isEqualTo(ClusterMember.StartException.Reason.TRANSPORT))
        .hasMessage("Cannot resolve clusterListen no-such-host.invalid:7481");
    awaitNoThreadsOf("unresolved-1");
  }

  @Test
  void aStoreThatCannotOpenFailsTheStartWithReasonStore() throws Exception {
    oneNode("store-1", 0).start().close(); // made with 8 slots
    Topology other = Topology.of(16, 1, List.of(Topology.Node.of("store-1", "127.0.0.1:0")));
    ClusterMemberBuilder builder =
        ClusterMember.builder()
            .nodeId(NodeId.of("store-1"))
            .topology(other)
            .dataDirs(List.of(dir.resolve("store-1")))
            .inMemoryRegistry();
    assertThatThrownBy(builder::start)
        .isInstanceOfSatisfying(
            ClusterMember.StartException.class,
            e -> assertThat(e.reason()).isEqualTo(ClusterMember.StartException.Reason.STORE))
        .hasMessageStartingWith("Cannot open the store in [" + dir.resolve("store-1") + "]: ")
        .hasCauseInstanceOf(BlobStoreException.class);
    awaitNoThreadsOf("store-1");
  }

  @Test
  void storeOptionsThatSetTheSlotCountFailTheStartAndLeaveNothingRunning() throws Exception {
    ClusterMemberBuilder builder =
        ClusterMember.builder()
            .nodeId(NodeId.of("opts-1"))
            .topology(Topology.of(8, 1, List.of(Topology.Node.of("opts-1", "127.0.0.1:0"))))
            .dataDirs(List.of(dir.resolve("opts-1")))
            .inMemoryRegistry()
            .storeOptions(b -> b.slotCount(8));
    assertThatThrownBy(builder::start)
        .isInstanceOfSatisfying(
            ClusterMember.StartException.class,
            e -> assertThat(e.reason()).isEqualTo(ClusterMember.StartException.Reason.OTHER))
        .hasMessage(
            "node opts-1 could not start: java.lang.IllegalStateException: slotCount was already set to 8");
    awaitNoThreadsOf("opts-1");
  }

  @Test
  void anUnreachableEtcdFailsTheJoinWithinTheStartTimeout() throws Exception {
    int nobody = freePort();
    ClusterMemberBuilder builder =
        ClusterMember.builder()
            .nodeId(NodeId.of("lonely-1"))
            .topology(Topology.of(8, 1, List.of(Topology.Node.of("lonely-1", "127.0.0.1:0"))))
            .dataDirs(List.of(dir.resolve("lonely-1")))
            .etcd(List.of(URI.create("http://127.0.0.1:" + nobody)))
            .startTimeout(Duration.ofSeconds(3));
    long begin = System.nanoTime();
    assertThatThrownBy(builder::start)
        .isInstanceOfSatisfying(
            ClusterMember.StartException.class,
            e -> assertThat(e.reason()).isEqualTo(ClusterMember.StartException.Reason.JOIN))
        .hasMessageStartingWith("Node lonely-1 ");
    assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(60));
    awaitNoThreadsOf("lonely-1");
    BlobStore.builder().dataDir(dir.resolve("lonely-1")).slotCount(8).build().close();
  }

  @Test
  void aMemberOverARealEtcdJoinsServesAndLeaves() throws Exception {
    Path binary = EtcdServer.binary().orElse(null);
    assumeTrue(binary != null, "etcd is not installed");
    try (EtcdServer etcd = EtcdServer.start(binary)) {
      ClusterMember member =
          ClusterMember.builder()
              .nodeId(NodeId.of("etcd-1"))
              .topology(Topology.of(8, 1, List.of(Topology.Node.of("etcd-1", "127.0.0.1:0"))))
              .dataDirs(List.of(dir.resolve("etcd-1")))
              .etcd(List.of(etcd.clientUrl()))
              .config(FAST)
              .start();
      try (member) {
        assertThat(member.ready()).isTrue();
        member.blobStore().put("e", "etcd".getBytes(StandardCharsets.UTF_8));
        assertThat(member.blobStore().head("e").version()).isEqualTo(1);
      }
      assertThat(member.ready()).isFalse();
      awaitNoThreadsOf("etcd-1");
    }
  }

  private ClusterMemberBuilder oneNode(String id, int port) {
    return ClusterMember.builder()
        .nodeId(NodeId.of(id))
        .topology(Topology.of(8, 1, List.of(Topology.Node.of(id, "127.0.0.1:" + port))))
        .dataDirs(List.of(dir.resolve(id)))
        .inMemoryRegistry();
  }

  /**
   * Waits until no thread of the member remains (its pools' threads end just after the pools
   * terminate).
   */
  private static void awaitNoThreadsOf(String id) throws InterruptedException {
    List<String> prefixes =
        List.of(
            "amberio-cluster-" + id + "-",
            "amberio-disk-" + id + "-",
            "amberio-io-" + id + "-",
            "amberio-transport-io-" + id);
    await(
        "the threads of " + id + " end",
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .noneMatch(
                    t ->
                        t.isAlive() && prefixes.stream().anyMatch(p -> t.getName().startsWith(p))));
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
