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

import io.amberio.cluster.NodeId;
import io.amberio.cluster.topology.Topology.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The guarantees of {@link Placement#initial(Topology)} over many shapes of cluster, with and
 * without zones.
 */
class PlacementProperties {

  /** A cluster shape: zone {@code -1} for every node means no zones. */
  record Shape(int slots, int r, List<Integer> zoneOfNode, long shuffle) {
    Topology topology(boolean shuffled) {
      List<Node> nodes = new ArrayList<>();
      for (int i = 0; i < zoneOfNode.size(); i++) {
        int z = zoneOfNode.get(i);
        String id = "node-" + i;
        String address = "10.1." + i + ".7:7000";
        nodes.add(z < 0 ? Node.of(id, address) : Node.of(id, address, "zone-" + z));
      }
      if (shuffled) {
        Collections.shuffle(nodes, new Random(shuffle));
      }
      return Topology.of(slots, r, nodes);
    }
  }

  @Provide
  Arbitrary<Shape> shapes() {
    return Arbitraries.integers()
        .between(1, 30)
        .flatMap(
            n ->
                Arbitraries.integers()
                    .between(1, Math.min(5, n))
                    .flatMap(
                        r ->
                            Combinators.combine(
                                    Arbitraries.integers().between(1, 2000),
                                    zones(n, r),
                                    Arbitraries.longs())
                                .as((s, zones, shuffle) -> new Shape(s, r, zones, shuffle))));
  }

  /**
   * No zones (a third of the time), or between R and min(N, 8) zones, none empty, sizes skewed at
   * random.
   */
  private static Arbitrary<List<Integer>> zones(int n, int r) {
    Arbitrary<List<Integer>> none = Arbitraries.just(Collections.nCopies(n, -1));
    Arbitrary<List<Integer>> some =
        Arbitraries.integers()
            .between(r, Math.min(n, 8))
            .flatMap(
                z ->
                    Arbitraries.integers()
                        .between(0, z - 1)
                        .list()
                        .ofSize(n - z)
                        .map(
                            rest -> {
                              List<Integer> all = new ArrayList<>();
                              for (int i = 0; i < z; i++) {
                                all.add(i);
                              }
                              all.addAll(rest);
                              return all;
                            }));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, none), net.jqwik.api.Tuple.of(2, some));
  }

  @Property(tries = 400)
  void replicasAreDistinctBalancedAndZoneSpread(@ForAll("shapes") Shape shape) {
    Topology t = shape.topology(false);
    Placement p = Placement.initial(t);
    int n = t.nodes().size();
    int r = t.replicationFactor();
    int slots = t.slotCount();
    Map<NodeId, String> zoneOf = new HashMap<>();
    Map<String, Integer> zoneSize = new HashMap<>();
    for (Node node : t.nodes()) {
      String z = node.zone().orElse(node.id().value()); // without zones, each node is its own zone
      zoneOf.put(node.id(), z);
      zoneSize.merge(z, 1, Integer::sum);
    }
    Map<NodeId, Integer> load = new HashMap<>();
    Map<NodeId, Integer> first = new HashMap<>();
    t.nodeIds()
        .forEach(
            id -> {
              load.put(id, 0);
              first.put(id, 0);
            });
    for (int s = 0; s < slots; s++) {
      List<NodeId> replicas = p.replicas(s);
      assertThat(replicas).hasSize(r).doesNotHaveDuplicates();
      Set<String> zones = new HashSet<>();
      replicas.forEach(id -> zones.add(zoneOf.get(id)));
      assertThat(zones).as("slot %d: one replica per zone", s).hasSize(r);
      replicas.forEach(id -> load.merge(id, 1, Integer::sum));
      first.merge(replicas.get(0), 1, Integer::sum);
    }
    int min = Collections.min(load.values());
    int max = Collections.max(load.values());
    // The smallest possible largest load: the least L such that zones, each holding at most one
    // replica per
    // slot, can take every replica with no node above L.
    int best = 0;
    while (true) {
      long capacity = 0;
      for (int size : zoneSize.values()) {
        capacity += Math.min(slots, (long) size * best);
      }
      if (capacity >= (long) slots * r) {
        break;
      }
      best++;
    }
    assertThat(max).as("largest load").isEqualTo(best);
    int largestZone = Collections.max(zoneSize.values());
    if ((long) largestZone * r <= n) {
      assertThat(max - min).as("loads %s", load).isLessThanOrEqualTo(1);
    }
    // within a zone, nodes differ by at most one
    Map<String, int[]> zoneRange = new HashMap<>();
    load.forEach(
        (id, l) -> {
          int[] range =
              zoneRange.computeIfAbsent(zoneOf.get(id), z -> new int[] {Integer.MAX_VALUE, 0});
          range[0] = Math.min(range[0], l);
          range[1] = Math.max(range[1], l);
        });
    zoneRange.values().forEach(range -> assertThat(range[1] - range[0]).isLessThanOrEqualTo(1));
    int firstSpread = Collections.max(first.values()) - Collections.min(first.values());
    Statistics.label(t.zoned() ? "preferred spread, zones" : "preferred spread, no zones")
        .collect(firstSpread);
    assertThat(firstSpread).as("preferred counts %s", first).isLessThanOrEqualTo(1);
  }

  @Property(tries = 100)
  void theNodeOrderDoesNotMatter(@ForAll("shapes") Shape shape) {
    assertThat(Placement.initial(shape.topology(true)))
        .isEqualTo(Placement.initial(shape.topology(false)));
  }
}
