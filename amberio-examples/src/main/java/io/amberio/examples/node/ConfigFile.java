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

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.amberio.cluster.ClusterConfig;
import io.amberio.cluster.NodeId;
import io.amberio.cluster.topology.Topology;
import io.amberio.examples.node.NodeConfig.RegistrySpec;
import io.amberio.examples.node.NodeConfig.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the configuration file of a cluster member, strictly: an unknown field, a value of the
 * wrong type, a missing required field or a bad value is a {@link ConfigException} that names the
 * field (as a path such as {@code cluster.nodes[1].address}) and says what is wrong. Nothing is
 * started by reading.
 *
 * <pre>{@code
 * {
 *   "nodeId": "edge-1",                       // required; 1 to 128 of A-Z a-z 0-9 . _ : -
 *   "httpListen": "0.0.0.0:7480",             // required; the HTTP API (port 0 picks a free one)
 *   "clusterListen": "0.0.0.0:7481",          // required; the cluster transport
 *   "dataDirs": ["/data/disk1"],              // required, at least one
 *   "zone": "rack-a",                         // optional; must equal this node's zone in cluster.nodes
 *   "cluster": {                              // required; identical on every node
 *     "slots": 2048,                          // optional, 1 to 65536, default 2048
 *     "replicationFactor": 3,                 // optional, 1 to 5, default 3, at most the number of nodes
 *     "nodes": [                              // required; must include nodeId
 *       {"id": "edge-1", "address": "10.0.0.1:7481", "zone": "rack-a"}   // zone: all nodes or none
 *     ]
 *   },
 *   "registry": {"etcd": ["http://10.0.0.9:2379"]},   // or {"memory": true} for a one-node cluster
 *   "secretFile": "/etc/amberio/secret",      // required with more than one node; at least 16 bytes
 *   "timings": {"leaseTtlMs": 5000, "rpcTimeoutMs": 5000, "requestTimeoutMs": 30000},  // optional
 *   "copies": {"maxIncoming": 8, "maxOutgoing": 16, "bytesPerSecond": 67108864, "reserveBytes": 1073741824} // optional
 * }
 * }</pre>
 *
 * <p>Relative paths ({@code dataDirs}, {@code secretFile}) are taken from the directory of the
 * configuration file, so a file and its neighbours can move together. The secret is the file's
 * bytes with trailing line breaks removed. JSON allows no comments: the ones above are for this
 * page only.
 */
public final class ConfigFile {
  /** The most slots a store takes (as {@code --slots}). */
  static final int MAX_SLOTS = 65_536;

  /** The shortest secret the transport accepts. */
  static final int MIN_SECRET_BYTES = 16;

  /** The longest timing accepted: one day. */
  static final long MAX_TIMING_MS = 86_400_000L;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .build();

  private ConfigFile() {}

  /**
   * A configuration error: the field (a path into the file, or empty for the whole file) and the
   * problem.
   */
  public static final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String field;
    private final String problem;

    ConfigException(String field, String problem) {
      super(field.isEmpty() ? problem : field + ": " + problem, null, false, false);
      this.field = field;
      this.problem = problem;
    }

    /**
     * The field at fault, such as {@code cluster.nodes[1].address}; empty when the whole file is.
     */
    public String field() {
      return field;
    }

