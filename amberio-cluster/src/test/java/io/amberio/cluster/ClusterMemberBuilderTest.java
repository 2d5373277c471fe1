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

import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.cluster.topology.Topology;
import io.amberio.core.BlobStoreBuilder;
import io.amberio.core.Scheduler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The argument checks of {@link ClusterMemberBuilder}: every argument is checked when given, with a
 * message naming it; an option set twice names the earlier value; what does not fit together is
 * rejected by {@code start()} before anything is opened.
 */
class ClusterMemberBuilderTest {
  static final Topology ONE = Topology.of(16, 1, List.of(Topology.Node.of("a", "127.0.0.1:7481")));
  static final Topology THREE =
      Topology.of(
          16,
          3,
          List.of(
              Topology.Node.of("a", "127.0.0.1:7481"),
              Topology.Node.of("b", "127.0.0.1:7482"),
              Topology.Node.of("c", "127.0.0.1:7483")));

  @TempDir Path dir;

  @Test
  void nullArgumentsAreRejectedNamingTheOption() {
    ClusterMemberBuilder b = ClusterMember.builder();
    assertThatThrownBy(() -> b.nodeId(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("nodeId");
    assertThatThrownBy(() -> b.topology(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("topology");
    assertThatThrownBy(() -> b.dataDirs(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("dataDirs");
    assertThatThrownBy(() -> b.dataDirs(Arrays.asList(dir, null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("dataDirs[1]");
    assertThatThrownBy(() -> b.clusterListen(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("clusterListen");
    assertThatThrownBy(() -> b.secret(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("secret");
    assertThatThrownBy(() -> b.etcd(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("endpoints");
    assertThatThrownBy(() -> b.registry(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("registry");
    assertThatThrownBy(() -> b.config(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("config");
    assertThatThrownBy(() -> b.storeOptions(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("storeOptions");
    assertThatThrownBy(() -> b.startTimeout(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("startTimeout");
  }

  @Test
  void badValuesAreRejectedSayingWhatIsWrong() {
    ClusterMemberBuilder b = ClusterMember.builder();
    assertThatThrownBy(() -> b.dataDirs(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dataDirs must name at least one directory");
    assertThatThrownBy(() -> b.dataDirs(List.of(dir.resolve("x"), dir.resolve("y/../x"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("dataDirs names the directory " + dir.resolve("y/../x") + " twice");
    assertThatThrownBy(() -> b.secret(new byte[15]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret must be at least 16 bytes, was 15");
    assertThatThrownBy(() -> b.etcd(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("etcd: at least one etcd endpoint is needed");
    assertThatThrownBy(() -> b.etcd(List.of(URI.create("ftp://10.0.0.1:2379"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("etcd: an etcd endpoint is http(s)://host:port, was ftp://10.0.0.1:2379");
    assertThatThrownBy(() -> b.etcd(Arrays.asList(URI.create("http://10.0.0.1:2379"), null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("endpoints[1]");
    assertThatThrownBy(() -> b.schedulerThreads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("schedulerThreads must be 1 to 256, was 0");
    assertThatThrownBy(() -> b.schedulerThreads(257))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("schedulerThreads must be 1 to 256, was 257");
    assertThatThrownBy(() -> b.diskThreads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("diskThreads must be 1 to 1024, was 0");
    assertThatThrownBy(() -> b.diskThreads(1025))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("diskThreads must be 1 to 1024, was 1025");
    assertThatThrownBy(() -> b.blobStoreThreads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("blobStoreThreads must be 1 to 10000, was 0");
    assertThatThrownBy(() -> b.blobStoreThreads(10_001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("blobStoreThreads must be 1 to 10000, was 10001");
    assertThatThrownBy(() -> b.startTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("startTimeout must be positive, was PT0S");
    assertThatThrownBy(() -> b.startTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("startTimeout must be positive, was PT-1S");
    Topology inMemory = Topology.of(16, 1, List.of(Topology.Node.of("a", "mem:a")));
    assertThatThrownBy(() -> b.topology(inMemory))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "topology: node 'a' needs a host:port address for the network transport: the port of 'mem:a' is"
                + " not a number 0 to 65535");
    Topology noColon = Topology.of(16, 1, List.of(Topology.Node.of("a", "10.0.0.1")));
    assertThatThrownBy(() -> b.topology(noColon))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("expected host:port, was '10.0.0.1'");
    Topology noPort = Topology.of(16, 1, List.of(Topology.Node.of("a", "10.0.0.1:http")));
    assertThatThrownBy(() -> b.topology(noPort))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("the port of '10.0.0.1:http' is not a number 0 to 65535");

    // A rejected value leaves the option unset: the right one is still taken.
    b.dataDirs(List.of(dir))
        .secret(new byte[16])
        .schedulerThreads(1)
        .diskThreads(1024)
        .blobStoreThreads(10_000)
        .startTimeout(Duration.ofMillis(1))
        .topology(ONE);
  }

  @Test
  void anOptionSetTwiceNamesTheEarlierValue() throws Exception {
    ClusterMemberBuilder b =
        ClusterMember.builder()
            .nodeId(NodeId.of("a"))
            .topology(ONE)
            .dataDirs(List.of(dir))
            .clusterListen(InetSocketAddress.createUnresolved("127.0.0.1", 7481))
            .secret(new byte[20])
            .config(ClusterConfig.DEFAULTS)
            .schedulerThreads(2)
            .diskThreads(8)
            .blobStoreThreads(32)
            .startTimeout(Duration.ofSeconds(9));
    UnaryOperator<BlobStoreBuilder> options = s -> s.chunkSize(64 << 10);
    b.storeOptions(options);
    assertThatThrownBy(() -> b.nodeId(NodeId.of("b")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("nodeId was already set to a");
    assertThatThrownBy(() -> b.topology(THREE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("topology was already set to " + ONE);
    assertThatThrownBy(() -> b.dataDirs(List.of(dir.resolve("other"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("dataDirs was already set to [" + dir + "]");
    assertThatThrownBy(() -> b.clusterListen(new InetSocketAddress(0)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "clusterListen was already set to "
                + InetSocketAddress.createUnresolved("127.0.0.1", 7481));
    // The secret itself never appears in a message.
    assertThatThrownBy(() -> b.secret(new byte[32]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("secret was already set (to a secret of 20 bytes)");
    assertThatThrownBy(() -> b.config(ClusterConfig.DEFAULTS.withLeaseTtl(Duration.ofSeconds(1))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("config was already set to " + ClusterConfig.DEFAULTS);
    assertThatThrownBy(() -> b.storeOptions(UnaryOperator.identity()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("storeOptions was already set to " + options);
    assertThatThrownBy(() -> b.schedulerThreads(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("schedulerThreads was already set to 2");
    assertThatThrownBy(() -> b.diskThreads(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("diskThreads was already set to 8");
    assertThatThrownBy(() -> b.blobStoreThreads(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("blobStoreThreads was already set to 32");
    assertThatThrownBy(() -> b.startTimeout(Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("startTimeout was already set to PT9S");
  }

  @Test
  void theRegistryIsChosenOnceWhicheverWay() throws Exception {
    ScheduledExecutorService threads = Executors.newSingleThreadScheduledExecutor();
    try (InMemoryRegistry given = new InMemoryRegistry(Scheduler.system(threads))) {
      List<URI> endpoints = List.of(URI.create("http://10.0.0.9:2379"));
      ClusterMemberBuilder etcd = ClusterMember.builder().etcd(endpoints);
      assertThatThrownBy(() -> etcd.registry(given))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the registry was already set to etcd [http://10.0.0.9:2379]");
      assertThatThrownBy(etcd::inMemoryRegistry)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the registry was already set to etcd [http://10.0.0.9:2379]");
      ClusterMemberBuilder memory = ClusterMember.builder().inMemoryRegistry();
      assertThatThrownBy(() -> memory.etcd(endpoints))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the registry was already set to an in-memory registry");
      assertThatThrownBy(memory::inMemoryRegistry)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the registry was already set to an in-memory registry");
      Registry registry = given;
      ClusterMemberBuilder shared = ClusterMember.builder().registry(registry);
      assertThatThrownBy(() -> shared.registry(registry))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the registry was already set to the given registry " + given);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void startRejectsWhatIsMissingOrDoesNotFitBeforeOpeningAnything() {
    Path data = dir.resolve("never-created");
    assertThatThrownBy(
            () ->
                ClusterMember.builder()
                    .topology(ONE)
                    .dataDirs(List.of(data))
                    .inMemoryRegistry()
                    .start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("nodeId is required");
    assertThatThrownBy(
            () ->
                ClusterMember.builder()
                    .nodeId(NodeId.of("a"))
                    .dataDirs(List.of(data))
                    .inMemoryRegistry()
                    .start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("topology is required");
    assertThatThrownBy(
            () ->
                ClusterMember.builder()
                    .nodeId(NodeId.of("a"))
                    .topology(ONE)
                    .inMemoryRegistry()
                    .start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("dataDirs is required");
    assertThatThrownBy(
            () ->
                ClusterMember.builder()
                    .nodeId(NodeId.of("a"))
                    .topology(ONE)
                    .dataDirs(List.of(data))
                    .start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "a registry is required: etcd(endpoints), registry(registry) or inMemoryRegistry()");
    assertThatThrownBy(
            () ->
                ClusterMember.builder()
                    .nodeId(NodeId.of("z"))
                    .topology(ONE)
                    .dataDirs(List.of(data))
                    .inMemoryRegistry()
                    .start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nodeId 'z' is not in the topology [a]");
    assertThatThrownBy(
            () ->
                ClusterMember.builder()
                    .nodeId(NodeId.of("a"))
                    .topology(THREE)
                    .dataDirs(List.of(data))
                    .etcd(List.of(URI.create("http://10.0.0.9:2379")))
                    .start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "secret is required for a cluster of 3 nodes (only a one-node cluster may run with a random one)");
    assertThatThrownBy(
            () ->
                ClusterMember.builder()
                    .nodeId(NodeId.of("a"))
                    .topology(THREE)
                    .dataDirs(List.of(data))
                    .secret(new byte[16])
                    .inMemoryRegistry()
                    .start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "inMemoryRegistry() serves a one-node cluster only, and the topology has 3 nodes: use"
                + " etcd(endpoints), or registry(registry) shared by the members of one process");
    assertThat(data).doesNotExist();
  }
}
