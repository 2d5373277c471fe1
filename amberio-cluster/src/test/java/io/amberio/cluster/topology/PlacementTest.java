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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.topology.Topology.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementTest {

  @Test
  void threeNodesThreeReplicasEveryNodeHoldsEverySlotAndLeadsAThird() {
    Placement p = Placement.initial(Topology.of(6, 3, TopologyTest.nodes(3)));
    for (int s = 0; s < 6; s++) {
      assertThat(p.replicas(s)).hasSize(3).doesNotHaveDuplicates();
      assertThat(p.preferred(s)).isEqualTo(p.replicas(s).get(0));
    }
    for (NodeId n : p.topology().nodeIds()) {
      assertThat(p.slotsOf(n)).containsExactly(0, 1, 2, 3, 4, 5);
      assertThat(p.preferredCount(n)).isEqualTo(2);
    }
  }

  @Test
  void oneNodeHoldsEverything() {
    Placement p = Placement.initial(Topology.of(5, 1, TopologyTest.nodes(1)));
    for (int s = 0; s < 5; s++) {
      assertThat(p.replicas(s)).containsExactly(NodeId.of("n0"));
    }
  }

  @Test
  void aZoneWithTooManyNodesHoldsOneReplicaOfEverySlotAndTheRestShareTheOthers() {
    // R=2 over two zones: every slot has one replica in each zone, whatever their sizes
    Topology t =
        Topology.of(
            12,
            2,
            List.of(
                Node.of("a1", "h1:1", "small"),
                Node.of("b1", "h2:1", "big"),
                Node.of("b2", "h3:1", "big"),
                Node.of("b3", "h4:1", "big")));
    Placement p = Placement.initial(t);
    assertThat(p.slotsOf(NodeId.of("a1"))).hasSize(12);
    for (String b : List.of("b1", "b2", "b3")) {
      assertThat(p.slotsOf(NodeId.of(b))).hasSize(4);
    }
    for (int s = 0; s < 12; s++) {
      assertThat(p.replicas(s)).contains(NodeId.of("a1"));
    }
  }

  @Test
  void replicasOfASlotAreInDistinctZones() {
    List<Node> nodes = new ArrayList<>();
    String[] zones = {"z1", "z2", "z3"};
    for (int i = 0; i < 9; i++) {
      nodes.add(Node.of("n" + i, "h" + i + ":1", zones[i % 3]));
    }
    Placement p = Placement.initial(Topology.of(64, 3, nodes));
    for (int s = 0; s < 64; s++) {
      Set<String> seen = new HashSet<>();
      for (NodeId id : p.replicas(s)) {
        seen.add(p.topology().node(id).orElseThrow().zone().orElseThrow());
      }
      assertThat(seen).hasSize(3);
    }
  }

  @Test
  void theSamePlacementForTheSameTopology() {
    List<Node> nodes = new ArrayList<>(TopologyTest.nodes(7));
    Placement a = Placement.initial(Topology.of(100, 3, nodes));
    Collections.reverse(nodes);
    Placement b = Placement.initial(Topology.of(100, 3, nodes));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(Placement.initial(Topology.of(100, 2, nodes)));
  }

  @Test
  void eachNodeSharesSlotsWithManyPeers() {
    // so that the load of a failed node falls on many nodes, not on a few neighbours
    Placement p = Placement.initial(Topology.of(2048, 3, TopologyTest.nodes(20)));
    Map<NodeId, Set<NodeId>> peers = new HashMap<>();
    for (int s = 0; s < 2048; s++) {
      for (NodeId a : p.replicas(s)) {
        for (NodeId b : p.replicas(s)) {
          if (!a.equals(b)) {
            peers.computeIfAbsent(a, k -> new HashSet<>()).add(b);
          }
        }
      }
    }
    assertThat(peers).hasSize(20);
    peers.values().forEach(set -> assertThat(set).hasSize(19));
  }

  /**
   * Every node computes the placement of a new cluster itself, so the algorithm is part of the
   * cluster's contract: a change would move data between versions. This pins it; change the
   * expectation only on purpose, together with a way to migrate.
   */
  @Test
  void thePlacementAlgorithmIsPinned() {
    List<Node> nodes = new ArrayList<>();
    String[] zones = {"a", "a", "b", "b", "c", "c", "c"};
    for (int i = 0; i < 7; i++) {
      nodes.add(Node.of("n" + i, "10.0.0." + i + ":7000", zones[i]));
    }
    assertThat(render(Placement.initial(Topology.of(12, 3, TopologyTest.nodes(6)))))
        .containsExactly(
            "n4 n3 n1",
            "n3 n2 n5",
            "n0 n5 n1",
            "n5 n4 n2",
            "n2 n0 n4",
            "n1 n0 n3",
            "n4 n2 n5",
            "n2 n1 n3",
            "n3 n4 n0",
            "n0 n1 n5",
            "n5 n0 n2",
            "n1 n3 n4");
    assertThat(render(Placement.initial(Topology.of(8, 3, nodes))))
        .containsExactly(
            "n0 n4 n3",
            "n6 n1 n2",
            "n5 n3 n0",
            "n3 n5 n1",
            "n1 n2 n4",
            "n0 n6 n2",
            "n4 n1 n3",
            "n2 n0 n5");
  }

  private static List<String> render(Placement p) {
    List<String> out = new ArrayList<>();
    for (int s = 0; s < p.slotCount(); s++) {
      out.add(String.join(" ", p.replicas(s).stream().map(NodeId::value).toArray(String[]::new)));
    }
    return out;
  }

  @Test
  void badArgumentsAreRejected() {
    Placement p = Placement.initial(Topology.of(8, 2, TopologyTest.nodes(3)));
    assertThatThrownBy(() -> p.replicas(8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("slot 8 is not in [0, 8)");
    assertThatThrownBy(() -> p.preferred(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.slotsOf(NodeId.of("zz")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("node 'zz' is not in the topology");
    assertThatThrownBy(() -> p.preferredCount(NodeId.of("zz")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSeedLineagesSlotCountIsBalanced() {
    // 2048 slots, the seed lineage's S, over 20 nodes: placement is computed at start-up by every
    // node
    Placement p = Placement.initial(Topology.of(2048, 3, TopologyTest.nodes(20)));
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (NodeId n : p.topology().nodeIds()) {
      min = Math.min(min, p.slotsOf(n).size());
      max = Math.max(max, p.slotsOf(n).size());
    }
    assertThat(min).isEqualTo(307); // 2048 * 3 / 20 = 307.2
    assertThat(max).isEqualTo(308);
  }
}
