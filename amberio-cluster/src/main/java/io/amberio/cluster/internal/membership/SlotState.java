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
package io.amberio.cluster.internal.membership;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.internal.msg.UnsupportedVersionException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the registry says about one slot, under {@code slots/<slot>}: its replicas (placement), its
 * epoch, the replicas in sync and the learners catching up, each with the <em>session</em>
 * (liveness lease id) it holds its place under.
 *
 * <p>The epoch changes whenever the sets change membership; a session change alone (a replica that
 * restarted while still in sync) keeps the epoch, and so does a new target placement (the
 * participants stay the same until a learner joins). Encoded as one text line. Format version 1
 * (release 0.1 and later, still written while the placement is the one of topology version 1):
 * {@code v1|<epoch>|a,b,c|a@<lease>,b@<lease>|c@<lease>}. Format version 2 (a placement of a later
 * topology version): {@code v2|<epoch>|<topology version>|a,b,c|...}. Format version 3 (written
 * only once an operator rebuilt the slot, release 0.3 and later): {@code v3|<epoch>|<topology
 * version>|a,b,c|...|<lost store>,<lost store>}. {@link #decode} refuses any other with an {@link
 * UnsupportedVersionException}. This is the one place that reads and writes it.
 *
 * @param replicas the target placement of the slot: the nodes that should hold it, preferred first;
 *     a node in it that is not in sync joins as a learner, and in-sync replicas outside it are
 *     removed once every node in it is in sync (a slot move)
 * @param placedAt the topology version {@code replicas} comes from; a node sets a slot's replicas
 *     only from a newer topology version, never back to an older one
 * @param inSync replica to session (0: not yet claimed by any session, as right after bootstrap)
 * @param learners replica to session
 * @param lost the stores (ids, {@code ReplicaStore#storeId}) declared lost when an operator rebuilt
 *     the slot without them: such a store may hold versions the rebuilt slot does not, so it joins
 *     the slot only while it holds none of its versions (and then leaves this list)
 */
public record SlotState(
    int slot,
    long epoch,
    long placedAt,
    List<NodeId> replicas,
    Map<NodeId, Long> inSync,
    Map<NodeId, Long> learners,
    List<String> lost) {

  /** A state no store was declared lost in. */
  public SlotState(
      int slot,
      long epoch,
      long placedAt,
      List<NodeId> replicas,
      Map<NodeId, Long> inSync,
      Map<NodeId, Long> learners) {
    this(slot, epoch, placedAt, replicas, inSync, learners, List.of());
  }

  /** A state placed under topology version 1. */
  public SlotState(
      int slot,
      long epoch,
      List<NodeId> replicas,
      Map<NodeId, Long> inSync,
      Map<NodeId, Long> learners) {
    this(slot, epoch, 1, replicas, inSync, learners, List.of());
  }

  public SlotState {
    Objects.requireNonNull(replicas, "replicas");
    replicas = List.copyOf(replicas);
    lost = List.copyOf(lost);
    inSync = Collections.unmodifiableMap(new LinkedHashMap<>(inSync));
    learners = Collections.unmodifiableMap(new LinkedHashMap<>(learners));
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch must be >= 1, was " + epoch);
    }
    if (placedAt < 1) {
      throw new IllegalArgumentException("placedAt must be >= 1, was " + placedAt);
    }
  }

  /** The first state of a slot: every replica in sync, no session claimed yet. */
  public static SlotState initial(int slot, List<NodeId> replicas) {
    Map<NodeId, Long> in = new LinkedHashMap<>();
    for (NodeId n : replicas) {
      in.put(n, 0L);
    }
    return new SlotState(slot, 1, replicas, in, Map.of());
  }

  /** The replicas a write must prepare on: in sync first, then learners. */
  public List<NodeId> participants() {
    List<NodeId> all = new ArrayList<>(inSync.keySet());
    all.addAll(learners.keySet());
    return all;
  }

  /**
   * The in-sync replicas, those of the target placement first in its order, then the others (a
   * replica moving away serves until its move is done).
   */
  public List<NodeId> inSyncPreferred() {
    List<NodeId> out = new ArrayList<>();
    for (NodeId n : replicas) {
      if (inSync.containsKey(n)) {
        out.add(n);
      }
    }
    for (NodeId n : inSync.keySet()) {
      if (!out.contains(n)) {
        out.add(n);
      }
    }
    return out;
  }

  public boolean isInSync(NodeId n) {
    return inSync.containsKey(n);
  }

  public boolean isLearner(NodeId n) {
    return learners.containsKey(n);
  }

  /** This state with {@code n}'s session in the in-sync set or learners replaced (same epoch). */
  public SlotState withSession(NodeId n, long session) {
    Map<NodeId, Long> in = new LinkedHashMap<>(inSync);
    Map<NodeId, Long> le = new LinkedHashMap<>(learners);
    if (in.containsKey(n)) {
      in.put(n, session);
    } else if (le.containsKey(n)) {
      le.put(n, session);
    } else {
      throw new IllegalStateException(n + " is neither in sync nor a learner of slot " + slot);
    }
    return new SlotState(slot, epoch, placedAt, replicas, in, le, lost);
  }

  /** This state without {@code n} (in sync or learner), under the next epoch. */
  public SlotState without(NodeId n) {
    Map<NodeId, Long> in = new LinkedHashMap<>(inSync);
    Map<NodeId, Long> le = new LinkedHashMap<>(learners);
    in.remove(n);
    le.remove(n);
    return new SlotState(slot, epoch + 1, placedAt, replicas, in, le, lost);
  }

  /** This state with {@code n} as a learner under {@code session}, under the next epoch. */
  public SlotState withLearner(NodeId n, long session) {
    Map<NodeId, Long> in = new LinkedHashMap<>(inSync);
    Map<NodeId, Long> le = new LinkedHashMap<>(learners);
    in.remove(n);
    le.put(n, session);
    return new SlotState(slot, epoch + 1, placedAt, replicas, in, le, lost);
  }

  /** This state with learner {@code n} promoted to in sync, under the next epoch. */
  public SlotState promoted(NodeId n) {
    Map<NodeId, Long> in = new LinkedHashMap<>(inSync);
    Map<NodeId, Long> le = new LinkedHashMap<>(learners);
    Long s = le.remove(n);
    if (s == null) {
      throw new IllegalStateException(n + " is not a learner of slot " + slot);
    }
    in.put(n, s);
    return new SlotState(slot, epoch + 1, placedAt, replicas, in, le, lost);
  }

  /** This state with the target placement {@code replicas} of topology version {@code version}. */
  public SlotState placed(long version, List<NodeId> target) {
    return new SlotState(slot, epoch, version, target, inSync, learners, lost);
  }

  /**
   * This state rebuilt by an operator after every in-sync replica was lost: {@code promoted} (live
   * learners) become the in-sync replicas and every other replica leaves, under the next epoch;
   * {@code lostStores} join the stores declared lost.
   */
  public SlotState rebuilt(List<NodeId> promoted, List<String> lostStores) {
    Map<NodeId, Long> in = new LinkedHashMap<>();
    for (NodeId n : promoted) {
      Long session = learners.get(n);
      if (session == null) {
        throw new IllegalStateException(n + " is not a learner of slot " + slot);
      }
      in.put(n, session);
    }
    List<String> gone = new ArrayList<>(lost);
    for (String store : lostStores) {
      if (store.isEmpty() || store.contains(",") || store.contains("|")) {
        throw new IllegalArgumentException("not a store id: '" + store + "'");
      }
      if (!gone.contains(store)) {
        gone.add(store);
      }
    }
    // Learners not promoted leave too: back, they join again through the check of lost stores.
    return new SlotState(slot, epoch + 1, placedAt, replicas, in, Map.of(), gone);
  }

  /**
   * Whether {@code store} was declared lost when an operator rebuilt this slot: it may hold
   * versions of the history before the rebuild, so it may join the slot only while it holds nothing
   * of it.
   */
  public boolean isLost(String store) {
    return lost.contains(store);
  }

  /** This state without {@code store} among the lost ones (it holds nothing of the slot). */
  public SlotState unlost(String store) {
    List<String> gone = new ArrayList<>(lost);
    gone.remove(store);
    return new SlotState(slot, epoch, placedAt, replicas, inSync, learners, gone);
  }

  /** Whether every replica of the target placement is in sync. */
  public boolean targetInSync() {
    return inSync.keySet().containsAll(replicas);
  }

  /** Whether an in-sync replica or learner is outside the target placement. */
  public boolean hasStrays() {
    return !replicas.containsAll(inSync.keySet()) || !replicas.containsAll(learners.keySet());
  }

  public byte[] encode() {
    StringBuilder b =
        !lost.isEmpty()
            ? new StringBuilder("v3|").append(epoch).append('|').append(placedAt).append('|')
            : placedAt == 1
                ? new StringBuilder("v1|").append(epoch).append('|')
                : new StringBuilder("v2|").append(epoch).append('|').append(placedAt).append('|');
    join(b, replicas);
    b.append('|');
    join(b, inSync);
    b.append('|');
    join(b, learners);
    if (!lost.isEmpty()) {
      b.append('|').append(String.join(",", lost));
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  public static SlotState decode(int slot, byte[] value) {
    String s = new String(value, StandardCharsets.UTF_8);
    String[] parts = s.split("\\|", -1);
    List<String> known = List.of("v1", "v2", "v3");
    if (parts[0].matches("v[0-9]+") && !known.contains(parts[0])) {
      throw new UnsupportedVersionException(
          "slot " + slot + ": state '" + s + "'", parts[0], known);
    }
    int at = parts[0].equals("v1") ? 0 : 1;
    int fields = parts[0].equals("v3") ? 7 : 5 + at;
    if (parts.length != fields || !known.contains(parts[0])) {
      throw new IllegalArgumentException("slot " + slot + ": unreadable state '" + s + "'");
    }
    long placedAt = at == 1 ? Long.parseLong(parts[2]) : 1;
    List<NodeId> replicas = new ArrayList<>();
    for (String r : split(parts[2 + at])) {
      replicas.add(NodeId.of(r));
    }
    return new SlotState(
        slot,
        Long.parseLong(parts[1]),
        placedAt,
        replicas,
        sessions(parts[3 + at]),
        sessions(parts[4 + at]),
        parts[0].equals("v3") ? split(parts[6]) : List.of());
  }

  private static Map<NodeId, Long> sessions(String s) {
    Map<NodeId, Long> m = new LinkedHashMap<>();
    for (String e : split(s)) {
      int at = e.lastIndexOf('@');
      m.put(NodeId.of(e.substring(0, at)), Long.parseLong(e.substring(at + 1)));
    }
    return m;
  }

  private static List<String> split(String s) {
    return s.isEmpty() ? List.of() : List.of(s.split(","));
  }

  private static void join(StringBuilder b, List<NodeId> ids) {
    for (int i = 0; i < ids.size(); i++) {
      b.append(i == 0 ? "" : ",").append(ids.get(i).value());
    }
  }

  private static void join(StringBuilder b, Map<NodeId, Long> m) {
    int i = 0;
    for (Map.Entry<NodeId, Long> e : m.entrySet()) {
      b.append(i++ == 0 ? "" : ",").append(e.getKey().value()).append('@').append(e.getValue());
    }
  }
}
