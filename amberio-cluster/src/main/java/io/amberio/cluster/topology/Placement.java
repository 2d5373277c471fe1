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
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Which nodes hold each slot: for every slot an ordered list of {@code R} distinct nodes, the first
 * being the slot's preferred coordinator.
 *
 * <h2>The initial placement</h2>
 *
 * <p>{@link #initial(Topology)} depends only on the topology's value (nodes are taken in id order,
 * zones in name order), so every node computes the same placement from the same topology. It
 * guarantees:
 *
 * <ul>
 *   <li>the replicas of a slot are distinct nodes, and in distinct zones when the topology has
 *       zones;
 *   <li>each node holds {@code floor} or {@code ceil} of {@code S*R/N} slot replicas (counts differ
 *       by at most one) whenever zones allow it, which is when no zone has more than {@code N/R}
 *       nodes (always without zones). A zone with more nodes would need two replicas of some slot,
 *       so it holds exactly one replica of every slot instead; its nodes share those {@code S}
 *       replicas within one of each other, and the other nodes share the rest within one of each
 *       other. This water-filling gives the smallest possible largest load;
 *   <li>each node is first (preferred coordinator) of a target number of slots, met exactly: {@code
 *       S/N} rounded down or up, capped by the node's replica count (water-filling again). The cap
 *       never binds without zones, so first counts differ by at most one; with zones the tests find
 *       the same (exhaustively for up to 10 nodes and 70 slots, and by properties), but that is not
 *       proven.
 * </ul>
 *
 * <p>How: the replica count of each zone and node, and each node's first-replica target, are fixed
 * first (without zones, each node is a zone of its own). Then slots are filled in order by a greedy
 * rule that cannot get stuck. Every zone owes some first replicas {@code F} and some other replicas
 * {@code O}; with {@code T} slots left, the invariant is {@code F+O <= T} for every zone, {@code
 * sum F = T} and {@code sum O = (R-1)*T}. The slot's first replica comes from the zone owing most
 * first replicas; every other zone with {@code F+O = T} (it must be in every remaining slot) gives
 * one of the other replicas, and the remaining positions go to the zones owing most. This always
 * works: a zone with {@code F+O = T} and {@code O = 0} owes all {@code T} first replicas, so it is
 * the only zone owing any and is the first zone; at most {@code R} zones have {@code F+O = T}, and
 * if {@code R} do, every other zone owes nothing; and besides the first zone, the zones owe more
 * than {@code (R-2)*T} other replicas, at most {@code T} each, so at least {@code R-1} of them owe
 * some. The invariant therefore holds after every slot, and every target is met. Within a zone the
 * node owing most of the needed kind is taken, and the later ranks are ordered so that each node
 * holds each rank about equally often. Ties go by a hash of the slot and the node or zone, which
 * spreads each node's peers over many nodes (a failed node's load falls on many others) and stays
 * deterministic. Cost: O(S * (N + Z*R)).
 *
 * <p>Because every node computes the initial placement itself, this algorithm is part of the
 * cluster's contract: changing it moves data for clusters created later, and a test pins its
 * output. Once a cluster exists, its placement should be read from where it is recorded, not
 * recomputed by newer code.
 */
public final class Placement {

  private final Topology topology;
  private final List<NodeId> ids;
  private final int[] replicas; // slot * R + rank -> node index in ids

  private Placement(Topology topology, int[] replicas) {
    this.topology = topology;
    this.ids = topology.nodeIds();
    this.replicas = replicas;
  }

  /** The deterministic, balanced initial placement of {@code topology}; see the class notes. */
  public static Placement initial(Topology topology) {
    Objects.requireNonNull(topology, "topology");
    if (topology.uniformWeights()) {
      return new Placement(topology, new InitialPlacement(topology).compute());
    }
    // Weights other than 1 (never in release 0.1): the uniform placement of the nodes that hold
    // replicas, then evened out by weight.
    List<Topology.Node> holding = new ArrayList<>();
    for (Topology.Node n : topology.nodes()) {
      if (n.holdsReplicas()) {
        holding.add(n.withWeight(1));
      }
    }
    Topology uniform = new Topology(topology.slotCount(), topology.replicationFactor(), holding);
    return initial(uniform).rebalance(topology);
  }

  /**
   * The placement of {@code next} that moves as few replicas as possible from this one; see {@link
   * Rebalance}.
   *
   * @throws IllegalArgumentException if {@code next} has another slot count or replication factor
   */
  public Placement rebalance(Topology next) {
    Objects.requireNonNull(next, "next");
    if (next.slotCount() != topology.slotCount()
        || next.replicationFactor() != topology.replicationFactor()) {
      throw new IllegalArgumentException(
          "the slot count and replication factor never change: "
              + topology.slotCount()
              + " slots, replication factor "
              + topology.replicationFactor()
              + "; the new topology has "
              + next.slotCount()
              + " and "
              + next.replicationFactor());
    }
    return new Placement(next, new Rebalance(next).compute(this));
  }

