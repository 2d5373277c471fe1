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
package io.amberio.examples.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.amberio.cluster.ClusterConfig;
import io.amberio.cluster.NodeId;
import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.cluster.topology.Placement;
import io.amberio.cluster.topology.Topology;
import io.amberio.core.Scheduler;
import io.amberio.examples.node.NodeConfig.RegistrySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three cluster members in one JVM, each with its own store, loopback {@link
 * io.amberio.cluster.transport.tcp.NetworkTransport} (HMAC with a shared secret) and HTTP server,
 * sharing one {@link InMemoryRegistry}: a write through one node is read through the others, and
 * the operations endpoints show the cluster.
 */
class ThreeNodeClusterTest {
  static final int SLOTS = 16;

  @TempDir static Path dir;
  static ScheduledExecutorService registryThreads;
  static InMemoryRegistry registry;
  static final List<ClusterMemberServer> members = new ArrayList<>();
  static final List<Http> http = new ArrayList<>();
  static Topology topology;

  @BeforeAll
  static void start() throws Exception {
    registryThreads = Executors.newScheduledThreadPool(2);
    registry = new InMemoryRegistry(Scheduler.system(registryThreads));
    List<Topology.Node> nodes = new ArrayList<>();
    // The three ports are held open together while they are picked, so no two are the same.
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (String id : List.of("a", "b", "c")) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        nodes.add(Topology.Node.of(id, "127.0.0.1:" + s.getLocalPort()));
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    topology = Topology.of(SLOTS, 3, nodes);
    byte[] secret = new byte[32];
    new Random(1).nextBytes(secret);
    ClusterConfig timings =
        ClusterConfig.DEFAULTS
            .withLeaseTtl(Duration.ofSeconds(2))
            .withRequestTimeout(Duration.ofSeconds(5));
    for (Topology.Node n : topology.nodes()) {
      NodeConfig config =
          new NodeConfig(
              n.id(),
              new HostPort("127.0.0.1", 0),
              HostPort.parse(n.address()),
              List.of(dir.resolve(n.id().value())),
              Optional.empty(),
              topology,
              new RegistrySpec.Memory(),
              Optional.of(new NodeConfig.Secret(secret)),
              timings);
      ClusterMemberServer m =
          ClusterMemberServer.start(
              config, b -> b.chunkSize(64 << 10), ServerOptions.defaults(), registry);
      members.add(m);
      http.add(new Http(m.server().uri()));
    }
    await(
        "every node sees every node up",
        () -> {
          for (ClusterMemberServer m : members) {
            for (NodeId id : topology.nodeIds()) {
              if (!m.node().status(id).equals("up")) {
                return false;
              }
            }
          }
          return true;
        });
  }

