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

import io.amberio.core.BlobStore;
import io.amberio.core.SlotStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The cluster and operations endpoints: {@code /health}, {@code /nodes} and {@code /slots/{id}}.
 *
 * <p>A single node (no {@link ClusterView}) is the whole topology: it is the only replica of every
 * slot, and every slot's epoch is 1. A cluster member shows its cluster as it sees it: every node
 * of the topology with its state and slots, each slot's epoch, replicas, in-sync replicas and
 * learners; and it is healthy only while it holds its lease. Blob counts and bytes are always those
 * of this node's own store (zero for a slot it holds no replica of).
 */
final class NodeEndpoints {
  /** The epoch of every slot of a single node, whose topology never changes. */
  static final long SINGLE_NODE_EPOCH = 1;

  private final BlobStore store;
  private final NodeStatus node;
  private final ClusterView cluster;

  /** The endpoints of a single node ({@code cluster} null) or of a cluster member. */
  NodeEndpoints(BlobStore store, NodeStatus node, ClusterView cluster) {
    this.store = store;
    this.node = node;
    this.cluster = cluster;
  }

  /** {@code GET /health}: 200 {@code {"status": "ok", "node": id}}, or 503 with the reason. */
  void health(Exchange ex) {
    ex.query().allowOnly(Set.of());
    NodeStatus.State state = node.state();
    if (state != NodeStatus.State.UP) {
      throw new HttpError(503, "unavailable", "the node is " + state.wireName())
          .with("status", state.wireName())
          .with("node", node.id());
    }
    if (cluster != null) {
      Optional<String> reason = cluster.notReady();
      if (reason.isPresent()) {
        throw new HttpError(503, "unavailable", reason.get())
            .with("status", "not_ready")
            .with("node", node.id());
      }
    }
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("status", "ok");
    reply.put("node", node.id());
    ex.json(200, reply);
  }

  /** {@code GET /nodes}: a single node, up, holding every slot; or every node of the cluster. */
  void nodes(Exchange ex) {
    ex.query().allowOnly(Set.of());
    if (cluster != null) {
      List<Map<String, Object>> members = new ArrayList<>();
      for (ClusterView.Member m : cluster.members()) {
        Map<String, Object> member = new LinkedHashMap<>();
        member.put("id", m.id());
        member.put("address", m.address());
        m.zone().ifPresent(z -> member.put("zone", z));
        member.put("state", m.state());
        member.put("slots", m.slots());
        members.add(member);
      }
      Map<String, Object> reply = new LinkedHashMap<>();
      reply.put("slotCount", store.slotCount());
      reply.put("replicationFactor", cluster.replicationFactor());
      reply.put("node", node.id());
      reply.put("nodes", members);
      ex.json(200, reply);
      return;
    }
    Map<String, Object> self = new LinkedHashMap<>();
    self.put("id", node.id());
    self.put("address", node.address());
    self.put("state", "up");
    self.put("slots", IntStream.range(0, store.slotCount()).boxed().toList());
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("slotCount", store.slotCount());
    reply.put("nodes", List.of(self));
    ex.json(200, reply);
  }

  /**
   * {@code GET /slots/{id}}: the slot's replicas, epoch, blob count and bytes (and in a cluster its
   * in-sync replicas and learners, and {@code node}: whose counts these are). An id that is not
   * decimal digits is a 400 {@code invalid_slot}; a number that is not a slot of this store is a
   * 404 {@code slot_not_found}.
   */
  void slot(Exchange ex) {
    ex.query().allowOnly(Set.of());
    String text = ex.pathParam();
    if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw HttpError.badRequest(
          "invalid_slot", "a slot id is a decimal number, was '" + text + "'");
    }
    long slot = QueryParams.parseDecimal(text);
    if (slot < 0 || slot >= store.slotCount()) {
      throw new HttpError(
          404,
          "slot_not_found",
          "slots are numbered 0 to " + (store.slotCount() - 1) + ", was " + text);
    }
    SlotStats stats = store.slotStats((int) slot);
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("slot", stats.slot());
    if (cluster == null) {
      reply.put("epoch", SINGLE_NODE_EPOCH);
      reply.put("replicas", List.of(node.id()));
    } else {
      ClusterView.Slot view = cluster.slot((int) slot);
      reply.put("epoch", view.epoch());
      reply.put("replicas", view.replicas());
      reply.put("inSync", view.inSync());
      reply.put("learners", view.learners());
      boolean moving =
          !view.learners().isEmpty()
              || !new java.util.HashSet<>(view.inSync())
                  .equals(new java.util.HashSet<>(view.replicas()));
      Map<String, Object> move = new LinkedHashMap<>();
      move.put("state", moving ? "moving" : "settled");
      for (var c : cluster.copies()) {
        if (c.slot() == slot) {
          move.put("copyingTo", node.id());
          move.putAll(ClusterAdmin.copy(c));
        }
      }
      reply.put("move", move);
      reply.put("node", node.id());
    }
    reply.put("blobCount", stats.liveBlobs());
    reply.put("versionCount", stats.versions());
    reply.put("bytes", stats.bytes());
    ex.json(200, reply);
  }
}
