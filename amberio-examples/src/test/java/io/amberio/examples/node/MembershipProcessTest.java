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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.amberio.examples.AmberioMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Membership changes on real processes: three {@code node --config} processes and a real etcd, a
 * writer and a reader running the whole time; add a fourth node (HTTP admin API), remove one of the
 * first three (the CLI, {@code --wait}), then SIGKILL another and replace it by a fifth (HTTP).
 * Every acknowledged version then reads back byte for byte from every remaining node, no read ever
 * went back, and no request failed while nodes were added or removed.
 */
@DisabledOnOs(OS.WINDOWS)
class MembershipProcessTest {
  private static final int KEYS = 30;

  @TempDir java.nio.file.Path dir;
  private EtcdCluster cluster;
  private final List<Integer> live = new CopyOnWriteArrayList<>();
  private final Map<String, Map<Long, byte[]>> acked = new ConcurrentHashMap<>();
  private final Map<String, Long> floor = new ConcurrentHashMap<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
  private final AtomicReference<String> phase = new AtomicReference<>("start");
  private volatile boolean stop;
  private final AtomicInteger reads = new AtomicInteger();

  @AfterEach
  void kill() {
    stop = true;
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void addRemoveAndReplaceNodesUnderWritesAndReads() throws Exception {
    assumeTrue(EtcdCluster.etcdInstalled(), "etcd is not installed");
    cluster = new EtcdCluster(dir, 3, 16, "{\"leaseTtlMs\": 2000, \"rpcTimeoutMs\": 1000}").start();
    for (int i = 1; i <= 3; i++) {
      cluster.awaitHealthy(i, Duration.ofSeconds(60));
      live.add(i);
    }
    String token =
        AdminToken.fromSecret(
                Arrays.copyOf(
                    Files.readAllBytes(cluster.secretFile()),
                    Files.readAllBytes(cluster.secretFile()).length - 1))
            .text();
    Thread writer = new Thread(this::write, "writer");
    Thread reader = new Thread(this::read, "reader");
    writer.start();
    reader.start();
    Thread.sleep(1000);

    phase.set("add n4");
    Map.Entry<Integer, String> n4 = cluster.addSpare();
    HttpResponse<byte[]> added =
        cluster
            .http(1)
            .send(
                cluster
                    .http(1)
                    .request("/cluster/nodes")
                    .header("Authorization", "Bearer " + token)
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"id\":\"n4\",\"address\":\"" + n4.getValue() + "\"}")));
    assertThat(added.statusCode()).as(Http.text(added)).isEqualTo(201);
    cluster.startNode(4);
    cluster.awaitHealthy(4, Duration.ofSeconds(60));
    live.add(4);
    awaitConverged(List.of(1, 2, 3, 4));

