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
package io.amberio.cluster.internal.msg;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.topology.Placement;
import io.amberio.cluster.topology.Topology;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The registry's {@code cluster} value: the topology under a version, and the placement it targets.
 * It changes only by compare-and-set, each change one version up, from any node; every node follows
 * it by watch. The placement is stored with the topology, not recomputed by each node, so a change
 * is one atomic write and any node can finish the slot moves it starts.
 *
 * <p>Format version 2 (this release): {@code
 * v2;version=<n>;slots=<S>;rf=<R>;node=<id>,<address>,<zone or
 * ->,<weight>;...;placement=<slot>/<slot>/...} where the address and zone are URL-encoded, the
 * nodes sorted by id, and each slot is its replicas as indexes into that node list,
 * comma-separated, preferred coordinator first. Format version 1, written by the releases before,
 * is {@code v1;slots=<S>;rf=<R>;<id>=<address>[@<zone>];...}: it is read as topology version 1 with
 * every weight 1 and the initial placement (the one those releases computed). Anything else is
 * refused with an {@link UnsupportedVersionException}.
 */
public record ClusterRecord(long version, Topology topology, Placement placement) {
  private static final String V1 = "v1;";
  private static final String V2 = "v2;";

  public ClusterRecord {
    Objects.requireNonNull(topology, "topology");
    Objects.requireNonNull(placement, "placement");
    if (version < 1) {
      throw new IllegalArgumentException("a topology version is at least 1, was " + version);
    }
    if (!placement.topology().equals(topology)) {
      throw new IllegalArgumentException("the placement is of another topology");
    }
  }

  /** Version 1: a new cluster's topology and its initial placement. */
  public static ClusterRecord initial(Topology topology) {
    return new ClusterRecord(1, topology, Placement.initial(topology));
  }

  /** The next version: {@code next} and the placement that moves the fewest replicas there. */
  public ClusterRecord next(Topology next) {
    return new ClusterRecord(version + 1, next, placement.rebalance(next));
  }

  public byte[] encode() {
    StringBuilder b =
        new StringBuilder(V2)
            .append("version=")
            .append(version)
            .append(";slots=")
            .append(topology.slotCount())
            .append(";rf=")
            .append(topology.replicationFactor());
    for (Topology.Node n : topology.nodes()) {
      b.append(";node=")
          .append(n.id().value())
          .append(',')
          .append(enc(n.address()))
          .append(',')
          .append(n.zone().map(ClusterRecord::enc).orElse("-"))
          .append(',')
          .append(n.weight());
    }
    b.append(";placement=");
    List<NodeId> ids = topology.nodeIds();
    for (int s = 0; s < topology.slotCount(); s++) {
      b.append(s == 0 ? "" : "/");
      List<NodeId> rs = placement.replicas(s);
      for (int k = 0; k < rs.size(); k++) {
        b.append(k == 0 ? "" : ",").append(ids.indexOf(rs.get(k)));
      }
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads a cluster value of format version 1 or 2.
   *
   * @throws UnsupportedVersionException for another format version
   * @throws IllegalArgumentException for a value that cannot be read
   */
  public static ClusterRecord decode(byte[] value) {
    String v = new String(value, StandardCharsets.UTF_8);
    try {
      if (v.startsWith(V1)) {
        return initial(decodeV1(v));
      }
      if (v.startsWith(V2)) {
        return decodeV2(v);
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "unreadable cluster record '" + shorten(v) + "': " + e.getMessage(), e);
    }
    int end = v.indexOf(';');
    throw new UnsupportedVersionException(
        "cluster record '" + shorten(v) + "'",
        end > 0 ? v.substring(0, end) : v,
        List.of("v1", "v2"));
  }

  private static Topology decodeV1(String v) {
    String[] parts = v.split(";", -1);
    int slots = Integer.parseInt(field(parts[1], "slots"));
    int rf = Integer.parseInt(field(parts[2], "rf"));
    List<Topology.Node> nodes = new ArrayList<>();
    for (int i = 3; i < parts.length; i++) {
      String e = parts[i];
      int eq = e.indexOf('=');
      String id = e.substring(0, eq);
      String rest = e.substring(eq + 1);
      int at = rest.lastIndexOf('@');
      nodes.add(
          at < 0
              ? Topology.Node.of(id, rest)
              : Topology.Node.of(id, rest.substring(0, at), rest.substring(at + 1)));
    }
    return Topology.of(slots, rf, nodes);
  }

  private static ClusterRecord decodeV2(String v) {
    String[] parts = v.split(";", -1);
    long version = Long.parseLong(field(parts[1], "version"));
    int slots = Integer.parseInt(field(parts[2], "slots"));
    int rf = Integer.parseInt(field(parts[3], "rf"));
    List<Topology.Node> nodes = new ArrayList<>();
    int i = 4;
    for (; i < parts.length && parts[i].startsWith("node="); i++) {
      String[] f = field(parts[i], "node").split(",", -1);
      if (f.length != 4) {
        throw new IllegalArgumentException("a node is id,address,zone,weight: '" + parts[i] + "'");
      }
      nodes.add(
          new Topology.Node(
              NodeId.of(f[0]),
              dec(f[1]),
              f[2].equals("-") ? Optional.empty() : Optional.of(dec(f[2])),
              Integer.parseInt(f[3])));
    }
    if (i != parts.length - 1) {
      throw new IllegalArgumentException("expected the placement last");
    }
    Topology topology = Topology.of(slots, rf, nodes);
    List<NodeId> ids = topology.nodeIds();
    String[] slotTexts = field(parts[i], "placement").split("/", -1);
    List<List<NodeId>> replicas = new ArrayList<>(slotTexts.length);
    for (String st : slotTexts) {
      List<NodeId> rs = new ArrayList<>();
      for (String idx : st.split(",", -1)) {
        rs.add(ids.get(Integer.parseInt(idx)));
      }
      replicas.add(rs);
    }
    return new ClusterRecord(version, topology, Placement.of(topology, replicas));
  }

  private static String field(String part, String name) {
    if (!part.startsWith(name + "=")) {
      throw new IllegalArgumentException("expected " + name + "=..., found '" + part + "'");
    }
    return part.substring(name.length() + 1);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String dec(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String shorten(String v) {
    return v.length() <= 200 ? v : v.substring(0, 200) + "...";
  }
}
