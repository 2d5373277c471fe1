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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The placement of a changed topology, computed from the placement before the change so that as few
 * slot replicas as possible move. Deterministic: the same inputs give the same placement on every
 * node.
 *
 * <ol>
 *   <li><b>Quotas.</b> Each node of weight {@code w} should hold {@code S * R * w / W} replicas
 *       ({@code W} the sum of weights), rounded so the quotas sum to {@code S * R}, largest
 *       remainders first, and never more than {@code S} (one replica per slot at most).
 *   <li><b>Keep.</b> Every replica on a node still in the topology with a weight above 0 stays.
 *   <li><b>Fill.</b> A slot short of replicas (its node left, or drains) gets the node furthest
 *       below its quota that it does not hold yet and, with zones, whose zone it does not use yet.
 *   <li><b>Even out.</b> While a node holds more than its quota and another fewer, one replica
 *       moves from the first to the second, in a slot where the second may go (not there yet; zone
 *       free).
 * </ol>
 *
 * A replica keeps its rank in the slot's list when it is replaced, so the preferred coordinator of
 * a slot changes only when that very replica moves.
 */
final class Rebalance {
  private final Topology next;
  private final int slots;
  private final int r;
  private final List<Topology.Node> nodes;
  private final int[] zoneOf;
  private final int[] quota;
  private final int[] load;

  Rebalance(Topology next) {
    this.next = next;
    this.slots = next.slotCount();
    this.r = next.replicationFactor();
    this.nodes = next.nodes();
    int n = nodes.size();
    this.zoneOf = new int[n];
    List<String> zones = new ArrayList<>(next.zones());
    for (int i = 0; i < n; i++) {
      zoneOf[i] = next.zoned() ? zones.indexOf(nodes.get(i).zone().get()) : i;
    }
    this.quota = quotas();
    this.load = new int[n];
  }

  /**
   * Quotas in two levels: each zone's share of the {@code S * R} replicas by the weight of its
   * nodes, at most {@code S} (a zone holds one replica of a slot at most), then each node's share
   * of its zone's, at most {@code S}. Without zones every node is a zone of its own.
   */
  private int[] quotas() {
    int n = nodes.size();
    int zones = 0;
    for (int z : zoneOf) {
      zones = Math.max(zones, z + 1);
    }
    long[] zoneWeight = new long[zones];
    for (int i = 0; i < n; i++) {
      zoneWeight[zoneOf[i]] += nodes.get(i).weight();
    }
    long[] zoneQuota = waterFill((long) slots * r, zoneWeight, slots);
    int[] q = new int[n];
    for (int z = 0; z < zones; z++) {
      long[] w = new long[n];
      for (int i = 0; i < n; i++) {
        w[i] = zoneOf[i] == z ? nodes.get(i).weight() : 0;
      }
      long[] share = waterFill(zoneQuota[z], w, slots);
      for (int i = 0; i < n; i++) {
        if (zoneOf[i] == z) {
          q[i] = (int) share[i];
        }
      }
    }
    return q;
  }

  /**
   * {@code total} shared by {@code weights}, none above {@code cap}: whoever's share would exceed
   * the cap gets the cap and the rest is shared again; rounding by largest remainder, ties to the
   * lower index. Gives less than {@code total} only if the caps do not allow it.
   */
  static long[] waterFill(long total, long[] weights, long cap) {
    int n = weights.length;
    long[] q = new long[n];
    boolean[] capped = new boolean[n];
    long left = total;
    while (true) {
      long sum = 0;
      for (int i = 0; i < n; i++) {
        if (!capped[i]) {
          sum += weights[i];
        }
      }
      boolean again = false;
      for (int i = 0; i < n && sum > 0; i++) {
        if (!capped[i] && weights[i] > 0 && (double) left * weights[i] / sum >= cap) {
          capped[i] = true;
          q[i] = cap;
          left -= cap;
          again = true;
        }
      }
      if (again) {
        continue;
      }
      double[] rest = new double[n];
      long given = 0;
      for (int i = 0; i < n; i++) {
        if (!capped[i]) {
          double exact = sum == 0 ? 0 : (double) left * weights[i] / sum;
          q[i] = (long) Math.floor(exact);
          rest[i] = exact - q[i];
          given += q[i];
        }
      }
      while (given < left) {
        int best = -1;
        for (int i = 0; i < n; i++) {
          if (!capped[i] && weights[i] > 0 && q[i] < cap && (best < 0 || rest[i] > rest[best])) {
            best = i;
          }
        }
        if (best < 0) {
          break;
        }
        q[best]++;
        rest[best] = -1;
        given++;
      }
      return q;
    }
  }

  /** The new placement, as node indexes of {@code next}: slot * R + rank. */
  int[] compute(Placement before) {
    Map<NodeId, Integer> index = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      index.put(nodes.get(i).id(), i);
    }
    int[] out = new int[slots * r];
    java.util.Arrays.fill(out, -1);
    // Keep.
    for (int s = 0; s < slots; s++) {
      List<NodeId> was = before.replicas(s);
      for (int k = 0; k < r && k < was.size(); k++) {
        Integer i = index.get(was.get(k));
        if (i != null && nodes.get(i).holdsReplicas() && canJoin(out, s, i, -1)) {
          out[s * r + k] = i;
          load[i]++;
        }
      }
    }
    // Fill.
    for (int s = 0; s < slots; s++) {
      for (int k = 0; k < r; k++) {
        if (out[s * r + k] >= 0) {
          continue;
        }
        int best = -1;
        for (int i = 0; i < nodes.size(); i++) {
          if (nodes.get(i).holdsReplicas()
              && canJoin(out, s, i, -1)
              && (best < 0 || quota[i] - load[i] > quota[best] - load[best])) {
            best = i;
          }
        }
        if (best < 0) {
          throw new IllegalStateException("no node can take a replica of slot " + s);
        }
        out[s * r + k] = best;
        load[best]++;
      }
    }
    // Even out.
    boolean moved = true;
    while (moved) {
      moved = false;
      for (int over = 0; over < nodes.size() && !moved; over++) {
        if (load[over] <= quota[over]) {
          continue;
        }
        for (int under = 0; under < nodes.size() && !moved; under++) {
          if (load[under] >= quota[under]) {
            continue;
          }
          moved = moveOne(out, over, under);
        }
      }
    }
    return out;
  }

  private boolean moveOne(int[] out, int from, int to) {
    // Start at a slot that depends on the pair, so that moves spread over the slots.
    int start = Math.floorMod(from * 31 + to * 17, slots);
    for (int j = 0; j < slots; j++) {
      int s = (start + j) % slots;
      for (int k = 0; k < r; k++) {
        if (out[s * r + k] == from && canJoin(out, s, to, k)) {
          out[s * r + k] = to;
          load[from]--;
          load[to]++;
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether node {@code i} may hold a replica of slot {@code s}, ignoring the replica at rank skip.
   */
  private boolean canJoin(int[] out, int s, int i, int skip) {
    for (int k = 0; k < r; k++) {
      int o = out[s * r + k];
      if (k == skip || o < 0) {
        continue;
      }
      if (o == i || zoneOf[o] == zoneOf[i]) {
        return false;
      }
    }
    return true;
  }

  Topology topology() {
    return next;
  }
}