  /**
   * A placement given slot by slot, as read from the registry.
   *
   * @throws IllegalArgumentException if a slot has not exactly R distinct replicas, all nodes of
   *     {@code topology}
   */
  public static Placement of(Topology topology, List<List<NodeId>> replicas) {
    Objects.requireNonNull(topology, "topology");
    int r = topology.replicationFactor();
    if (replicas.size() != topology.slotCount()) {
      throw new IllegalArgumentException(
          "a placement names " + topology.slotCount() + " slots, this one " + replicas.size());
    }
    List<NodeId> ids = topology.nodeIds();
    int[] out = new int[topology.slotCount() * r];
    for (int s = 0; s < replicas.size(); s++) {
      List<NodeId> rs = replicas.get(s);
      if (rs.size() != r || new java.util.HashSet<>(rs).size() != r) {
        throw new IllegalArgumentException(
            "slot " + s + " needs " + r + " distinct replicas, has " + rs);
      }
      for (int k = 0; k < r; k++) {
        int i = ids.indexOf(rs.get(k));
        if (i < 0) {
          throw new IllegalArgumentException(
              "slot " + s + ": node '" + rs.get(k) + "' is not in the topology " + ids);
        }
        out[s * r + k] = i;
      }
    }
    return new Placement(topology, out);
  }

  /** How many slot replicas differ between this placement and {@code other} (same slot count). */
  public int moves(Placement other) {
    int count = 0;
    for (int s = 0; s < slotCount(); s++) {
      List<NodeId> mine = replicas(s);
      for (NodeId n : other.replicas(s)) {
        if (!mine.contains(n)) {
          count++;
        }
      }
    }
    return count;
  }

  /** The topology this placement is for. */
  public Topology topology() {
    return topology;
  }

  /** The number of slots. */
  public int slotCount() {
    return topology.slotCount();
  }

  /**
   * The replicas of {@code slot}, preferred coordinator first.
   *
   * @throws IllegalArgumentException if {@code slot} is not in {@code [0, S)}
   */
  public List<NodeId> replicas(int slot) {
    checkSlot(slot);
    int r = topology.replicationFactor();
    List<NodeId> out = new ArrayList<>(r);
    for (int k = 0; k < r; k++) {
      out.add(ids.get(replicas[slot * r + k]));
    }
    return List.copyOf(out);
  }

  /**
   * The preferred coordinator of {@code slot}: the first of its replicas.
   *
   * @throws IllegalArgumentException if {@code slot} is not in {@code [0, S)}
   */
  public NodeId preferred(int slot) {
    checkSlot(slot);
    return ids.get(replicas[slot * topology.replicationFactor()]);
  }

  /**
   * The slots {@code node} holds a replica of, in ascending order.
   *
   * @throws IllegalArgumentException if {@code node} is not in the topology
   */
  public List<Integer> slotsOf(NodeId node) {
    int index = indexOf(node);
    int r = topology.replicationFactor();
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < replicas.length; i++) {
      if (replicas[i] == index) {
        out.add(i / r);
      }
    }
    return List.copyOf(out);
  }

  /**
   * The number of slots {@code node} is the preferred coordinator of.
   *
   * @throws IllegalArgumentException if {@code node} is not in the topology
   */
  public int preferredCount(NodeId node) {
    int index = indexOf(node);
    int r = topology.replicationFactor();
    int count = 0;
    for (int i = 0; i < replicas.length; i += r) {
      if (replicas[i] == index) {
        count++;
      }
    }
    return count;
  }

  private int indexOf(NodeId node) {
    Objects.requireNonNull(node, "node");
    int index = ids.indexOf(node);
    if (index < 0) {
      throw new IllegalArgumentException("node '" + node + "' is not in the topology");
    }
    return index;
  }

  private void checkSlot(int slot) {
    if (slot < 0 || slot >= topology.slotCount()) {
      throw new IllegalArgumentException(
          "slot " + slot + " is not in [0, " + topology.slotCount() + ")");
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Placement)) {
      return false;
    }
    Placement p = (Placement) o;
    return topology.equals(p.topology) && Arrays.equals(replicas, p.replicas);
  }

  @Override
  public int hashCode() {
    return 31 * topology.hashCode() + Arrays.hashCode(replicas);
  }

  @Override
  public String toString() {
    return "Placement["
        + topology.slotCount()
        + " slots x "
        + topology.replicationFactor()
        + " replicas over "
        + ids.size()
        + " nodes]";
  }
}
