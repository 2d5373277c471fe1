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
 * restarted while still in sync) keeps the epoch. Encoded as one text line: {@code
 * v1|<epoch>|a,b,c|a@<lease>,b@<lease>|c@<lease>}. Version 1 is the only format so far (release 0.1
 * wrote it too); {@link #decode} refuses any other with an {@link UnsupportedVersionException}.
 * This is the one place that reads and writes it.
 *
 * @param inSync replica to session (0: not yet claimed by any session, as right after bootstrap)
 * @param learners replica to session
 */
public record SlotState(
    int slot,
    long epoch,
    List<NodeId> replicas,
    Map<NodeId, Long> inSync,
    Map<NodeId, Long> learners) {

  public SlotState {
    Objects.requireNonNull(replicas, "replicas");
    replicas = List.copyOf(replicas);
    inSync = Collections.unmodifiableMap(new LinkedHashMap<>(inSync));
    learners = Collections.unmodifiableMap(new LinkedHashMap<>(learners));
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch must be >= 1, was " + epoch);
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
    return new SlotState(slot, epoch, replicas, in, le);
  }

  /** This state without {@code n} (in sync or learner), under the next epoch. */
  public SlotState without(NodeId n) {
    Map<NodeId, Long> in = new LinkedHashMap<>(inSync);
    Map<NodeId, Long> le = new LinkedHashMap<>(learners);
    in.remove(n);
    le.remove(n);
    return new SlotState(slot, epoch + 1, replicas, in, le);
  }

  /** This state with {@code n} as a learner under {@code session}, under the next epoch. */
  public SlotState withLearner(NodeId n, long session) {
    Map<NodeId, Long> in = new LinkedHashMap<>(inSync);
    Map<NodeId, Long> le = new LinkedHashMap<>(learners);
    in.remove(n);
    le.put(n, session);
    return new SlotState(slot, epoch + 1, replicas, in, le);
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
    return new SlotState(slot, epoch + 1, replicas, in, le);
  }

  public byte[] encode() {
    StringBuilder b = new StringBuilder("v1|").append(epoch).append('|');
    join(b, replicas);
    b.append('|');
    join(b, inSync);
    b.append('|');
    join(b, learners);
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  public static SlotState decode(int slot, byte[] value) {
    String s = new String(value, StandardCharsets.UTF_8);
    String[] parts = s.split("\\|", -1);
    if (parts[0].matches("v[0-9]+") && !parts[0].equals("v1")) {
      throw new UnsupportedVersionException(
          "slot " + slot + ": state '" + s + "'", parts[0], List.of("v1"));
    }
    if (parts.length != 5 || !parts[0].equals("v1")) {
      throw new IllegalArgumentException("slot " + slot + ": unreadable state '" + s + "'");
    }
    List<NodeId> replicas = new ArrayList<>();
    for (String r : split(parts[2])) {
      replicas.add(NodeId.of(r));
    }
    return new SlotState(
        slot, Long.parseLong(parts[1]), replicas, sessions(parts[3]), sessions(parts[4]));
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
