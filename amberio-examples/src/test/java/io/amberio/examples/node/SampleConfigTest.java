package io.amberio.examples.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.amberio.cluster.NodeId;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.charset.StandardCharsets;

/** The sample configuration shipped in {@code src/main/config} (and shown in the README) is valid. */
class SampleConfigTest {
  @TempDir Path dir;

  @Test
  void theSampleClusterNodeConfigIsValid() throws Exception {
    ObjectNode sample = (ObjectNode) new ObjectMapper().readTree(Path.of("src/main/config/cluster-node.json").toFile());
    // Its secret file lives in /etc; point at one of ours, change nothing else.
    Path secret = Files.writeString(dir.resolve("cluster-secret"), "0123456789abcdef0123456789abcdef\n");
    sample.put("secretFile", secret.toString());
    NodeConfig config = ConfigFile.parse(sample.toString().getBytes(StandardCharsets.UTF_8), dir);
    assertThat(config.nodeId()).isEqualTo(NodeId.of("edge-1"));
    assertThat(config.topology().nodes()).hasSize(3);
    assertThat(config.topology().zones()).containsExactly("rack-a", "rack-b", "rack-c");
    assertThat(config.registry()).isInstanceOf(NodeConfig.RegistrySpec.Etcd.class);
  }
}
