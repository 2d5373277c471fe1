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
package io.amberio.cluster.topology;

import io.amberio.cluster.NodeId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The fixed shape of a cluster: its nodes, the number of slots {@code S} (fixed when the cluster is
 * created; {@code slot = hash(path) mod S}) and the replication factor {@code R} (replicas per
 * slot).
 *
 * <p>Nodes may name a zone (a rack, a room, a site); then either every node names one or none does,
 * and there must be at least {@code R} zones, so that {@link Placement} can put the replicas of
 * every slot in distinct zones. The node list is kept sorted by id, so two topologies with the same
 * nodes in another order are equal. Every invalid argument is an {@link IllegalArgumentException}
 * that says what is wrong.
 *
 * @param slotCount {@code S}, 1 to {@value #MAX_SLOTS}
 * @param replicationFactor {@code R}, 1 to {@value #MAX_REPLICATION_FACTOR}, at most the number of
 *     nodes (and of zones, when zones are given)
 * @param nodes the members, at least one, ids and addresses unique
 */
public record Topology(int slotCount, int replicationFactor, List<Node> nodes) {

  /** The largest slot count. */
  public static final int MAX_SLOTS = 1 << 20;

  /** The largest replication factor. */
  public static final int MAX_REPLICATION_FACTOR = 5;

  /** Validates the topology and sorts its nodes by id. */
  public Topology {
    Objects.requireNonNull(nodes, "nodes");
    if (slotCount < 1 || slotCount > MAX_SLOTS) {
      throw new IllegalArgumentException(
          "the slot count is 1 to " + MAX_SLOTS + ", was " + slotCount);
    }
    if (replicationFactor < 1 || replicationFactor > MAX_REPLICATION_FACTOR) {
      throw new IllegalArgumentException(
          "the replication factor is 1 to "
              + MAX_REPLICATION_FACTOR
              + ", was "
              + replicationFactor);
    }
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("a topology needs at least one node");
    }
    List<Node> sorted = new ArrayList<>(nodes.size());
    for (Node n : nodes) {
      sorted.add(Objects.requireNonNull(n, "a node is null"));
    }
    sorted.sort(Comparator.comparing(Node::id));
    Map<String, NodeId> byAddress = new HashMap<>();
    for (int i = 0; i < sorted.size(); i++) {
      Node n = sorted.get(i);
      if (i > 0 && sorted.get(i - 1).id().equals(n.id())) {
        throw new IllegalArgumentException("node id '" + n.id() + "' appears more than once");
      }
      NodeId other = byAddress.putIfAbsent(n.address(), n.id());
      if (other != null) {
        throw new IllegalArgumentException(
            "nodes '"
                + other
                + "' and '"
                + n.id()
                + "' have the same address '"
                + n.address()
                + "'");
      }
    }
    long holding = sorted.stream().filter(Node::holdsReplicas).count();
    if (replicationFactor > holding) {
      throw new IllegalArgumentException(
          "replication factor "
              + replicationFactor
              + " needs at least "
              + replicationFactor
              + (holding == sorted.size()
                  ? " nodes, the topology has " + holding
                  : " nodes of weight above 0, the topology has "
                      + holding
                      + " (of "
                      + sorted.size()
                      + " nodes)"));
    }
    Node withZone = null;
    Node withoutZone = null;
    SortedSet<String> zones = new TreeSet<>();
    for (Node n : sorted) {
      if (n.zone().isPresent()) {
        withZone = withZone == null ? n : withZone;
        if (n.holdsReplicas()) {
          zones.add(n.zone().get());
        }
      } else {
        withoutZone = withoutZone == null ? n : withoutZone;
      }
    }
    if (withZone != null && withoutZone != null) {
      throw new IllegalArgumentException(
          "either every node has a zone or none does: '"
              + withZone.id()
              + "' is in zone '"
              + withZone.zone().get()
              + "', '"
              + withoutZone.id()
              + "' has no zone");
    }
    if (withZone != null && zones.size() < replicationFactor) {
      throw new IllegalArgumentException(
          "replication factor "
              + replicationFactor
              + " puts the replicas of each slot in "
              + replicationFactor
              + " distinct zones, but there "
              + (zones.size() == 1 ? "is only 1 zone " : "are only " + zones.size() + " zones ")
              + zones);
    }
    nodes = List.copyOf(sorted);
  }

  /** A topology of {@code nodes}, in any order. */
  public static Topology of(int slotCount, int replicationFactor, List<Node> nodes) {
    return new Topology(slotCount, replicationFactor, nodes);
  }

  /** Whether every node has weight 1 (the default; release 0.1 had no weights). */
  public boolean uniformWeights() {
    return nodes.stream().allMatch(n -> n.weight() == 1);
  }

  /** This topology with {@code node} added, or replacing the node of the same id. */
  public Topology with(Node node) {
    List<Node> next = new ArrayList<>();
    for (Node n : nodes) {
      if (!n.id().equals(node.id())) {
        next.add(n);
      }
    }
    next.add(node);
    return new Topology(slotCount, replicationFactor, next);
  }

  /** This topology with {@code fresh} in the place of {@code old} (which must be a member). */
  public Topology replacing(NodeId old, Node fresh) {
    if (node(old).isEmpty()) {
      throw new IllegalArgumentException("node '" + old + "' is not in the topology " + nodeIds());
    }
    List<Node> next = new ArrayList<>();
    for (Node n : nodes) {
      if (!n.id().equals(old) && !n.id().equals(fresh.id())) {
        next.add(n);
      }
    }
    next.add(fresh);
    return new Topology(slotCount, replicationFactor, next);
  }

  /** This topology without the node {@code id} (which must be a member). */
  public Topology without(NodeId id) {
    if (node(id).isEmpty()) {
      throw new IllegalArgumentException("node '" + id + "' is not in the topology " + nodeIds());
    }
    List<Node> next = new ArrayList<>();
    for (Node n : nodes) {
      if (!n.id().equals(id)) {
        next.add(n);
      }
    }
    return new Topology(slotCount, replicationFactor, next);
  }

  /** Whether the nodes have zones. */
  public boolean zoned() {
    return nodes.get(0).zone().isPresent();
  }

  /** The zones, in ascending order; empty when the nodes have none. */
  public SortedSet<String> zones() {
    SortedSet<String> zones = new TreeSet<>();
    nodes.forEach(n -> n.zone().ifPresent(zones::add));
    return zones;
  }

  /** The node with {@code id}, if it is a member. */
  public Optional<Node> node(NodeId id) {
    Objects.requireNonNull(id, "id");
    for (Node n : nodes) {
      if (n.id().equals(id)) {
        return Optional.of(n);
      }
    }
    return Optional.empty();
  }

  /** The nodes' ids, in ascending order. */
  public List<NodeId> nodeIds() {
    List<NodeId> ids = new ArrayList<>(nodes.size());
    nodes.forEach(n -> ids.add(n.id()));
    return List.copyOf(ids);
  }

  /**
   * A member of the topology.
   *
   * @param id its id
   * @param address where other nodes and clients reach it (for example {@code host:port}): 1 to 255
   *     characters, no white space or control characters; not resolved here
   * @param zone its zone, if the topology uses zones: 1 to 64 of {@code A-Z a-z 0-9 . _ : -}
   * @param weight its capacity relative to the others, 0 to {@value #MAX_WEIGHT}: a node holds
   *     replicas in proportion to it. Weight 0 means <em>draining</em>: the node holds no replica
   *     once its slots have moved away, but stays a member (its address known) until it is removed
   */
  public record Node(NodeId id, String address, Optional<String> zone, int weight) {

    /** The largest weight. */
    public static final int MAX_WEIGHT = 1000;

    /** A node of weight 1. */
    public Node(NodeId id, String address, Optional<String> zone) {
      this(id, address, zone, 1);
    }

    /** Validates the node. */
    public Node {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(zone, "zone");
      if (address.isEmpty()
          || address.length() > 255
          || address.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
        throw new IllegalArgumentException(
            "node '"
                + id
                + "': an address is 1 to 255 characters without white space or control characters, was '"
                + address
                + "'");
      }
      if (weight < 0 || weight > MAX_WEIGHT) {
        throw new IllegalArgumentException(
            "node '" + id + "': a weight is 0 to " + MAX_WEIGHT + ", was " + weight);
      }
      if (zone.isPresent()) {
        String z = zone.get();
        if (z.isEmpty() || z.length() > 64 || !z.chars().allMatch(Node::zoneChar)) {
          throw new IllegalArgumentException(
              "node '" + id + "': a zone is 1 to 64 of A-Z a-z 0-9 . _ : -, was '" + z + "'");
        }
      }
    }

    /** A node without a zone. */
    public static Node of(String id, String address) {
      return new Node(NodeId.of(id), address, Optional.empty());
    }

    /** A node in {@code zone}. */
    public static Node of(String id, String address, String zone) {
      return new Node(NodeId.of(id), address, Optional.of(zone));
    }

    /** This node with another weight. */
    public Node withWeight(int weight) {
      return new Node(id, address, zone, weight);
    }

    /** Whether it takes replicas (weight above 0). */
    public boolean holdsReplicas() {
      return weight > 0;
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
  }
}
