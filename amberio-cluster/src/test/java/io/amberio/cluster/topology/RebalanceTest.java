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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Placements of changed topologies: valid, balanced by weight, and moving as little as possible.
 */
class RebalanceTest {
  private static final int S = 64;

  private static Topology.Node node(String id, String zone, int weight) {
    return new Topology.Node(NodeId.of(id), id + ":1", Optional.ofNullable(zone), weight);
  }

  /** Every slot: R distinct nodes of weight above 0, in distinct zones when zoned. */
  private static void assertValid(Placement p) {
    Topology t = p.topology();
    for (int s = 0; s < t.slotCount(); s++) {
      List<NodeId> rs = p.replicas(s);
      assertThat(new HashSet<>(rs)).hasSize(t.replicationFactor());
      Set<String> zones = new HashSet<>();
      for (NodeId n : rs) {
        Topology.Node tn = t.node(n).orElseThrow();
        assertThat(tn.weight()).as("slot " + s + " on " + n).isPositive();
        tn.zone().ifPresent(z -> assertThat(zones.add(z)).as("zone " + z + " twice").isTrue());
      }
    }
  }

  private static Map<NodeId, Integer> loads(Placement p) {
    Map<NodeId, Integer> m = new HashMap<>();
    p.topology().nodeIds().forEach(n -> m.put(n, p.slotsOf(n).size()));
    return m;
  }

  @Test
  void addingAFourthNodeMovesAQuarterOfTheReplicasToIt() {
    Topology three =
        Topology.of(S, 3, List.of(node("a", null, 1), node("b", null, 1), node("c", null, 1)));
    Placement before = Placement.initial(three);
    Topology four = three.with(node("d", null, 1));
    Placement after = before.rebalance(four);
    assertValid(after);
    assertThat(loads(after)).containsValues(48, 48, 48, 48);
    assertThat(before.moves(after)).as("replicas moved").isEqualTo(48);
    assertThat(after.slotsOf(NodeId.of("d"))).hasSize(48);
    assertThat(before.rebalance(four)).as("deterministic").isEqualTo(after);
  }

  @Test
  void drainingANodeMovesOnlyItsReplicas() {
    Topology four =
        Topology.of(
            S,
            3,
            List.of(
                node("a", null, 1), node("b", null, 1), node("c", null, 1), node("d", null, 1)));
    Placement before = Placement.initial(four);
    int held = before.slotsOf(NodeId.of("c")).size();
    Placement after = before.rebalance(four.with(node("c", null, 0)));
    assertValid(after);
    assertThat(after.slotsOf(NodeId.of("c"))).isEmpty();
    assertThat(before.moves(after)).isEqualTo(held);
    // Then removing the drained node moves nothing.
    Placement removed = after.rebalance(after.topology().without(NodeId.of("c")));
    assertThat(after.moves(removed)).isZero();
  }

  @Test
  void replacingADeadNodeGivesTheNewOneExactlyItsShare() {
    Topology three =
        Topology.of(S, 3, List.of(node("a", null, 1), node("b", null, 1), node("c", null, 1)));
    Placement before = Placement.initial(three);
    Topology replaced = three.replacing(NodeId.of("c"), node("e", null, 1));
    Placement after = before.rebalance(replaced);
    assertValid(after);
    assertThat(before.moves(after)).isEqualTo(S);
    assertThat(after.slotsOf(NodeId.of("e"))).hasSize(S);
  }

  @Test
  void weightsAndZonesAreHonoured() {
    Topology zoned =
        Topology.of(
            S,
            3,
            List.of(
                node("a", "z1", 1),
                node("b", "z2", 1),
                node("c", "z3", 1),
                node("d", "z1", 1),
                node("e", "z2", 1),
                node("f", "z3", 1)));
    Placement before = Placement.initial(zoned);
    Placement after = before.rebalance(zoned.with(node("g", "z1", 2)));
    assertValid(after);
    Map<NodeId, Integer> l = loads(after);
    // z1 holds one replica of every slot, shared by weight 1:1:2 among a, d, g.
    assertThat(l.get(NodeId.of("g"))).isEqualTo(32);
    assertThat(l.get(NodeId.of("a")) + l.get(NodeId.of("d"))).isEqualTo(32);
  }

  @Test
  void randomChangesKeepEveryPlacementValidAndMoveNoMoreThanTheImbalance() {
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      int n = 3 + random.nextInt(5);
      List<Topology.Node> nodes = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        nodes.add(node("n" + i, null, 1 + random.nextInt(3)));
      }
      int r = 1 + random.nextInt(3);
      Topology t = Topology.of(S, r, nodes);
      Placement p = Placement.initial(t);
      assertValid(p);
      for (int step = 0; step < 4; step++) {
        Topology next;
        int kind = random.nextInt(3);
        List<NodeId> ids = t.nodeIds();
        NodeId some = ids.get(random.nextInt(ids.size()));
        try {
          next =
              kind == 0
                  ? t.with(node("x" + round + "-" + step, null, 1 + random.nextInt(3)))
                  : kind == 1
                      ? t.with(t.node(some).orElseThrow().withWeight(random.nextInt(3)))
                      : t.without(some);
        } catch (IllegalArgumentException tooFew) {
          continue;
        }
        Placement q = p.rebalance(next);
        assertValid(q);
        // Once balanced, the same topology moves nothing.
        assertThat(q.rebalance(next)).isEqualTo(q);
        // Never more moves than all of the replicas.
        assertThat(p.moves(q)).isLessThanOrEqualTo(S * r);
        t = next;
        p = q;
      }
    }
  }

  @Test
  void theSlotCountAndReplicationFactorNeverChange() {
    Topology three =
        Topology.of(S, 3, List.of(node("a", null, 1), node("b", null, 1), node("c", null, 1)));
    assertThatThrownBy(() -> Placement.initial(three).rebalance(Topology.of(S, 2, three.nodes())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("never change");
  }
}
