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

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.amberio.cluster.NodeId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample configuration shipped in {@code src/main/config} (and shown in the README) is valid.
 */
class SampleConfigTest {
  @TempDir Path dir;

  @Test
  void theSampleClusterNodeConfigIsValid() throws Exception {
    ObjectNode sample =
        (ObjectNode)
            new ObjectMapper().readTree(Path.of("src/main/config/cluster-node.json").toFile());
    // Its secret file lives in /etc; point at one of ours, change nothing else.
    Path secret =
        Files.writeString(dir.resolve("cluster-secret"), "0123456789abcdef0123456789abcdef\n");
    sample.put("secretFile", secret.toString());
    NodeConfig config = ConfigFile.parse(sample.toString().getBytes(StandardCharsets.UTF_8), dir);
    assertThat(config.nodeId()).isEqualTo(NodeId.of("edge-1"));
    assertThat(config.topology().nodes()).hasSize(3);
    assertThat(config.topology().zones()).containsExactly("rack-a", "rack-b", "rack-c");
    assertThat(config.registry()).isInstanceOf(NodeConfig.RegistrySpec.Etcd.class);
  }
}
