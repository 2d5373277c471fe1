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

import io.amberio.cluster.ClusterNode;
import io.amberio.cluster.NodeId;
import io.amberio.cluster.topology.Placement;
import io.amberio.cluster.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the operations endpoints of a cluster member show about its cluster: {@code /health} asks
 * {@link #notReady()}, {@code /nodes} lists {@link #members()}, {@code /slots/{id}} adds {@link
 * #slot(int)} to the local counts. A single node has none ({@link
 * AmberioServer#start(io.amberio.core.BlobStore, ServerOptions)}); a cluster member passes {@link
 * #of(ClusterNode)}.
 */
public interface ClusterView {

  /** Why the node cannot serve requests now, or empty when it can. */
  Optional<String> notReady();

  /** The replication factor of the topology. */
  int replicationFactor();

  /** Every node of the topology, in id order. */
  List<Member> members();

  /** What this node knows of {@code slot}, which is in {@code [0, slotCount)}. */
  Slot slot(int slot);

  /**
   * A node of the topology as this node sees it.
   *
   * @param id its id
   * @param address its cluster address (host:port of its transport)
   * @param zone its zone, if the topology has zones
   * @param state {@code up}, {@code suspect} or {@code down}
   * @param slots the slots it holds a replica of, ascending
   */
  record Member(
      String id, String address, Optional<String> zone, String state, List<Integer> slots) {}

  /**
   * The registry state of a slot as this node has it cached.
   *
   * @param epoch the slot's epoch (0 until this node has loaded it)
   * @param replicas the slot's replicas, preferred coordinator first
   * @param inSync the replicas that take part in every write and may serve reads
   * @param learners the replicas catching up
   */
  record Slot(long epoch, List<String> replicas, List<String> inSync, List<String> learners) {}

  /** The view of a {@link ClusterNode}; its placement is computed once, here. */
  static ClusterView of(ClusterNode node) {
    Objects.requireNonNull(node, "node");
    Topology topology = node.topology();
    Placement placement = Placement.initial(topology);
    List<List<Integer>> held = new ArrayList<>();
    for (Topology.Node n : topology.nodes()) {
      held.add(placement.slotsOf(n.id()));
    }
    return new ClusterView() {
      @Override
      public Optional<String> notReady() {
        Optional<String> cut = node.cutOff();
        if (cut.isPresent()) {
          return cut;
        }
        if (!node.ready()) {
          return Optional.of(
              "node "
                  + node.id()
                  + " holds no valid lease in the cluster registry (starting, stopping, "
                  + "or out of touch with the registry)");
        }
        return Optional.empty();
      }

      @Override
      public int replicationFactor() {
        return topology.replicationFactor();
      }

      @Override
      public List<Member> members() {
        List<Member> out = new ArrayList<>();
        for (int i = 0; i < topology.nodes().size(); i++) {
          Topology.Node n = topology.nodes().get(i);
          out.add(
              new Member(n.id().value(), n.address(), n.zone(), node.status(n.id()), held.get(i)));
        }
        return out;
      }

      @Override
      public Slot slot(int slot) {
        ClusterNode.SlotView v = node.slot(slot);
        return new Slot(v.epoch(), names(v.replicas()), names(v.inSync()), names(v.learners()));
      }
    };
  }

  private static List<String> names(List<NodeId> ids) {
    return ids.stream().map(NodeId::value).toList();
  }
}
