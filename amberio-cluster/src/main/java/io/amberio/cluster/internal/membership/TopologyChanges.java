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
import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.msg.ClusterRecord;
import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.topology.Topology;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes the cluster's topology: reads the registry's {@code cluster} value, applies a change to
 * its topology, computes the placement that moves the fewest replicas, and writes the next version
 * by compare-and-set on the revision read. Two changes racing from two nodes: one wins, the other
 * reads the winner's version and applies its change on top (up to {@link #ATTEMPTS} times). The
 * slot moves then follow on every node ({@link Reconciler}).
 */
public final class TopologyChanges {
  private static final Logger log = LoggerFactory.getLogger(TopologyChanges.class);
  private static final int ATTEMPTS = 10;

  private final NodeContext ctx;
  private final SlotView slots;

  public TopologyChanges(NodeContext ctx, SlotView slots) {
    this.ctx = ctx;
    this.slots = slots;
  }

  /**
   * Applies {@code change} to the current topology and writes the result as the next version; a
   * change that leaves the topology as it is writes nothing. The future has the version in force
   * afterwards, or fails with the change's own {@link IllegalArgumentException} or {@link
   * IllegalStateException} (nothing written).
   */
  public CompletableFuture<ClusterRecord> change(UnaryOperator<Topology> change) {
    return attempt(change, 0);
  }

  private CompletableFuture<ClusterRecord> attempt(UnaryOperator<Topology> change, int n) {
    return ctx.registry
        .get(NodeContext.CLUSTER_KEY)
        .thenCompose(
            kv -> {
              KeyValue current =
                  kv.orElseThrow(
                      () -> new IllegalStateException("the registry holds no cluster yet"));
              ClusterRecord now = ClusterRecord.decode(current.value());
              Topology next = change.apply(now.topology());
              if (next.equals(now.topology())) {
                ctx.follow(now);
                return CompletableFuture.completedFuture(now);
              }
              ClusterRecord after = now.next(next);
              return ctx.registry
                  .compareAndSet(
                      NodeContext.CLUSTER_KEY,
                      after.encode(),
                      CasOptions.ifRevision(current.modRevision()))
                  .thenCompose(
                      r -> {
                        if (r.succeeded()) {
                          log.info(
                              "{}: topology version {}: nodes {}, {} replicas to move",
                              ctx.self,
                              after.version(),
                              next.nodeIds(),
                              now.placement().moves(after.placement()));
                          ctx.follow(after);
                          return CompletableFuture.completedFuture(after);
                        }
                        if (n + 1 >= ATTEMPTS) {
                          throw new IllegalStateException(
                              "the topology changed under this change "
                                  + ATTEMPTS
                                  + " times in a row; try again");
                        }
                        return attempt(change, n + 1);
                      });
            });
  }

  /** Adds {@code node}; refuses an id already in the topology. */
  public CompletableFuture<ClusterRecord> add(Topology.Node node) {
    return change(
        t -> {
          if (t.node(node.id()).isPresent()) {
            throw new IllegalArgumentException(
                "node '" + node.id() + "' is already in the topology " + t.nodeIds());
          }
          return t.with(node);
        });
  }

  /**
   * Removes {@code id}: first drains it (weight 0, its replicas move away); once no slot names it
   * any more (not in a target placement, not in sync, not a learner), takes it out of the topology.
   * Call again until {@link Removal#removed()}.
   */
  public CompletableFuture<Removal> remove(NodeId id) {
    return change(
            t -> {
              Topology.Node n =
                  t.node(id)
                      .orElseThrow(
                          () ->
                              new IllegalArgumentException(
                                  "node '" + id + "' is not in the topology " + t.nodeIds()));
              if (n.weight() > 0) {
                return t.with(n.withWeight(0));
              }
              int held = slotsNaming(id);
              return held == 0 ? t.without(id) : t;
            })
        .thenApply(
            r -> {
              boolean removed = r.topology().node(id).isEmpty();
              return new Removal(r, removed, removed ? 0 : slotsNaming(id));
            });
  }

  /**
   * Replaces {@code dead} by {@code fresh} in one change: the new node takes the dead one's place
   * in every slot (its rank kept), so no slot goes below its replication factor for longer than the
   * copy takes, and nothing else moves.
   */
  public CompletableFuture<ClusterRecord> replace(NodeId dead, Topology.Node fresh) {
    return change(
        t -> {
          if (t.node(dead).isEmpty()) {
            throw new IllegalArgumentException(
                "node '" + dead + "' is not in the topology " + t.nodeIds());
          }
          if (!dead.equals(fresh.id()) && t.node(fresh.id()).isPresent()) {
            throw new IllegalArgumentException(
                "node '" + fresh.id() + "' is already in the topology " + t.nodeIds());
          }
          return t.replacing(dead, fresh);
        });
  }

  /**
   * A removal's outcome: the topology in force, whether the node is gone, slots still naming it.
   */
  public record Removal(ClusterRecord cluster, boolean removed, int slotsLeft) {}

  /** How many slots name {@code id} in this node's view: placed there, in sync or a learner. */
  public int slotsNaming(NodeId id) {
    int count = 0;
    for (int s = 0; s < slots.slotCount(); s++) {
      SlotState x = slots.slot(s);
      if (x != null && (x.replicas().contains(id) || x.isInSync(id) || x.isLearner(id))) {
        count++;
      }
    }
    return count;
  }
}
