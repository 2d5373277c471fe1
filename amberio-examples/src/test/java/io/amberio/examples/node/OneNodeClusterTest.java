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
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A one-node cluster member started from a config file (in-memory registry), serving the HTTP API.
 */
class OneNodeClusterTest {
  @TempDir static Path dir;
  static ClusterMemberServer member;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("node.json"),
            """
        {
          "nodeId": "solo",
          "httpListen": "127.0.0.1:0",
          "clusterListen": "127.0.0.1:0",
          "dataDirs": ["data-1", "data-2"],
          "cluster": {"slots": 16, "replicationFactor": 1, "nodes": [{"id": "solo", "address": "127.0.0.1:7481"}]},
          "registry": {"memory": true},
          "timings": {"leaseTtlMs": 2000, "requestTimeoutMs": 5000}
        }
        """);
    member =
        ClusterMemberServer.start(
            ConfigFile.load(config), b -> b.chunkSize(64 << 10), ServerOptions.defaults());
    http = new Http(member.server().uri());
  }

  @AfterAll
  static void stop() {
    if (member != null) {
      assertThat(member.stop()).isTrue();
    }
  }

  @Test
  void servesPutAndGetThroughTheCluster() {
    HttpResponse<byte[]> put = http.put("/objects/one/a.txt", "hello");
    assertThat(put.statusCode()).as(Http.text(put)).isEqualTo(201);
    assertThat(TestNode.json(put).path("version").asLong()).isEqualTo(1);
    HttpResponse<byte[]> get = http.get("/objects/one/a.txt");
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(Http.text(get)).isEqualTo("hello");
    assertThat(get.headers().firstValue("X-Amberio-Version")).hasValue("1");

    byte[] big = new byte[300_000];
    new Random(7).nextBytes(big);
    assertThat(http.put("/objects/one/big.bin", big).statusCode()).isEqualTo(201);
    assertThat(http.get("/objects/one/big.bin").body()).isEqualTo(big);
    HttpResponse<byte[]> list = http.get("/objects?prefix=one/");
    assertThat(list.statusCode()).as(Http.text(list)).isEqualTo(200);
    assertThat(TestNode.json(list).path("items").findValuesAsText("path"))
        .contains("one/a.txt", "one/big.bin");
  }

  @Test
  void aPathNeverWrittenIs404NotFound() {
    HttpResponse<byte[]> missing = http.get("/objects/one/missing");
    assertThat(missing.statusCode()).as(Http.text(missing)).isEqualTo(404);
    assertThat(TestNode.errorCode(missing)).isEqualTo("not_found");
  }

  @Test
  void aConditionalPutOfTheWrongVersionIs409() {
    assertThat(http.put("/objects/one/cas", "v1").statusCode()).isEqualTo(201);
    HttpResponse<byte[]> conflict = http.put("/objects/one/cas?version=5", "v5");
    assertThat(conflict.statusCode()).as(Http.text(conflict)).isEqualTo(409);
    assertThat(TestNode.json(conflict).path("latest").asLong()).isEqualTo(1);
  }

  @Test
  void theDataLandsInTheConfiguredDirectories() {
    assertThat(dir.resolve("data-1").resolve("amberio-store.properties")).exists();
    assertThat(dir.resolve("data-2").resolve("amberio-store.properties")).exists();
    assertThat(member.store().slotCount()).isEqualTo(16);
  }

  @Test
  void operationsEndpointsShowTheCluster() {
    JsonNode health = http.json("/health");
    assertThat(health.path("status").asText()).isEqualTo("ok");
    assertThat(health.path("node").asText()).isEqualTo("solo");

    JsonNode nodes = http.json("/nodes");
    assertThat(nodes.path("slotCount").asInt()).isEqualTo(16);
    assertThat(nodes.path("replicationFactor").asInt()).isEqualTo(1);
    assertThat(nodes.path("nodes").size()).isEqualTo(1);
    JsonNode solo = nodes.path("nodes").get(0);
    assertThat(solo.path("id").asText()).isEqualTo("solo");
    assertThat(solo.path("address").asText()).isEqualTo("127.0.0.1:7481");
    assertThat(solo.path("state").asText()).isEqualTo("up");
    assertThat(solo.path("slots").size()).isEqualTo(16);

    http.put("/objects/one/slotted", "12345");
    int slot = member.store().slotOf("one/slotted");
    JsonNode s = http.json("/slots/" + slot);
    assertThat(s.path("slot").asInt()).isEqualTo(slot);
    assertThat(s.path("epoch").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(s.path("replicas").toString()).isEqualTo("[\"solo\"]");
    assertThat(s.path("inSync").toString()).isEqualTo("[\"solo\"]");
    assertThat(s.path("learners").toString()).isEqualTo("[]");
    assertThat(s.path("blobCount").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(s.path("bytes").asLong()).isGreaterThanOrEqualTo(5);
    assertThat(http.get("/slots/16").statusCode()).isEqualTo(404);
  }
}
