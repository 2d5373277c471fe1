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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The computation behind {@link Placement#initial(Topology)}; see the notes there. Used once. */
final class InitialPlacement {

  private final int slots;
  private final int r;
  private final int n;
  private final int zoneCount;
  private final int[] zoneOf; // node -> zone
  private final int[][] members; // zone -> nodes, ascending
  private final long[] nodeHash;
  private final long[] zoneHash;

  InitialPlacement(Topology topology) {
    this.slots = topology.slotCount();
    this.r = topology.replicationFactor();
    List<Topology.Node> nodes = topology.nodes(); // sorted by id
    this.n = nodes.size();
    this.zoneOf = new int[n];
    this.nodeHash = new long[n];
    for (int i = 0; i < n; i++) {
      nodeHash[i] = mix(nodes.get(i).id().value().hashCode());
    }
    if (topology.zoned()) {
      List<String> zones = new ArrayList<>(topology.zones());
      this.zoneCount = zones.size();
      this.zoneHash = new long[zoneCount];
      for (int z = 0; z < zoneCount; z++) {
        zoneHash[z] = mix(zones.get(z).hashCode() ^ 0x5bd1e995L);
      }
      for (int i = 0; i < n; i++) {
        zoneOf[i] = zones.indexOf(nodes.get(i).zone().get());
      }
    } else {
      // each node is a zone of its own
      this.zoneCount = n;
      this.zoneHash = nodeHash;
      for (int i = 0; i < n; i++) {
        zoneOf[i] = i;
      }
    }
    int[] sizes = new int[zoneCount];
    for (int i = 0; i < n; i++) {
      sizes[zoneOf[i]]++;
    }
    this.members = new int[zoneCount][];
    for (int z = 0; z < zoneCount; z++) {
      members[z] = new int[sizes[z]];
    }
    int[] fill = new int[zoneCount];
    for (int i = 0; i < n; i++) {
      members[zoneOf[i]][fill[zoneOf[i]]++] = i;
    }
  }

  int[] compute() {
    long[] replicas = new long[n];
    long[] zoneTotal = zoneTotals();
    for (int z = 0; z < zoneCount; z++) {
      int size = members[z].length;
      for (int j = 0; j < size; j++) {
        replicas[members[z][j]] = zoneTotal[z] / size + (j < zoneTotal[z] % size ? 1 : 0);
      }
    }
    // What each node still owes: slots to be first of, and other replicas; the same summed per
    // zone.
    long[] first = firstTargets(replicas);
    long[] other = new long[n];
    long[] zoneFirst = new long[zoneCount];
    long[] zoneOther = new long[zoneCount];
    for (int i = 0; i < n; i++) {
      other[i] = replicas[i] - first[i];
      zoneFirst[zoneOf[i]] += first[i];
      zoneOther[zoneOf[i]] += other[i];
    }
    int[][] rankCount = new int[r][n];
    int[] out = new int[slots * r];
    boolean[] inSlot = new boolean[zoneCount];
    int[] chosenZones = new int[r];
    int[] chosenNodes = new int[r];
    for (int s = 0; s < slots; s++) {
      long left = slots - s;
      // The zone of the first replica: the zone owing most first replicas.
      int firstZone = -1;
      for (int z = 0; z < zoneCount; z++) {
        if (zoneFirst[z] > 0
            && (firstZone < 0
                || zoneFirst[z] > zoneFirst[firstZone]
                || (zoneFirst[z] == zoneFirst[firstZone]
                    && tie(s, zoneHash, z) < tie(s, zoneHash, firstZone)))) {
          firstZone = z;
        }
      }
      Arrays.fill(inSlot, false);
      inSlot[firstZone] = true;
      chosenZones[0] = firstZone;
      int count = 1;
      // Every other zone that must be in every remaining slot, then the zones owing most.
      for (int z = 0; z < zoneCount; z++) {
        if (!inSlot[z] && zoneFirst[z] + zoneOther[z] == left) {
          inSlot[z] = true;
          chosenZones[count++] = z;
        }
      }
      while (count < r) {
        int best = -1;
        for (int z = 0; z < zoneCount; z++) {
          if (inSlot[z] || zoneOther[z] == 0) {
            continue;
          }
          long owed = zoneFirst[z] + zoneOther[z];
          long bestOwed = best < 0 ? 0 : zoneFirst[best] + zoneOther[best];
          if (best < 0
              || owed > bestOwed
              || (owed == bestOwed && tie(s, zoneHash, z) < tie(s, zoneHash, best))) {
            best = z;
          }
        }
        inSlot[best] = true;
        chosenZones[count++] = best;
      }
      chosenNodes[0] = pick(s, members[firstZone], first);
      for (int k = 1; k < r; k++) {
        chosenNodes[k] = pick(s, members[chosenZones[k]], other);
      }
      // the first stays first; each later rank goes to the node that held it least often
      out[s * r] = chosenNodes[0];
      for (int k = 1; k < r; k++) {
        int p = k;
        for (int j = k + 1; j < r; j++) {
          int i = chosenNodes[j];
          int c = chosenNodes[p];
          if (rankCount[k][i] < rankCount[k][c]
              || (rankCount[k][i] == rankCount[k][c]
                  && tie(s, nodeHash, i) < tie(s, nodeHash, c))) {
            p = j;
          }
        }
        int tmp = chosenNodes[k];
        chosenNodes[k] = chosenNodes[p];
        chosenNodes[p] = tmp;
        out[s * r + k] = chosenNodes[k];
      }
      first[chosenNodes[0]]--;
      zoneFirst[zoneOf[chosenNodes[0]]]--;
      rankCount[0][chosenNodes[0]]++;
      for (int k = 1; k < r; k++) {
        int i = chosenNodes[k];
        other[i]--;
        zoneOther[zoneOf[i]]--;
        rankCount[k][i]++;
      }
    }
    return out;
  }

  /**
   * The node of {@code zone} owing most of {@code owed} (at least one; the zone's sum says one
   * does), ties by hash.
   */
  private int pick(int slot, int[] zone, long[] owed) {
    int best = -1;
    for (int i : zone) {
      if (owed[i] > 0
          && (best < 0
              || owed[i] > owed[best]
              || (owed[i] == owed[best] && tie(slot, nodeHash, i) < tie(slot, nodeHash, best)))) {
        best = i;
      }
    }
    if (best < 0) {
      throw new AssertionError(
          "no node of the zone owes a replica; the placement invariant is broken");
    }
    return best;
  }

  /**
   * The replicas each zone holds in total: proportional to its nodes, except that a zone can hold
   * at most one replica per slot ({@code S}); such zones are capped and the rest re-shared
   * (water-filling), then rounded by largest remainder, ties to the lower zone index.
   */
  private long[] zoneTotals() {
    long[] total = new long[zoneCount];
    boolean[] capped = new boolean[zoneCount];
    long owed = (long) slots * r;
    long nodesLeft = n;
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int z = 0; z < zoneCount; z++) {
        if (!capped[z] && members[z].length * owed > slots * nodesLeft) {
          capped[z] = true;
          total[z] = slots;
          owed -= slots;
          nodesLeft -= members[z].length;
          changed = true;
        }
      }
    }
    long given = 0;
    long[] remainder = new long[zoneCount];
    for (int z = 0; z < zoneCount; z++) {
      if (!capped[z]) {
        total[z] = members[z].length * owed / nodesLeft;
        remainder[z] = members[z].length * owed % nodesLeft;
        given += total[z];
      }
    }
    for (long extra = owed - given; extra > 0; extra--) {
      int best = -1;
      for (int z = 0; z < zoneCount; z++) {
        if (!capped[z] && remainder[z] >= 0 && (best < 0 || remainder[z] > remainder[best])) {
          best = z;
        }
      }
      total[best]++;
      remainder[best] = -1; // one extra at most
    }
    return total;
  }

  /**
   * How many slots each node should be first of: {@code S/N} each, rounded down or up, but never
   * more than the node's replicas (water-filling under those caps; extras to the nodes with most
   * replicas, then by index).
   */
  private long[] firstTargets(long[] replicas) {
    // the largest level L with sum(min(replicas, L)) <= S
    long lo = 0;
    long hi = slots;
    while (lo < hi) {
      long mid = (lo + hi + 1) >>> 1;
      long sum = 0;
      for (long q : replicas) {
        sum += Math.min(q, mid);
      }
      if (sum <= slots) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    long level = lo;
    long[] target = new long[n];
    long given = 0;
    for (int i = 0; i < n; i++) {
      target[i] = Math.min(replicas[i], level);
      given += target[i];
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        (a, b) ->
            replicas[a] != replicas[b]
                ? Long.compare(replicas[b], replicas[a])
                : Integer.compare(a, b));
    for (int j = 0; given < slots; j++) {
      int i = order[j];
      if (target[i] < replicas[i]) {
        target[i]++;
        given++;
      }
    }
    return target;
  }

  private static long tie(int slot, long[] hashes, int index) {
    return mix(hashes[index] + slot * 0x9E3779B97F4A7C15L);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
