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

import static io.amberio.examples.node.TestNode.errorCode;
import static io.amberio.examples.node.TestNode.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /health}, {@code /nodes}, {@code /slots/{id}} and {@code /metrics}. */
class OperationsApiTest {
  @TempDir static Path dir;
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(dir, b -> b, o -> o.withNodeId("edge-1"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void healthSaysOkWithTheNodeId() {
    HttpResponse<byte[]> health = node.get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(json(health).path("status").asText()).isEqualTo("ok");
    assertThat(json(health).path("node").asText()).isEqualTo("edge-1");
    assertThat(node.server.nodeId()).isEqualTo("edge-1");
  }

  @Test
  void nodesListsThisNodeHoldingEverySlot() {
    JsonNode nodes = json(node.get("/nodes")).path("nodes");
    assertThat(nodes.size()).isEqualTo(1);
    JsonNode self = nodes.get(0);
    assertThat(self.path("id").asText()).isEqualTo("edge-1");
    assertThat(self.path("address").asText()).isEqualTo("127.0.0.1:" + node.server.port());
    assertThat(self.path("state").asText()).isEqualTo("up");
    assertThat(self.path("slots").size()).isEqualTo(16);
    for (int i = 0; i < 16; i++) {
      assertThat(self.path("slots").get(i).asInt()).isEqualTo(i);
    }
  }

  @Test
  void slotReportsReplicasEpochAndCounts() {
    node.put("/objects/slotted/a", "12345");
    node.put("/objects/slotted/a", "1234567");
    int slot = node.store.slotOf("slotted/a");
    JsonNode body = json(node.get("/slots/" + slot));
    assertThat(body.path("slot").asInt()).isEqualTo(slot);
    assertThat(body.path("epoch").asLong()).isEqualTo(1);
    assertThat(body.path("replicas").size()).isEqualTo(1);
    assertThat(body.path("replicas").get(0).asText()).isEqualTo("edge-1");
    assertThat(body.path("blobCount").asLong()).isGreaterThanOrEqualTo(2);
    assertThat(body.path("bytes").asLong()).isGreaterThanOrEqualTo(12);
  }

  @Test
  void unknownSlotIs404AndANonNumericOne400() {
    for (String id : new String[] {"16", "65536", "99999999999999999999"}) {
      HttpResponse<byte[]> response = node.get("/slots/" + id);
      assertThat(response.statusCode()).as(id).isEqualTo(404);
      assertThat(errorCode(response)).isEqualTo("slot_not_found");
    }
    for (String id : new String[] {"abc", "-1", "1.0", "", "1/2", "%31", "0x1"}) {
      HttpResponse<byte[]> response = node.get("/slots/" + id);
      assertThat(response.statusCode()).as(id).isEqualTo(400);
      assertThat(errorCode(response)).isEqualTo("invalid_slot");
    }
    assertThat(node.get("/slots/0").statusCode()).isEqualTo(200);
    assertThat(node.get("/slots/15").statusCode()).isEqualTo(200);
  }

  @Test
  void metricsArePrometheusTextWithJvmAndRequestMetrics() {
    node.get("/health");
    node.get("/objects/metrics/missing");
    HttpResponse<byte[]> metrics = node.get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    String text = new String(metrics.body(), StandardCharsets.UTF_8);
    assertThat(text)
        .contains("# TYPE jvm_memory_used_bytes gauge")
        .contains("jvm_threads_live_threads")
        .contains(
            "amberio_http_requests_seconds_count{method=\"GET\",route=\"health\",status=\"200\"}")
        .contains(
            "amberio_http_requests_seconds_count{method=\"GET\",route=\"object\",status=\"404\"}")
        .contains("amberio_http_received_bytes_total")
        .contains("amberio_http_requests_active");
  }

  @Test
  void metricsCountReadCacheHitsAndMisses() {
    assertThat(
            node.put("/objects/metrics/cached", "hello".getBytes(StandardCharsets.UTF_8))
                .statusCode())
        .isEqualTo(201);
    assertThat(node.get("/objects/metrics/cached").statusCode()).isEqualTo(200);
    assertThat(node.get("/objects/metrics/cached").statusCode()).isEqualTo(200);
    String text = new String(node.get("/metrics").body(), StandardCharsets.UTF_8);
    assertThat(counter(text, "amberio_read_cache_hits_total")).isGreaterThanOrEqualTo(1);
    assertThat(counter(text, "amberio_read_cache_misses_total")).isGreaterThanOrEqualTo(1);
    assertThat(counter(text, "amberio_read_cache_max_bytes")).isPositive();
  }

  private static double counter(String text, String name) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(text);
    assertThat(m.find()).as("%s in %s", name, text).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void headOnOperationsEndpointsHasNoBody() {
    HttpResponse<byte[]> head = node.head("/health");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(node.head("/metrics").statusCode()).isEqualTo(200);
  }

  @Test
  void unknownQueryParametersOnOperationsEndpointsGet400() {
    HttpResponse<byte[]> response = node.get("/health?verbose=1");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("invalid_parameter");
  }
}
