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

import io.amberio.core.BlobStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code amberio node --config FILE} as its own process: serves, and on SIGTERM leaves, closes and
 * exits 0.
 */
@DisabledOnOs(OS.WINDOWS)
class ClusterNodeProcessTest {
  @TempDir Path dir;

  @Test
  void servesFromAConfigFileAndSigtermLeavesClosesAndExitsZero() throws Exception {
    try (NodeProcess node = node(config(0))) {
      Process process = node.process();
      List<String> output = node.output();
      Http http = new Http(node.awaitServing());
      HttpResponse<byte[]> put = http.put("/objects/proc/cluster", "from the config");
      assertThat(put.statusCode()).as(Http.text(put)).isEqualTo(201);
      assertThat(Http.text(http.get("/objects/proc/cluster"))).isEqualTo("from the config");
      assertThat(TestNode.json(http.get("/nodes")).path("nodes").get(0).path("state").asText())
          .isEqualTo("up");

      assertThat(process.toHandle().destroy()).isTrue(); // SIGTERM
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited; output: %s", output).isTrue();
      assertThat(process.exitValue()).as("exit status; output: %s", output).isZero();
      assertThat(String.join("\n", output)).contains("Stopping", "Left the cluster");
    }

    try (BlobStore store = BlobStore.builder().dataDir(dir.resolve("data")).slotCount(16).build()) {
      assertThat(store.get("proc/cluster").readAllBytes()).asString().isEqualTo("from the config");
    }
  }

  @Test
  void aClusterPortInUseEndsWithExitCode1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        NodeProcess node = node(config(taken.getLocalPort()))) {
      assertThat(node.process().waitFor(60, TimeUnit.SECONDS))
          .as("output: %s", node.output())
          .isTrue();
      assertThat(node.process().exitValue()).as("output: %s", node.output()).isEqualTo(1);
      node.awaitLine(
          "Cannot listen on 127.0.0.1:" + taken.getLocalPort() + " for the cluster transport");
    }
  }

  private Path config(int clusterPort) throws IOException {
    return Files.writeString(
        dir.resolve("node.json"),
        """
        {
          "nodeId": "proc-1",
          "httpListen": "127.0.0.1:0",
          "clusterListen": "127.0.0.1:%d",
          "dataDirs": ["data"],
          "cluster": {"slots": 16, "replicationFactor": 1, "nodes": [{"id": "proc-1", "address": "127.0.0.1:7481"}]},
          "registry": {"memory": true}
        }
        """
            .formatted(clusterPort));
  }

  private static NodeProcess node(Path config) throws IOException {
    return NodeProcess.start("256m", "--config", config.toString());
  }
}