  @AfterAll
  static void stop() throws Exception {
    for (ClusterMemberServer m : members) {
      assertThat(m.stop()).as("node %s stopped cleanly", m.config().nodeId()).isTrue();
    }
    if (registry != null) {
      registry.close();
    }
    if (registryThreads != null) {
      registryThreads.shutdownNow();
      registryThreads.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWriteThroughOneNodeIsReadThroughTheOthers() {
    HttpResponse<byte[]> put = http.get(0).put("/objects/photos/cat.txt", "meow");
    assertThat(put.statusCode()).as(Http.text(put)).isEqualTo(201);
    assertThat(TestNode.json(put).path("version").asLong()).isEqualTo(1);
    for (Http reader : List.of(http.get(1), http.get(2))) {
      HttpResponse<byte[]> get = reader.get("/objects/photos/cat.txt");
      assertThat(get.statusCode()).as(Http.text(get)).isEqualTo(200);
      assertThat(Http.text(get)).isEqualTo("meow");
      assertThat(get.headers().firstValue("X-Amberio-Version")).hasValue("1");
      assertThat(get.headers().firstValue("ETag")).isEqualTo(put.headers().firstValue("ETag"));
    }
    // Every replica holds it: each node's own store has the version.
    for (ClusterMemberServer m : members) {
      assertThat(m.store().maxVersion("photos/cat.txt"))
          .as("on %s", m.config().nodeId())
          .isEqualTo(1);
    }
  }

  @Test
  void aLargeBlobStreamsBetweenNodesAndRangesWork() {
    byte[] big = new byte[700_000];
    new Random(3).nextBytes(big);
    HttpResponse<byte[]> put = http.get(1).put("/objects/big/blob.bin", big);
    assertThat(put.statusCode()).as(Http.text(put)).isEqualTo(201);
    assertThat(http.get(2).get("/objects/big/blob.bin").body()).isEqualTo(big);
    HttpResponse<byte[]> range =
        http.get(0)
            .send(http.get(0).request("/objects/big/blob.bin").header("Range", "bytes=100-199"));
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body()).isEqualTo(Arrays.copyOfRange(big, 100, 200));
  }

  @Test
  void versionsDeletesAndListingsAgreeAcrossNodes() {
    assertThat(http.get(0).put("/objects/docs/a", "one").statusCode()).isEqualTo(201);
    HttpResponse<byte[]> v2 = http.get(1).put("/objects/docs/a", "two");
    assertThat(TestNode.json(v2).path("version").asLong()).isEqualTo(2);
    assertThat(Http.text(http.get(2).get("/objects/docs/a?version=1"))).isEqualTo("one");
    assertThat(Http.text(http.get(2).get("/objects/docs/a"))).isEqualTo("two");
    HttpResponse<byte[]> list = http.get(2).get("/objects?prefix=docs/");
    assertThat(list.statusCode()).as(Http.text(list)).isEqualTo(200);
    assertThat(TestNode.json(list).path("items").findValuesAsText("path"))
        .containsExactly("docs/a");
    HttpResponse<byte[]> delete = http.get(2).delete("/objects/docs/a");
    assertThat(delete.statusCode()).as(Http.text(delete)).isEqualTo(200);
  }

  @Test
  void aDeletedPathReads404Everywhere() {
    assertThat(http.get(0).put("/objects/gone/x", "x").statusCode()).isEqualTo(201);
    assertThat(http.get(1).delete("/objects/gone/x").statusCode()).isEqualTo(200);
    HttpResponse<byte[]> get = http.get(2).get("/objects/gone/x");
    assertThat(get.statusCode()).as(Http.text(get)).isEqualTo(404);
    assertThat(TestNode.errorCode(get)).isEqualTo("deleted");
  }

  @Test
  void nodesShowsEveryNodeUpWithItsSlots() {
    Placement placement = Placement.initial(topology);
    for (int i = 0; i < 3; i++) {
      JsonNode body = http.get(i).json("/nodes");
      assertThat(body.path("slotCount").asInt()).isEqualTo(SLOTS);
      assertThat(body.path("replicationFactor").asInt()).isEqualTo(3);
      assertThat(body.path("node").asText()).isEqualTo(members.get(i).config().nodeId().value());
      JsonNode nodes = body.path("nodes");
      assertThat(nodes.size()).isEqualTo(3);
      for (int j = 0; j < 3; j++) {
        Topology.Node n = topology.nodes().get(j);
        JsonNode shown = nodes.get(j);
        assertThat(shown.path("id").asText()).isEqualTo(n.id().value());
        assertThat(shown.path("address").asText()).isEqualTo(n.address());
        assertThat(shown.path("state").asText()).isEqualTo("up");
        List<Integer> slots = new ArrayList<>();
        shown.path("slots").forEach(s -> slots.add(s.asInt()));
        assertThat(slots)
            .isEqualTo(placement.slotsOf(n.id()))
            .hasSize(SLOTS); // R = N: every node holds every slot
      }
    }
  }

  @Test
  void slotsShowsEpochReplicasInSyncAndLearners() {
    assertThat(http.get(0).put("/objects/slotted/s", "12345").statusCode()).isEqualTo(201);
    int slot = members.get(0).store().slotOf("slotted/s");
    for (int i = 0; i < 3; i++) {
      JsonNode s = http.get(i).json("/slots/" + slot);
      assertThat(s.path("slot").asInt()).isEqualTo(slot);
      assertThat(s.path("epoch").asLong()).isGreaterThanOrEqualTo(1);
      assertThat(names(s.path("replicas"))).containsExactlyInAnyOrder("a", "b", "c");
      assertThat(names(s.path("inSync"))).containsExactlyInAnyOrder("a", "b", "c");
      assertThat(names(s.path("learners"))).isEmpty();
      assertThat(s.path("node").asText()).isEqualTo(members.get(i).config().nodeId().value());
      assertThat(s.path("blobCount").asLong()).isGreaterThanOrEqualTo(1);
      assertThat(s.path("bytes").asLong()).isGreaterThanOrEqualTo(5);
    }
    assertThat(http.get(0).get("/slots/" + SLOTS).statusCode()).isEqualTo(404);
  }

  @Test
  void everyNodeIsHealthy() {
    for (int i = 0; i < 3; i++) {
      JsonNode health = http.get(i).json("/health");
      assertThat(health.path("status").asText()).isEqualTo("ok");
      assertThat(health.path("node").asText()).isEqualTo(members.get(i).config().nodeId().value());
    }
  }

  @Test
  void aMissingPathIs404NotFoundOnEveryNode() {
    for (Http h : http) {
      HttpResponse<byte[]> get = h.get("/objects/never/written");
      assertThat(get.statusCode()).as(Http.text(get)).isEqualTo(404);
      assertThat(TestNode.errorCode(get)).isEqualTo("not_found");
    }
  }

  private static List<String> names(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