    /** What is wrong with it. */
    public String problem() {
      return problem;
    }
  }

  /**
   * Reads and checks {@code file}.
   *
   * @throws ConfigException if the file cannot be read, is not JSON, or breaks a rule
   */
  public static NodeConfig load(Path file) throws ConfigException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("", "no such file");
    } catch (IOException e) {
      throw new ConfigException("", "cannot read it: " + e);
    }
    Path base = file.toAbsolutePath().normalize().getParent();
    return parse(bytes, base);
  }

  /**
   * Checks a configuration given as JSON text; relative paths are taken from {@code baseDir}.
   *
   * @throws ConfigException if the text is not JSON or breaks a rule
   */
  public static NodeConfig parse(byte[] json, Path baseDir) throws ConfigException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      String what = e.getOriginalMessage().lines().findFirst().orElse("malformed");
      throw new ConfigException("", "not valid JSON" + where + ": " + what);
    } catch (IOException e) {
      throw new ConfigException("", "cannot read it: " + e);
    }
    if (root == null || root.isMissingNode()) {
      throw new ConfigException("", "the file is empty; expected a JSON object");
    }
    return new ConfigFile.Reader(baseDir).read(root);
  }

  /** One pass over the tree; fields are checked in the order the format lists them. */
  private static final class Reader {
    private final Path base;

    Reader(Path base) {
      this.base = base;
    }

    NodeConfig read(JsonNode rootNode) throws ConfigException {
      Obj root =
          new Obj(
              "",
              rootNode,
              "nodeId",
              "httpListen",
              "clusterListen",
              "dataDirs",
              "zone",
              "cluster",
              "registry",
              "secretFile",
              "timings",
              "copies");
      NodeId nodeId = nodeId("nodeId", root.requiredString("nodeId"));
      HostPort http = hostPort("httpListen", root.requiredString("httpListen"));
      HostPort clusterListen = hostPort("clusterListen", root.requiredString("clusterListen"));
      List<Path> dataDirs = dataDirs(root);
      Optional<String> zone = root.optionalString("zone");
      if (zone.isPresent()) {
        zone("zone", zone.get());
      }
      Topology topology = cluster(root, nodeId, zone);
      int nodeCount = topology.nodes().size();
      if (clusterListen.port() == 0 && nodeCount > 1) {
        throw new ConfigException(
            "clusterListen",
            "port 0 (any free port) only works for a one-node cluster: the "
                + "other nodes must know the port");
      }
      RegistrySpec registry = registry(root, nodeCount);
      Optional<Secret> secret = secret(root, nodeCount);
      ClusterConfig timings = copies(root, timings(root));
      return new NodeConfig(
          nodeId, http, clusterListen, dataDirs, zone, topology, registry, secret, timings);
    }

    private List<Path> dataDirs(Obj root) throws ConfigException {
      JsonNode array = root.required("dataDirs");
      List<JsonNode> items = elements("dataDirs", array, "a list of directories");
      if (items.isEmpty()) {
        throw new ConfigException("dataDirs", "needs at least one directory");
      }
      List<Path> dirs = new ArrayList<>();
      Map<Path, Integer> seen = new HashMap<>();
      for (int i = 0; i < items.size(); i++) {
        String field = "dataDirs[" + i + "]";
        Path dir = path(field, string(field, items.get(i)));
        Integer before = seen.putIfAbsent(dir, i);
        if (before != null) {
          throw new ConfigException(
              field, "names the same directory as dataDirs[" + before + "]: " + dir);
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
          throw new ConfigException(field, dir + " exists and is not a directory");
        }
        dirs.add(dir);
      }
      return dirs;
    }

    private Topology cluster(Obj root, NodeId self, Optional<String> zone) throws ConfigException {
      Obj cluster =
          new Obj("cluster", root.required("cluster"), "slots", "replicationFactor", "nodes");
      int slots = cluster.optionalInt("slots", 2048);
      if (slots < 1 || slots > MAX_SLOTS) {
        throw new ConfigException("cluster.slots", "must be 1 to " + MAX_SLOTS + ", was " + slots);
      }
      boolean rfGiven = cluster.has("replicationFactor");
      int rf = cluster.optionalInt("replicationFactor", 3);
      if (rf < 1 || rf > Topology.MAX_REPLICATION_FACTOR) {
        throw new ConfigException(
            "cluster.replicationFactor",
            "must be 1 to " + Topology.MAX_REPLICATION_FACTOR + ", was " + rf);
      }
      List<JsonNode> items =
          elements("cluster.nodes", cluster.required("nodes"), "a list of nodes");
      if (items.isEmpty()) {
        throw new ConfigException("cluster.nodes", "needs at least one node (this one)");
      }
      List<Topology.Node> nodes = new ArrayList<>();
      Map<NodeId, Integer> ids = new HashMap<>();
      Map<String, Integer> addresses = new HashMap<>();
      Integer withZone = null;
      Integer withoutZone = null;
      for (int i = 0; i < items.size(); i++) {
        String prefix = "cluster.nodes[" + i + "]";
        Obj n = new Obj(prefix, items.get(i), "id", "address", "zone");
        NodeId id = nodeId(prefix + ".id", n.requiredString("id"));
        String address = n.requiredString("address");
        HostPort hp = hostPort(prefix + ".address", address);
        if (hp.port() == 0) {
          throw new ConfigException(
              prefix + ".address", "needs a real port, not 0, was '" + address + "'");
        }
        Optional<String> nodeZone = n.optionalString("zone");
        if (nodeZone.isPresent()) {
          zone(prefix + ".zone", nodeZone.get());
          withZone = withZone == null ? i : withZone;
        } else {
          withoutZone = withoutZone == null ? i : withoutZone;
        }
        Integer sameId = ids.putIfAbsent(id, i);
        if (sameId != null) {
          throw new ConfigException(
              prefix + ".id", "'" + id + "' is also the id of cluster.nodes[" + sameId + "]");
        }
        Integer sameAddress = addresses.putIfAbsent(hp.toString(), i);
        if (sameAddress != null) {
          throw new ConfigException(
              prefix + ".address",
              "'" + address + "' is also the address of cluster.nodes[" + sameAddress + "]");
        }
        nodes.add(new Topology.Node(id, hp.toString(), nodeZone));
      }
      if (withZone != null && withoutZone != null) {
        throw new ConfigException(
            "cluster.nodes[" + withoutZone + "].zone",
            "missing: either every node has a zone or none does, and cluster.nodes["
                + withZone
                + "] has one");
      }
      Integer mine = ids.get(self);
      if (mine == null) {
        throw new ConfigException(
            "cluster.nodes",
            "has no entry for this node '"
                + self
                + "' (nodeId); its ids are "
                + ids.keySet().stream().map(NodeId::value).sorted().toList());
      }
      Optional<String> myZone = nodes.get(mine).zone();
      if (zone.isPresent() && !zone.equals(myZone)) {
        throw new ConfigException(
            "zone",
            "'"
                + zone.get()
                + "' differs from the zone of this node in cluster.nodes["
                + mine
                + "]: "
                + myZone.map(z -> "'" + z + "'").orElse("none"));
      }
      if (rf > nodes.size()) {
        throw new ConfigException(
            "cluster.replicationFactor",
            rf
                + (rfGiven ? "" : " (the default)")
                + " needs at least "
                + rf
                + " nodes and cluster.nodes has "
                + nodes.size()
                + "; set it to at most "
                + nodes.size());
      }
      Set<String> zones = new HashSet<>();
      nodes.forEach(n -> n.zone().ifPresent(zones::add));
      if (withZone != null && zones.size() < rf) {
        throw new ConfigException(
            "cluster.replicationFactor",
            rf
                + (rfGiven ? "" : " (the default)")
                + " puts each slot's replicas in "
                + rf
                + " distinct zones, but cluster.nodes has only "
                + zones.size()
                + " zone"
                + (zones.size() == 1 ? "" : "s"));
      }
      try {
        return Topology.of(slots, rf, nodes);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("cluster", e.getMessage());
      }
    }

    private RegistrySpec registry(Obj root, int nodeCount) throws ConfigException {
      Obj registry = new Obj("registry", root.required("registry"), "etcd", "memory");
      boolean etcd = registry.has("etcd");
      boolean memory = registry.has("memory");
      if (etcd && memory) {
        throw new ConfigException("registry", "give either etcd or memory, not both");
      }
      if (!etcd && !memory) {
        throw new ConfigException(
            "registry",
            "give etcd (a list of endpoints such as [\"http://10.0.0.9:2379\"]) or "
                + "memory (true, for a one-node cluster)");
      }
      if (memory) {
        JsonNode value = registry.required("memory");
        if (!value.isBoolean()) {
          throw wrongType("registry.memory", "true", value);
        }
        if (!value.booleanValue()) {
          throw new ConfigException(
              "registry.memory", "must be true when given (or use registry.etcd)");
        }
        if (nodeCount > 1) {
          throw new ConfigException(
              "registry.memory",
              "the in-memory registry lives in one process, so it only "
                  + "serves a one-node cluster and cluster.nodes has "
                  + nodeCount
                  + "; use registry.etcd");
        }
        return new RegistrySpec.Memory();
      }
      List<JsonNode> items =
          elements("registry.etcd", registry.required("etcd"), "a list of endpoints");
      if (items.isEmpty()) {
        throw new ConfigException(
            "registry.etcd", "needs at least one endpoint, such as \"http://10.0.0.9:2379\"");
      }
      List<URI> endpoints = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        String field = "registry.etcd[" + i + "]";
        String text = string(field, items.get(i));
        URI uri;
        try {
          uri = new URI(text);
        } catch (URISyntaxException e) {
          throw new ConfigException(field, "expected http(s)://host:port, was '" + text + "'");
        }
        boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        String rest = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!web
            || uri.getHost() == null
            || uri.getPort() < 0
            || !(rest.isEmpty() || rest.equals("/"))
            || uri.getRawQuery() != null
            || uri.getRawFragment() != null
            || uri.getRawUserInfo() != null) {
          throw new ConfigException(field, "expected http(s)://host:port, was '" + text + "'");
        }
        if (endpoints.contains(uri)) {
          throw new ConfigException(field, "'" + text + "' is listed twice");
        }
        endpoints.add(uri);
      }
      return new RegistrySpec.Etcd(endpoints);
    }

    private Optional<Secret> secret(Obj root, int nodeCount) throws ConfigException {
      Optional<String> name = root.optionalString("secretFile");
      if (name.isEmpty()) {
        if (nodeCount > 1) {
          throw new ConfigException(
              "secretFile",
              "missing: a cluster of "
                  + nodeCount
                  + " nodes needs a file holding "
                  + "the secret they share (at least "
                  + MIN_SECRET_BYTES
                  + " bytes; e.g. openssl rand -hex 32)");
        }
        return Optional.empty();
      }
      Path file = path("secretFile", name.get());
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (NoSuchFileException e) {
        throw new ConfigException("secretFile", "no such file: " + file);
      } catch (IOException e) {
        throw new ConfigException("secretFile", "cannot read " + file + ": " + e);
      }
      int end = bytes.length;
      while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
        end--;
      }
      if (end < MIN_SECRET_BYTES) {
        throw new ConfigException(
            "secretFile",
            "the secret in "
                + file
                + " is "
                + end
                + " bytes; at least "
                + MIN_SECRET_BYTES
                + " are needed (32 random bytes advised, e.g. openssl rand -hex 32)");
      }
      byte[] secret = Arrays.copyOf(bytes, end);
      Arrays.fill(bytes, (byte) 0);
      return Optional.of(new Secret(secret));
    }

    private ClusterConfig timings(Obj root) throws ConfigException {
      if (!root.has("timings")) {
        return ClusterConfig.DEFAULTS;
      }
      Obj t =
          new Obj(
              "timings",
              root.required("timings"),
              "leaseTtlMs",
              "rpcTimeoutMs",
              "requestTimeoutMs");
      ClusterConfig c = ClusterConfig.DEFAULTS;
      if (t.has("leaseTtlMs")) {
        c = c.withLeaseTtl(Duration.ofMillis(timing(t, "leaseTtlMs", 100)));
      }
      if (t.has("rpcTimeoutMs")) {
        c = c.withRpcTimeout(Duration.ofMillis(timing(t, "rpcTimeoutMs", 1)));
      }
      if (t.has("requestTimeoutMs")) {
        c = c.withRequestTimeout(Duration.ofMillis(timing(t, "requestTimeoutMs", 1)));
      }
      return c;
    }

    /** The slot-copy limits (moves and rejoins); see {@link ClusterConfig}. */
    private ClusterConfig copies(Obj root, ClusterConfig c) throws ConfigException {
      if (!root.has("copies")) {
        return c;
      }
      Obj t =
          new Obj(
              "copies",
              root.required("copies"),
              "maxIncoming",
              "maxOutgoing",
              "bytesPerSecond",
              "reserveBytes");
      long max = t.optionalLong("maxIncoming", c.maxIncomingCopies());
      long out = t.optionalLong("maxOutgoing", c.maxOutgoingCopies());
      long rate = t.optionalLong("bytesPerSecond", c.copyBytesPerSecond());
      long reserve = t.optionalLong("reserveBytes", c.copyReserveBytes());
      if (max < 1 || max > 1024) {
        throw new ConfigException("copies.maxIncoming", "must be 1 to 1024, was " + max);
      }
      if (out < 1 || out > 1024) {
        throw new ConfigException("copies.maxOutgoing", "must be 1 to 1024, was " + out);
      }
      if (rate < 0) {
        throw new ConfigException(
            "copies.bytesPerSecond", "must be 0 (no limit) or more, was " + rate);
      }
      if (reserve < 0) {
        throw new ConfigException("copies.reserveBytes", "must be 0 or more, was " + reserve);
      }
      return c.withCopyLimits((int) max, rate, reserve).withMaxOutgoingCopies((int) out);
    }

    private static long timing(Obj t, String name, long min) throws ConfigException {
      long ms = t.optionalLong(name, 0);
      if (ms < min || ms > MAX_TIMING_MS) {
        throw new ConfigException(
            "timings." + name,
            "must be " + min + " to " + MAX_TIMING_MS + " (milliseconds), was " + ms);
      }
      return ms;
    }

    private Path path(String field, String text) throws ConfigException {
      if (text.isBlank()) {
        throw new ConfigException(field, "must not be empty");
      }
      try {
        Path p = Path.of(text);
        return (base == null ? p.toAbsolutePath() : base.resolve(p)).normalize();
      } catch (InvalidPathException e) {
        throw new ConfigException(field, "'" + text + "' is not a path: " + e.getReason());
      }
    }
  }

  // ------------------------------------------------------------------ value checks

  private static NodeId nodeId(String field, String text) throws ConfigException {
    try {
      return NodeId.of(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          field, "a node id is 1 to 128 of A-Z a-z 0-9 . _ : -, was '" + text + "'");
    }
  }

  private static HostPort hostPort(String field, String text) throws ConfigException {
    try {
      return HostPort.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(field, e.getMessage());
    }
  }

  private static void zone(String field, String text) throws ConfigException {
    if (text.isEmpty() || text.length() > 64 || !text.chars().allMatch(ConfigFile::zoneChar)) {
      throw new ConfigException(
          field, "a zone is 1 to 64 of A-Z a-z 0-9 . _ : -, was '" + text + "'");
    }
  }

  private static boolean zoneChar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == ':'
        || c == '-';
  }

  private static String string(String field, JsonNode value) throws ConfigException {
    if (!value.isTextual()) {
      throw wrongType(field, "a string", value);
    }
    return value.textValue();
  }

  private static List<JsonNode> elements(String field, JsonNode value, String expected)
      throws ConfigException {
    if (!value.isArray()) {
      throw wrongType(field, expected + " ([...])", value);
    }
    List<JsonNode> out = new ArrayList<>();
    value.elements().forEachRemaining(out::add);
    return out;
  }

  private static ConfigException wrongType(String field, String expected, JsonNode value) {
    return new ConfigException(field, "expected " + expected + ", was " + describe(value));
  }

  /** What a JSON value is, for messages: {@code the number 3.5}, {@code a list}, ... */
  private static String describe(JsonNode v) {
    if (v.isNull()) {
      return "null";
    }
    if (v.isTextual()) {
      String t = v.textValue();
      return "the string \"" + (t.length() > 40 ? t.substring(0, 40) + "..." : t) + "\"";
    }
    if (v.isNumber() || v.isBoolean()) {
      return (v.isNumber() ? "the number " : "") + v.asText();
    }
    if (v.isArray()) {
      return "a list";
    }
    if (v.isObject()) {
      return "an object";
    }
    return v.getNodeType().toString().toLowerCase(Locale.ROOT);
  }

  /** A JSON object with a fixed set of allowed fields. */
  private static final class Obj {
    private final String path;
    private final JsonNode node;

    Obj(String path, JsonNode node, String... allowed) throws ConfigException {
      this.path = path;
      this.node = node;
      if (!node.isObject()) {
        throw path.isEmpty()
            ? new ConfigException(
                "", "expected a JSON object ({...}) at the top, was " + describe(node))
            : wrongType(path, "an object ({...})", node);
      }
      Set<String> known = new LinkedHashSet<>(List.of(allowed));
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!known.contains(name)) {
          throw new ConfigException(
              field(name),
              "unknown field (allowed "
                  + (path.isEmpty() ? "at the top" : "here")
                  + ": "
                  + String.join(", ", known)
                  + ")");
        }
      }
    }

    String field(String name) {
      return path.isEmpty() ? name : path + "." + name;
    }

    boolean has(String name) {
      return node.has(name);
    }

    JsonNode required(String name) throws ConfigException {
      JsonNode v = node.get(name);
      if (v == null) {
        throw new ConfigException(field(name), "missing (required)");
      }
      return v;
    }

    String requiredString(String name) throws ConfigException {
      return string(field(name), required(name));
    }

    Optional<String> optionalString(String name) throws ConfigException {
      return has(name) ? Optional.of(string(field(name), node.get(name))) : Optional.empty();
    }

    int optionalInt(String name, int otherwise) throws ConfigException {
      long v = optionalLong(name, otherwise);
      if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
        throw new ConfigException(field(name), "is out of range, was " + v);
      }
      return (int) v;
    }

    long optionalLong(String name, long otherwise) throws ConfigException {
      if (!has(name)) {
        return otherwise;
      }
      JsonNode v = node.get(name);
      if (!v.isIntegralNumber()) {
        throw wrongType(field(name), "a whole number", v);
      }
      if (!v.canConvertToLong()) {
        throw new ConfigException(field(name), "is out of range, was " + v.asText());
      }
      return v.longValue();
    }
  }
}
