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
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopologyTest {

  static List<Node> nodes(int n) {
    List<Node> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Node.of("n" + i, "10.0.0." + i + ":7000"));
    }
    return out;
  }

  @Test
  void nodesAreSortedByIdSoOrderDoesNotMatter() {
    Topology a =
        Topology.of(
            16, 2, List.of(Node.of("b", "h2:1"), Node.of("a", "h1:1"), Node.of("c", "h3:1")));
    Topology b =
        Topology.of(
            16, 2, List.of(Node.of("c", "h3:1"), Node.of("a", "h1:1"), Node.of("b", "h2:1")));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.nodeIds()).containsExactly(NodeId.of("a"), NodeId.of("b"), NodeId.of("c"));
    assertThat(a.zoned()).isFalse();
    assertThat(a.zones()).isEmpty();
    assertThat(a.node(NodeId.of("b"))).contains(Node.of("b", "h2:1"));
    assertThat(a.node(NodeId.of("z"))).isEmpty();
  }

  @Test
  void zonesAreListed() {
    Topology t =
        Topology.of(
            8,
            2,
            List.of(
                Node.of("a", "h1:1", "west"),
                Node.of("b", "h2:1", "east"),
                Node.of("c", "h3:1", "west")));
    assertThat(t.zoned()).isTrue();
    assertThat(t.zones()).containsExactly("east", "west");
    assertThat(t.node(NodeId.of("a")).flatMap(Node::zone)).contains("west");
  }

  @Test
  void theSlotCountIsBounded() {
    assertThatThrownBy(() -> Topology.of(0, 1, nodes(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the slot count is 1 to 1048576, was 0");
    assertThatThrownBy(() -> Topology.of(Topology.MAX_SLOTS + 1, 1, nodes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Topology.of(Topology.MAX_SLOTS, 1, nodes(1)).slotCount()).isEqualTo(1 << 20);
  }

  @Test
  void theReplicationFactorIsOneToFive() {
    assertThatThrownBy(() -> Topology.of(8, 0, nodes(3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the replication factor is 1 to 5, was 0");
    assertThatThrownBy(() -> Topology.of(8, 6, nodes(9)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the replication factor is 1 to 5, was 6");
  }

  @Test
  void theReplicationFactorNeedsThatManyNodes() {
    assertThatThrownBy(() -> Topology.of(8, 3, nodes(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replication factor 3 needs at least 3 nodes, the topology has 2");
  }

  @Test
  void thereIsAtLeastOneNode() {
    assertThatThrownBy(() -> Topology.of(8, 1, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a topology needs at least one node");
  }

  @Test
  void idsAreUnique() {
    assertThatThrownBy(
            () ->
                Topology.of(
                    8,
                    1,
                    List.of(Node.of("a", "h1:1"), Node.of("b", "h2:1"), Node.of("a", "h3:1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("node id 'a' appears more than once");
  }

  @Test
  void addressesAreUnique() {
    assertThatThrownBy(() -> Topology.of(8, 1, List.of(Node.of("a", "h1:1"), Node.of("b", "h1:1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nodes 'a' and 'b' have the same address 'h1:1'");
  }

  @Test
  void addressesAndZonesAreChecked() {
    assertThatThrownBy(() -> Node.of("a", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node 'a': an address is 1 to 255 characters");
    assertThatThrownBy(() -> Node.of("a", "h 1:1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Node.of("a", "h1:1", "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Node.of("a", "h1:1", "zone one"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node 'a': a zone is 1 to 64 of");
    assertThatThrownBy(() -> Node.of("bad id!", "h1:1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Node(NodeId.of("a"), "h:1", null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void eitherEveryNodeHasAZoneOrNone() {
    assertThatThrownBy(
            () -> Topology.of(8, 1, List.of(Node.of("a", "h1:1", "west"), Node.of("b", "h2:1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "either every node has a zone or none does: 'a' is in zone 'west', 'b' has no zone");
  }

  @Test
  void zonesMustAllowDistinctZonesPerSlot() {
    List<Node> twoZones =
        List.of(
            Node.of("a", "h1:1", "west"),
            Node.of("b", "h2:1", "west"),
            Node.of("c", "h3:1", "east"),
            Node.of("d", "h4:1", "east"));
    assertThatThrownBy(() -> Topology.of(8, 3, twoZones))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "replication factor 3 puts the replicas of each slot in 3 distinct zones, but there are only 2 zones [east, west]");
    assertThatThrownBy(
            () ->
                Topology.of(
                    8, 2, List.of(Node.of("a", "h1:1", "west"), Node.of("b", "h2:1", "west"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("there is only 1 zone [west]");
    assertThat(Topology.of(8, 2, twoZones).zones()).hasSize(2);
  }

  @Test
  void nodeRecordValidatesOptionalZone() {
    Node n = new Node(NodeId.of("a"), "h:1", Optional.empty());
    assertThat(n).isEqualTo(Node.of("a", "h:1"));
  }
}