    phase.set("remove n2");
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new AmberioMain());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(out));
    int code =
        cli.execute(
            "cluster",
            "--config",
            cluster.config(3).toString(),
            "remove-node",
            "--id",
            "n2",
            "--wait",
            "--timeout",
            "PT3M");
    assertThat(code).as(out.toString()).isZero();
    awaitConverged(List.of(1, 3, 4));
    live.remove(Integer.valueOf(2));
    Thread.sleep(300); // requests already sent to n2 finish
    cluster.process(2).destroy();
    assertThat(cluster.process(2).waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(failures).as("requests that failed while n4 was added and n2 removed").isEmpty();

    phase.set("kill n3, replace by n5");
    live.remove(Integer.valueOf(3));
    cluster.kill(3);
    Map.Entry<Integer, String> n5 = cluster.addSpare();
    HttpResponse<byte[]> replaced =
        cluster
            .http(1)
            .send(
                cluster
                    .http(1)
                    .request("/cluster/nodes/n3/replace")
                    .header("Authorization", "Bearer " + token)
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"id\":\"n5\",\"address\":\"" + n5.getValue() + "\"}")));
    assertThat(replaced.statusCode()).as(Http.text(replaced)).isEqualTo(200);
    cluster.startNode(5);
    cluster.awaitHealthy(5, Duration.ofSeconds(60));
    live.add(5);
    awaitConverged(List.of(1, 4, 5));
    phase.set("after");
    Thread.sleep(1000);
    stop = true;
    writer.join(30_000);
    reader.join(30_000);

    assertThat(violations).isEmpty();
    int checked = 0;
    for (int via : List.of(1, 4, 5)) {
      for (Map.Entry<String, Map<Long, byte[]>> k : acked.entrySet()) {
        for (Map.Entry<Long, byte[]> v : k.getValue().entrySet()) {
          HttpResponse<byte[]> r =
              cluster.http(via).get("/objects/" + k.getKey() + "?version=" + v.getKey());
          assertThat(r.statusCode())
              .as(k.getKey() + "@" + v.getKey() + " via n" + via)
              .isEqualTo(200);
          assertThat(r.body())
              .as(k.getKey() + "@" + v.getKey() + " via n" + via)
              .isEqualTo(v.getValue());
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(100);
    System.out.printf(
        "membership on processes: %d acknowledged versions checked on 3 nodes, %d reads, failures"
            + " %s%n",
        checked, reads.get(), failures);
    // Failures after the kill are the requests in flight to n3 and those its slots refused until
    // its session ended; none after the replacement converged.
    assertThat(failures.keySet()).allMatch(k -> k.startsWith("kill n3"));
  }

  private void awaitConverged(List<Integer> nodes) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      boolean all = true;
      long version = -1;
      for (int n : nodes) {
        JsonNode s = cluster.http(n).json("/cluster");
        if (!s.path("converged").asBoolean()
            || (version >= 0 && s.path("topologyVersion").asLong() != version)) {
          all = false;
          break;
        }
        version = s.path("topologyVersion").asLong();
      }
      if (all) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not converged within 3 min on " + nodes + "\n" + cluster.tails(40));
  }

  private int pick(Random r) {
    List<Integer> now = new ArrayList<>(live);
    return now.get(r.nextInt(now.size()));
  }

  private void write() {
    Random r = new Random(1);
    int seq = 0;
    while (!stop) {
      String key = "k" + r.nextInt(KEYS);
      byte[] value = (key + "-" + seq++ + "-" + r.nextLong()).getBytes(StandardCharsets.UTF_8);
      int via = pick(r);
      try {
        HttpResponse<byte[]> put = cluster.http(via).put("/objects/" + key, value);
        if (put.statusCode() == 201 || put.statusCode() == 200) {
          long v = Long.parseLong(put.headers().firstValue("X-Amberio-Version").orElseThrow());
          acked.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(v, value);
          floor.merge(key, v, Math::max);
        } else {
          failed("PUT " + put.statusCode() + " " + Http.text(put));
        }
      } catch (RuntimeException e) {
        failed("PUT via n" + via + ": " + e);
      }
    }
  }

  private void read() {
    Random r = new Random(2);
    Map<String, Long> seen = new java.util.HashMap<>();
    while (!stop) {
      String key = "k" + r.nextInt(KEYS);
      long before = floor.getOrDefault(key, 0L);
      int via = pick(r);
      try {
        HttpResponse<byte[]> get = cluster.http(via).get("/objects/" + key);
        reads.incrementAndGet();
        if (get.statusCode() == 200) {
          long v = Long.parseLong(get.headers().firstValue("X-Amberio-Version").orElseThrow());
          if (v < before || v < seen.getOrDefault(key, 0L)) {
            violations.add(
                key + " via n" + via + " went back to v" + v + " (acked " + before + ")");
          }
          seen.merge(key, v, Math::max);
          byte[] want = acked.getOrDefault(key, Map.of()).get(v);
          if (want != null && !Arrays.equals(want, get.body())) {
            violations.add(key + "@" + v + " via n" + via + ": wrong bytes");
          }
        } else if (get.statusCode() == 404 && before > 0) {
          violations.add(key + " via n" + via + ": 404 after v" + before + " was acknowledged");
        } else if (get.statusCode() != 404) {
          failed("GET " + get.statusCode() + " " + Http.text(get));
        }
      } catch (RuntimeException e) {
        failed("GET via n" + via + ": " + e);
      }
    }
  }

  private void failed(String what) {
    failures.computeIfAbsent(phase.get() + ": " + what, k -> new AtomicInteger()).incrementAndGet();
  }
}
