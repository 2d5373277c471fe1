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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.amberio.cluster.ClusterConfig;
import io.amberio.cluster.NodeId;
import io.amberio.examples.node.ConfigFile.ConfigException;
import io.amberio.examples.node.NodeConfig.RegistrySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The cluster member's configuration file: what it accepts, and one precise message per mistake.
 */
class ConfigFileTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** A valid three-node configuration; each test breaks one thing. */
  private static final String VALID =
      """
      {
        "nodeId": "edge-2",
        "httpListen": "0.0.0.0:7480",
        "clusterListen": "0.0.0.0:7481",
        "dataDirs": ["disk1", "/abs/disk2"],
        "cluster": {
          "nodes": [
            {"id": "edge-1", "address": "10.0.0.1:7481"},
            {"id": "edge-2", "address": "10.0.0.2:7481"},
            {"id": "edge-3", "address": "10.0.0.3:7481"}
          ]
        },
        "registry": {"etcd": ["http://10.0.0.9:2379", "https://etcd.example:2379"]},
        "secretFile": "secret"
      }
      """;

  @BeforeEach
  void secret() throws Exception {
    Files.writeString(dir.resolve("secret"), "0123456789abcdef0123456789abcdef\n");
    Files.writeString(dir.resolve("short-secret"), "0123456789\n");
    Files.writeString(dir.resolve("a-file"), "x");
  }

  @Test
  void aValidFileGivesEveryValueAndTheDefaults() throws Exception {
    NodeConfig c = load(VALID);
    assertThat(c.nodeId()).isEqualTo(NodeId.of("edge-2"));
    assertThat(c.httpListen()).isEqualTo(new HostPort("0.0.0.0", 7480));
    assertThat(c.clusterListen()).isEqualTo(new HostPort("0.0.0.0", 7481));
    assertThat(c.dataDirs()).containsExactly(dir.resolve("disk1"), Path.of("/abs/disk2"));
    assertThat(c.zone()).isEmpty();
    assertThat(c.topology().slotCount()).isEqualTo(2048);
    assertThat(c.topology().replicationFactor()).isEqualTo(3);
    assertThat(c.topology().nodeIds())
        .extracting(NodeId::value)
        .containsExactly("edge-1", "edge-2", "edge-3");
    assertThat(c.topology().node(NodeId.of("edge-3")).orElseThrow().address())
        .isEqualTo("10.0.0.3:7481");
    assertThat(c.registry())
        .isEqualTo(
            new RegistrySpec.Etcd(
                List.of(
                    URI.create("http://10.0.0.9:2379"), URI.create("https://etcd.example:2379"))));
    assertThat(c.secret().orElseThrow().bytes())
        .isEqualTo("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    assertThat(c.timings()).isEqualTo(ClusterConfig.DEFAULTS);
  }

  @Test
  void optionalFieldsAreTaken() throws Exception {
    ObjectNode root = valid();
    root.put("zone", "z2");
    ObjectNode cluster = (ObjectNode) root.get("cluster");
    cluster.put("slots", 64).put("replicationFactor", 2);
    int i = 1;
    for (JsonNode n : cluster.get("nodes")) {
      ((ObjectNode) n).put("zone", "z" + i++);
    }
    root.putObject("timings")
        .put("leaseTtlMs", 2000)
        .put("rpcTimeoutMs", 1500)
        .put("requestTimeoutMs", 9000);
    NodeConfig c = load(root.toString());
    assertThat(c.zone()).hasValue("z2");
    assertThat(c.topology().slotCount()).isEqualTo(64);
    assertThat(c.topology().replicationFactor()).isEqualTo(2);
    assertThat(c.topology().zones()).containsExactly("z1", "z2", "z3");
    assertThat(c.timings().leaseTtl()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.timings().rpcTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.timings().requestTimeout()).isEqualTo(Duration.ofSeconds(9));
    assertThat(c.timings().maxIncomingCopies())
        .isEqualTo(ClusterConfig.DEFAULT_MAX_INCOMING_COPIES);
    root.putObject("copies")
        .put("maxIncoming", 2)
        .put("maxOutgoing", 3)
        .put("bytesPerSecond", 1000)
        .put("reserveBytes", 0);
    NodeConfig limited = load(root.toString());
    assertThat(limited.timings().maxIncomingCopies()).isEqualTo(2);
    assertThat(limited.timings().maxOutgoingCopies()).isEqualTo(3);
    assertThat(limited.timings().copyBytesPerSecond()).isEqualTo(1000);
    assertThat(limited.timings().copyReserveBytes()).isZero();
    assertThat(limited.timings().leaseTtl()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void aOneNodeClusterMayUseTheMemoryRegistryAndNoSecret() throws Exception {
    NodeConfig c =
        load(
            """
        {"nodeId": "solo", "httpListen": "127.0.0.1:0", "clusterListen": "127.0.0.1:0", "dataDirs": ["d"],
         "cluster": {"slots": 16, "replicationFactor": 1, "nodes": [{"id": "solo", "address": "127.0.0.1:7481"}]},
         "registry": {"memory": true}}
        """);
    assertThat(c.registry()).isEqualTo(new RegistrySpec.Memory());
    assertThat(c.secret()).isEmpty();
    assertThat(c.httpListen().port()).isZero();
  }

  @Test
  void ipv6AddressesGoInBrackets() throws Exception {
    ObjectNode root = valid();
    root.put("clusterListen", "[::]:7481");
    NodeConfig c = load(root.toString());
    assertThat(c.clusterListen()).isEqualTo(new HostPort("::", 7481));
    assertThat(c.clusterListen().toString()).isEqualTo("[::]:7481");
  }

  /**
   * Each row: a JSON pointer, the value to put there (JSON; "<remove>" removes the field), the
   * message.
   */
  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        // unknown fields, at every level
        "/colour|`\"red\"`|colour: unknown field (allowed at the top: nodeId, httpListen, clusterListen, dataDirs, zone, cluster, registry, secretFile, timings, copies)",
        "/cluster/slot|2048|cluster.slot: unknown field (allowed here: slots, replicationFactor, nodes)",
        "/cluster/nodes/1/port|7481|cluster.nodes[1].port: unknown field (allowed here: id, address, zone)",
        "/registry/consul|true|registry.consul: unknown field (allowed here: etcd, memory)",
        "/timings/leaseTtl|5000|timings.leaseTtl: unknown field (allowed here: leaseTtlMs, rpcTimeoutMs, requestTimeoutMs)",
        // missing required fields
        "/nodeId|<remove>|nodeId: missing (required)",
        "/httpListen|<remove>|httpListen: missing (required)",
        "/clusterListen|<remove>|clusterListen: missing (required)",
        "/dataDirs|<remove>|dataDirs: missing (required)",
        "/cluster|<remove>|cluster: missing (required)",
        "/cluster/nodes|<remove>|cluster.nodes: missing (required)",
        "/cluster/nodes/0/address|<remove>|cluster.nodes[0].address: missing (required)",
        "/cluster/nodes/2/id|<remove>|cluster.nodes[2].id: missing (required)",
        "/registry|<remove>|registry: missing (required)",
        "/secretFile|<remove>|secretFile: missing: a cluster of 3 nodes needs a file holding the secret they share",
        // wrong types
        "/nodeId|5|nodeId: expected a string, was the number 5",
        "/httpListen|7480|httpListen: expected a string, was the number 7480",
        "/dataDirs|`\"/data\"`|dataDirs: expected a list of directories ([...]), was the string \"/data\"",
        "/dataDirs|[1]|dataDirs[0]: expected a string, was the number 1",
        "/zone|null|zone: expected a string, was null",
        "/cluster|[]|cluster: expected an object ({...}), was a list",
        "/cluster/slots|`\"2048\"`|cluster.slots: expected a whole number, was the string \"2048\"",
        "/cluster/slots|20.5|cluster.slots: expected a whole number, was the number 20.5",
        "/cluster/replicationFactor|true|cluster.replicationFactor: expected a whole number, was true",
        "/cluster/nodes|{}|cluster.nodes: expected a list of nodes ([...]), was an object",
        "/cluster/nodes/1|`\"edge-2\"`|cluster.nodes[1]: expected an object ({...}), was the string \"edge-2\"",
        "/registry|`\"etcd\"`|registry: expected an object ({...}), was the string \"etcd\"",
        "/registry/etcd|`\"http://10.0.0.9:2379\"`|registry.etcd: expected a list of endpoints ([...]), was the string",
        "/secretFile|[]|secretFile: expected a string, was a list",
        "/timings|5000|timings: expected an object ({...}), was the number 5000",
        "/timings/leaseTtlMs|`\"5s\"`|timings.leaseTtlMs: expected a whole number, was the string \"5s\"",
        // bad values
        "/nodeId|`\"edge 2\"`|nodeId: a node id is 1 to 128 of A-Z a-z 0-9 . _ : -, was 'edge 2'",
        "/nodeId|`\"\"`|nodeId: a node id is 1 to 128",
        "/nodeId|`\"edge-9\"`|cluster.nodes: has no entry for this node 'edge-9' (nodeId); its ids are [edge-1, edge-2, edge-3]",
        "/httpListen|`\"localhost\"`|httpListen: expected host:port, was 'localhost'",
        "/httpListen|`\"localhost:99999\"`|httpListen: the port of 'localhost:99999' is not a number 0 to 65535",
        "/httpListen|`\"localhost:http\"`|httpListen: the port of 'localhost:http' is not a number 0 to 65535",
        "/clusterListen|`\"::1:7481\"`|clusterListen: an IPv6 address goes in brackets ([::1]:7481), was '::1:7481'",
        "/clusterListen|`\"0.0.0.0:0\"`|clusterListen: port 0 (any free port) only works for a one-node cluster",
        "/dataDirs|[]|dataDirs: needs at least one directory",
        "/dataDirs|`[\"\"]`|dataDirs[0]: must not be empty",
        "/dataDirs|`[\"d1\", \"./d1\"]`|dataDirs[1]: names the same directory as dataDirs[0]",
        "/dataDirs|`[\"a-file\"]`|dataDirs[0]: ",
        "/zone|`\"rack a\"`|zone: a zone is 1 to 64 of A-Z a-z 0-9 . _ : -, was 'rack a'",
        "/zone|`\"rack-a\"`|zone: 'rack-a' differs from the zone of this node in cluster.nodes[1]: none",
        "/cluster/slots|0|cluster.slots: must be 1 to 65536, was 0",
        "/cluster/slots|70000|cluster.slots: must be 1 to 65536, was 70000",
        "/cluster/slots|99999999999999999999|cluster.slots: is out of range",
        "/cluster/replicationFactor|0|cluster.replicationFactor: must be 1 to 5, was 0",
        "/cluster/replicationFactor|6|cluster.replicationFactor: must be 1 to 5, was 6",
        "/cluster/replicationFactor|4|cluster.replicationFactor: 4 needs at least 4 nodes and cluster.nodes has 3; set it to at most 3",
        "/cluster/nodes|[]|cluster.nodes: needs at least one node (this one)",
        "/cluster/nodes/2/id|`\"edge-1\"`|cluster.nodes[2].id: 'edge-1' is also the id of cluster.nodes[0]",
        "/cluster/nodes/2/id|`\"-bad id-\"`|cluster.nodes[2].id: a node id is 1 to 128",
        "/cluster/nodes/2/address|`\"10.0.0.1:7481\"`|cluster.nodes[2].address: '10.0.0.1:7481' is also the address of cluster.nodes[0]",
        "/cluster/nodes/2/address|`\"10.0.0.3\"`|cluster.nodes[2].address: expected host:port, was '10.0.0.3'",
        "/cluster/nodes/2/address|`\"10.0.0.3:0\"`|cluster.nodes[2].address: needs a real port, not 0",
        "/cluster/nodes/0/zone|`\"z1\"`|cluster.nodes[1].zone: missing: either every node has a zone or none does, and cluster.nodes[0] has one",
        "/cluster/nodes/0/zone|`\"\"`|cluster.nodes[0].zone: a zone is 1 to 64",
        "/registry|{}|registry: give etcd (a list of endpoints such as [\"http://10.0.0.9:2379\"]) or memory (true, for a one-node cluster)",
        "/registry/memory|true|registry: give either etcd or memory, not both",
        "/registry/etcd|[]|registry.etcd: needs at least one endpoint",
        "/registry/etcd|`[\"10.0.0.9:2379\"]`|registry.etcd[0]: expected http(s)://host:port, was '10.0.0.9:2379'",
        "/registry/etcd|`[\"http://10.0.0.9\"]`|registry.etcd[0]: expected http(s)://host:port, was 'http://10.0.0.9'",
        "/registry/etcd|`[\"http://10.0.0.9:2379/v3\"]`|registry.etcd[0]: expected http(s)://host:port",
        "/registry/etcd|`[\"http://a:1\", \"http://a:1\"]`|registry.etcd[1]: 'http://a:1' is listed twice",
        "/secretFile|`\"no-such-secret\"`|secretFile: no such file: ",
        "/secretFile|`\"short-secret\"`|secretFile: the secret in ",
        "/secretFile|`\"\"`|secretFile: must not be empty",
        "/timings/leaseTtlMs|50|timings.leaseTtlMs: must be 100 to 86400000 (milliseconds), was 50",
        "/timings/rpcTimeoutMs|0|timings.rpcTimeoutMs: must be 1 to 86400000 (milliseconds), was 0",
        "/timings/requestTimeoutMs|-1|timings.requestTimeoutMs: must be 1 to 86400000 (milliseconds), was -1",
        "/copies/maxIncoming|0|copies.maxIncoming: must be 1 to 1024, was 0",
        "/copies/bytesPerSecond|-5|copies.bytesPerSecond: must be 0 (no limit) or more, was -5",
        "/copies/reserveBytes|-1|copies.reserveBytes: must be 0 or more, was -1",
        "/copies/maxOutgoing|1025|copies.maxOutgoing: must be 1 to 1024, was 1025",
        "/copies/rate|5|copies.rate: unknown field (allowed here: maxIncoming, maxOutgoing, bytesPerSecond, reserveBytes)",
      })
  void eachMistakeIsReportedWithItsField(String pointer, String value, String message)
      throws Exception {
    ObjectNode root = valid();
    if (pointer.startsWith("/timings/")) {
      root.putObject("timings");
    }
    if (pointer.startsWith("/copies/")) {
      root.putObject("copies");
    }
    if (pointer.equals("/registry/memory")) {
      ((ObjectNode) root.get("registry")).put("memory", true);
    } else {
      set(root, pointer, value.equals("<remove>") ? null : JSON.readTree(value));
    }
    assertThatThrownBy(() -> load(root.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void theMemoryRegistryIsForOneNodeOnly() {
    ObjectNode root = valid();
    root.putObject("registry").put("memory", true);
    assertThatThrownBy(() -> load(root.toString()))
        .hasMessage(
            "registry.memory: the in-memory registry lives in one "
                + "process, so it only serves a one-node cluster and cluster.nodes has 3; use registry.etcd");
    root.putObject("registry").put("memory", false);
    assertThatThrownBy(() -> load(root.toString()))
        .hasMessage("registry.memory: must be true when given (or use registry.etcd)");
    root.putObject("registry").put("memory", "yes");
    assertThatThrownBy(() -> load(root.toString()))
        .hasMessage("registry.memory: expected true, was the string \"yes\"");
  }

  @Test
  void theDefaultReplicationFactorNeedsThreeNodes() {
    assertThatThrownBy(
            () ->
                load(
                    """
        {"nodeId": "solo", "httpListen": "127.0.0.1:0", "clusterListen": "127.0.0.1:0", "dataDirs": ["d"],
         "cluster": {"nodes": [{"id": "solo", "address": "127.0.0.1:7481"}]}, "registry": {"memory": true}}
        """))
        .hasMessage(
            "cluster.replicationFactor: 3 (the default) needs at least 3 nodes and cluster.nodes has 1; "
                + "set it to at most 1");
  }

  @Test
  void zonesMustBeAtLeastTheReplicationFactor() {
    ObjectNode root = valid();
    for (JsonNode n : root.get("cluster").get("nodes")) {
      ((ObjectNode) n).put("zone", n.get("id").asText().equals("edge-3") ? "z2" : "z1");
    }
    assertThatThrownBy(() -> load(root.toString()))
        .hasMessage(
            "cluster.replicationFactor: 3 (the default) puts each "
                + "slot's replicas in 3 distinct zones, but cluster.nodes has only 2 zones");
  }

  @Test
  void theSecretIsCheckedForLength() {
    ObjectNode root = valid();
    root.put("secretFile", "short-secret");
    assertThatThrownBy(() -> load(root.toString()))
        .hasMessage(
            "secretFile: the secret in "
                + dir.resolve("short-secret")
                + " is 10 bytes; at least 16 are needed (32 random bytes advised, e.g. openssl rand -hex 32)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "`{`|not valid JSON at line 1, column 2: Unexpected end-of-input",
        "`{\"nodeId\": \"a\",}`|not valid JSON at line 1, column 16: Unexpected character",
        "`{\"nodeId\": \"a\", \"nodeId\": \"b\"}`|not valid JSON at line 1, column 25: Duplicate field 'nodeId'",
        "`{} {}`|not valid JSON",
        "`// comment\n{}`|not valid JSON",
        "`[]`|expected a JSON object ({...}) at the top, was a list",
        "`\"text\"`|expected a JSON object ({...}) at the top, was the string \"text\"",
        "`   `|the file is empty; expected a JSON object",
      })
  void malformedFilesAreReportedInOneLine(String text, String message) {
    assertThatThrownBy(() -> ConfigFile.parse(text.getBytes(StandardCharsets.UTF_8), dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aMissingFileIsReported() {
    assertThatThrownBy(() -> ConfigFile.load(dir.resolve("nope.json"))).hasMessage("no such file");
  }

  private NodeConfig load(String json) throws Exception {
    Path file = dir.resolve("node.json");
    Files.writeString(file, json);
    return ConfigFile.load(file);
  }

  private static ObjectNode valid() {
    try {
      return (ObjectNode) JSON.readTree(VALID);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Sets (or, with null, removes) the field at {@code pointer}, creating nothing but the last step.
   */
  private static void set(ObjectNode root, String pointer, JsonNode value) {
    JsonPointer p = JsonPointer.compile(pointer);
    JsonNode parent = root.at(p.head());
    String last = p.last().getMatchingProperty();
    if (parent instanceof ArrayNode array) {
      int index = Integer.parseInt(last);
      if (value == null) {
        array.remove(index);
      } else {
        array.set(index, value);
      }
    } else if (value == null) {
      ((ObjectNode) parent).remove(last);
    } else {
      ((ObjectNode) parent).set(last, value);
    }
  }
}
