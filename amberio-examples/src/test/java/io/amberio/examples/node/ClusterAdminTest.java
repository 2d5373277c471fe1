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
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amberio.cluster.ClusterConfig;
import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.cluster.topology.Topology;
import io.amberio.core.Scheduler;
import io.amberio.examples.AmberioMain;
import io.amberio.examples.node.NodeConfig.RegistrySpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The cluster admin API and CLI on real members (TCP transport, HTTP, in-memory registry): a node
 * is added over HTTP and receives its share of the slots while writes go on, then drained and
 * removed with the CLI; requests without the admin token get 401 and change nothing; bad input gets
 * a specific 4xx and changes nothing.
 */
class ClusterAdminTest {
  private static final int SLOTS = 16;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;
  private ScheduledExecutorService registryThreads;
  private InMemoryRegistry registry;
  private final List<ClusterMemberServer> members = new ArrayList<>();
  private byte[] secret;
  private ClusterConfig timings;

  @AfterEach
  void stop() throws Exception {
    for (ClusterMemberServer m : members) {
      m.stop();
    }
    registry.close();
    registryThreads.shutdownNow();
    registryThreads.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void addAndRemoveANodeOverHttpAndTheCli() throws Exception {
    List<Integer> ports = ports(4);
    Topology topology = startThreeNodes(ports, 3, 2);
    Http a = new Http(members.get(0).server().uri());
    await("three nodes converged", () -> status(a).path("converged").asBoolean());
    assertThat(status(a).path("topologyVersion").asLong()).isEqualTo(1);

    String n3 = "{\"id\":\"n3\",\"address\":\"127.0.0.1:" + ports.get(3) + "\"}";
    // Without the token, or with a wrong one: 401, nothing changes.
    HttpResponse<byte[]> noToken = a.send(post(a, "/cluster/nodes", n3));
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(Http.text(noToken)).contains("\"error\":\"unauthorized\"");
    assertThat(noToken.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer realm=\"amberio\"");
    HttpResponse<byte[]> wrong =
        a.send(post(a, "/cluster/nodes", n3).header("Authorization", "Bearer " + "0".repeat(64)));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(status(a).path("topologyVersion").asLong()).isEqualTo(1);
    // Bad input: a specific 400, nothing changes.
    assertThat(admin(a, post(a, "/cluster/nodes", "{\"id\":\"n3\"}")).statusCode()).isEqualTo(400);
    assertThat(
            Http.text(
                admin(a, post(a, "/cluster/nodes", "{\"id\":\"n3\",\"address\":\"nowhere\"}"))))
        .contains("invalid_node");
    assertThat(
            Http.text(
                admin(
                    a,
                    post(
                        a, "/cluster/nodes", "{\"id\":\"n3\",\"address\":\"h:1\",\"weight\":-1}"))))
        .contains("invalid_node")
        .contains("weight");
    assertThat(
            admin(a, post(a, "/cluster/nodes", "{\"id\":\"n3\",\"address\":\"h:1\",\"x\":1}"))
                .statusCode())
        .isEqualTo(400);
    assertThat(admin(a, post(a, "/cluster/nodes", "not json")).statusCode()).isEqualTo(400);
    HttpResponse<byte[]> exists =
        admin(a, post(a, "/cluster/nodes", "{\"id\":\"n1\",\"address\":\"h:1\"}"));
    assertThat(exists.statusCode()).isEqualTo(409);
    assertThat(Http.text(exists)).contains("node_exists");
    HttpResponse<byte[]> missing =
        admin(
            a,
            a.request("/cluster/nodes/zz").method("DELETE", HttpRequest.BodyPublishers.noBody()));
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(Http.text(missing)).contains("node_not_found");
    assertThat(status(a).path("topologyVersion").asLong()).isEqualTo(1);

    // Add n3 over HTTP, start it, and write while its slots move to it.
    HttpResponse<byte[]> added = admin(a, post(a, "/cluster/nodes", n3));
    assertThat(added.statusCode()).as(Http.text(added)).isEqualTo(201);
    assertThat(MAPPER.readTree(added.body()).path("topologyVersion").asLong()).isEqualTo(2);
    start(
        Topology.Node.of("n3", "127.0.0.1:" + ports.get(3)),
        topology.with(Topology.Node.of("n3", "127.0.0.1:" + ports.get(3))));
    // Writes go on while n3 copies its slots (at least one, however fast the copies are).
    int written = 0;
    List<String> failed = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    do {
      HttpResponse<byte[]> put = a.put("/objects/k" + (written % 40), "v" + written);
      if (put.statusCode() != 200 && put.statusCode() != 201) {
        failed.add(put.statusCode() + " " + Http.text(put));
      }
      written++;
    } while (!status(a).path("converged").asBoolean() && System.nanoTime() < deadline);
    assertThat(status(a).path("converged").asBoolean()).as("converged after adding n3").isTrue();
    assertThat(failed).as("writes that failed while n3 was added").isEmpty();
    Http n3http = new Http(members.get(3).server().uri());
    await("n3 sees the new topology converged", () -> status(n3http).path("converged").asBoolean());
    JsonNode nodes = status(n3http).path("nodes");
    assertThat(nodes).hasSize(4);
    assertThat(nodes.get(3).path("slots").asInt()).isEqualTo(SLOTS * 3 / 4);
    for (int i = 0; i < 40 && i < written; i++) {
      assertThat(n3http.get("/objects/k" + i).statusCode()).isEqualTo(200);
    }

    // Remove n1 with the CLI: it drains, then leaves.
    Path secretFile = dir.resolve("secret");
    Files.write(secretFile, secret);
    Cli removed = admin(secretFile, "remove-node", "--id", "n1", "--wait", "--timeout", "PT2M");
    assertThat(removed.code()).as(removed.toString()).isZero();
    assertThat(removed.out()).contains("n1 is draining").contains("n1 removed");
    await("converged after removing n1", () -> status(a).path("converged").asBoolean());
    assertThat(status(a).path("nodes")).hasSize(3);
    StringWriter st = new StringWriter();
    CommandLine cli2 = new CommandLine(new AmberioMain());
    cli2.setOut(new PrintWriter(st));
    assertThat(cli2.execute("cluster", "--url", members.get(0).server().uri().toString(), "status"))
        .isZero();
    assertThat(st.toString()).contains("\"topologyVersion\"").contains("\"converged\" : true");
    for (int i = 0; i < 40 && i < written; i++) {
      assertThat(n3http.get("/objects/k" + i).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void rebuildASlotWhoseReplicasAreLostOverHttpAndTheCli() throws Exception {
    List<Integer> ports = ports(4);
    Topology topology = startThreeNodes(ports, 2, 3);
    Http a = new Http(members.get(0).server().uri());
    await("three nodes converged", () -> status(a).path("converged").asBoolean());
    String keep = "{\"acceptLoss\":true}";

    // Refused or invalid, each changing nothing.
    assertThat(a.send(post(a, "/cluster/slots/0/rebuild", keep)).statusCode()).isEqualTo(401);
    HttpResponse<byte[]> notANumber = admin(a, post(a, "/cluster/slots/x/rebuild", keep));
    assertThat(notANumber.statusCode()).isEqualTo(400);
    assertThat(Http.text(notANumber)).contains("invalid_slot");
    HttpResponse<byte[]> noSuchSlot =
        admin(a, post(a, "/cluster/slots/" + SLOTS + "/rebuild", keep));
    assertThat(noSuchSlot.statusCode()).isEqualTo(404);
    assertThat(Http.text(noSuchSlot)).contains("slot_not_found");
    for (String bad : List.of("{\"acceptLoss\":\"yes\"}", "{\"x\":1}", "[]", "nope")) {
      HttpResponse<byte[]> r = admin(a, post(a, "/cluster/slots/0/rebuild", bad));
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(Http.text(r)).as(bad).contains("invalid_rebuild");
    }
    HttpResponse<byte[]> healthy = admin(a, post(a, "/cluster/slots/0/rebuild", keep));
    assertThat(healthy.statusCode()).isEqualTo(409);
    assertThat(Http.text(healthy)).contains("replica_alive");

    // Both replicas of a slot the first node does not hold are lost.
    int slot = -1;
    for (int s = 0; s < SLOTS && slot < 0; s++) {
      JsonNode v = a.json("/slots/" + s);
      if (!v.path("replicas").toString().contains("\"n0\"")) {
        slot = s;
      }
    }
    assertThat(slot).isNotNegative();
    long epoch = a.json("/slots/" + slot).path("epoch").asLong();
    members.get(1).stop();
    members.get(2).stop();
    String path = "/cluster/slots/" + slot + "/rebuild";
    int lostSlot = slot;
    await(
        "no learner yet",
        () -> Http.text(admin(a, post(a, path, keep))).contains("no_live_learner"));

    // n3 replaces n1 and joins the slot as a learner; a dry run, then the rebuild, through the CLI.
    HttpResponse<byte[]> replaced =
        admin(
            a,
            post(
                a,
                "/cluster/nodes/n1/replace",
                "{\"id\":\"n3\",\"address\":\"127.0.0.1:" + ports.get(3) + "\"}"));
    assertThat(replaced.statusCode()).as(Http.text(replaced)).isEqualTo(200);
    start(
        Topology.Node.of("n3", "127.0.0.1:" + ports.get(3)),
        topology.with(Topology.Node.of("n3", "127.0.0.1:" + ports.get(3))));
    await(
        "n3 learns the slot",
        () -> a.json("/slots/" + lostSlot).path("learners").toString().contains("n3"));
    HttpResponse<byte[]> dry = admin(a, post(a, path, ""));
    assertThat(dry.statusCode()).as(Http.text(dry)).isEqualTo(200);
    JsonNode d = MAPPER.readTree(dry.body());
    assertThat(d.path("dryRun").asBoolean()).isTrue();
    assertThat(d.path("promoted").toString()).isEqualTo("[\"n3\"]");
    assertThat(d.path("whatIsLost").asText()).contains("slot " + slot);
    assertThat(a.json("/slots/" + slot).path("inSync").toString()).doesNotContain("n3");

    Path secretFile = dir.resolve("secret");
    Files.write(secretFile, secret);
    Cli rebuilt = admin(secretFile, "rebuild-slot", Integer.toString(slot), "--accept-loss");
    assertThat(rebuilt.code()).as(rebuilt.toString()).isZero();
    assertThat(rebuilt.out()).contains("\"rebuilt\" : true").contains("rebuilt on");
    await(
        "the slot is in sync on n3",
        () -> a.json("/slots/" + lostSlot).path("inSync").toString().equals("[\"n3\"]"));
    assertThat(a.json("/slots/" + slot).path("epoch").asLong()).isGreaterThan(epoch);
    // It serves again: a path of the slot can be written.
    String key = null;
    for (int i = 0; key == null; i++) {
      if (members.get(0).store().slotOf("r" + i) == slot) {
        key = "r" + i;
      }
    }
    String k = key;
    await("a write to the rebuilt slot", () -> a.put("/objects/" + k, "after").statusCode() == 201);
  }

  /**
   * Starts n0, n1 and n2 on the first three of {@code ports} ({@code SLOTS} slots, {@code rf}
   * replicas, an in-memory registry, 2 s leases) with a secret drawn from {@code seed}.
   */
  private Topology startThreeNodes(List<Integer> ports, int rf, long seed) throws Exception {
    registryThreads = Executors.newScheduledThreadPool(2);
    registry = new InMemoryRegistry(Scheduler.system(registryThreads));
    List<Topology.Node> first = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      first.add(Topology.Node.of("n" + i, "127.0.0.1:" + ports.get(i)));
    }
    Topology topology = Topology.of(SLOTS, rf, first);
    secret = new byte[32];
    new Random(seed).nextBytes(secret);
    timings =
        ClusterConfig.DEFAULTS
            .withLeaseTtl(Duration.ofSeconds(2))
            .withRequestTimeout(Duration.ofSeconds(5));
    for (Topology.Node n : first) {
      start(n, topology);
    }
    return topology;
  }

  /** What the CLI printed and returned. */
  private record Cli(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n" + out + "\n" + err;
    }
  }

  /** Runs {@code amberio cluster --url <first node> --secret-file F <args>}. */
  private Cli admin(Path secretFile, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AmberioMain());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>();
    all.addAll(
        List.of(
            "cluster",
            "--url",
            members.get(0).server().uri().toString(),
            "--secret-file",
            secretFile.toString()));
    all.addAll(List.of(args));
    int code = cli.execute(all.toArray(String[]::new));
    return new Cli(code, out.toString(), err.toString());
  }

  private HttpResponse<byte[]> admin(Http h, HttpRequest.Builder r) {
    return h.send(r.header("Authorization", "Bearer " + AdminToken.fromSecret(secret).text()));
  }

  private static HttpRequest.Builder post(Http h, String path, String body) {
    return h.request(path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
  }

  private static JsonNode status(Http h) {
    return h.json("/cluster");
  }

  private void start(Topology.Node n, Topology topology) throws Exception {
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
    members.add(
        ClusterMemberServer.start(
            config, b -> b.chunkSize(64 << 10), ServerOptions.defaults(), registry));
  }

  private static List<Integer> ports(int n) throws Exception {
    List<ServerSocket> held = new ArrayList<>();
    List<Integer> out = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        out.add(s.getLocalPort());
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    return out;
  }

  private static void await(String what, java.util.function.BooleanSupplier c) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(50);
    }
  }
}
