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

import io.amberio.cluster.ClusterNode.SlotRebuild;
import io.amberio.cluster.NodeId;
import io.amberio.cluster.RebuildRefusedException;
import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.msg.RegistryValues;
import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.registry.ListOptions;
import io.amberio.cluster.registry.ListResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a slot whose in-sync replicas are all gone for good, on an operator's explicit command.
 *
 * <p>The live learners of the slot (nodes copying it in, each registered under the session it holds
 * its place with) become its in-sync replicas, under the next epoch, by one compare-and-set on the
 * revision read. They hold every version written while they were learners, and what their copy had
 * reached; every other version is lost. The stores of the lost replicas (as {@code stores/<id>}
 * names them) are recorded in the slot state: such a store never joins the slot again (see {@link
 * Reconciler}), because it may hold versions the rebuilt slot lacks and numbers that are written
 * again, and a copy only adds what is missing.
 *
 * <p>Refused, with nothing written, while any in-sync replica is alive (registered under the
 * session it holds its place with: nothing is lost, it serves once reachable), or when no learner
 * is alive (there is nothing to rebuild on yet: a node of the slot's placement joins as a learner
 * within a lease TTL of running). Without {@code acceptLoss} it only says what it would do.
 */
public final class SlotRebuilds {
  private static final Logger log = LoggerFactory.getLogger(SlotRebuilds.class);
  private static final int ATTEMPTS = 5;

  private final NodeContext ctx;
  private final SlotView slots;

  public SlotRebuilds(NodeContext ctx, SlotView slots) {
    this.ctx = ctx;
    this.slots = slots;
  }

  /**
   * Rebuilds {@code slot} if {@code acceptLoss}, else says what a rebuild would do. Fails with
   * {@link IllegalArgumentException} for a slot out of range, {@link RebuildRefusedException} when
   * a rebuild is not possible or not needed, or the registry's error.
   */
  public CompletableFuture<SlotRebuild> rebuild(int slot, boolean acceptLoss) {
    if (slot < 0 || slot >= slots.slotCount()) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "slot " + slot + " does not exist; slots are 0 to " + (slots.slotCount() - 1)));
    }
    return attempt(slot, acceptLoss, 0);
  }

  private CompletableFuture<SlotRebuild> attempt(int slot, boolean acceptLoss, int n) {
    return ctx.registry
        .get(NodeContext.slotKey(slot))
        .thenCompose(
            kv -> {
              KeyValue current =
                  kv.orElseThrow(
                      () ->
                          new IllegalStateException(
                              "the registry holds no state for slot " + slot));
              SlotState s = SlotState.decode(slot, current.value());
              return plan(s)
                  .thenCompose(
                      plan -> {
                        if (!acceptLoss) {
                          return CompletableFuture.completedFuture(plan.outcome(false));
                        }
                        return ctx.registry
                            .compareAndSet(
                                NodeContext.slotKey(slot),
                                plan.next.encode(),
                                CasOptions.ifRevision(current.modRevision()))
                            .thenCompose(
                                r -> {
                                  if (r.succeeded()) {
                                    log.warn(
                                        "{}: slot {} rebuilt on {} by an operator; lost replicas {}."
                                            + " {}",
                                        ctx.self,
                                        slot,
                                        plan.promoted,
                                        plan.lost,
                                        plan.whatIsLost);
                                    r.current().ifPresent(c -> slots.update(slot, c));
                                    return CompletableFuture.completedFuture(plan.outcome(true));
                                  }
                                  if (n + 1 >= ATTEMPTS) {
                                    throw new IllegalStateException(
                                        "slot "
                                            + slot
                                            + " changed under "
                                            + ATTEMPTS
                                            + " rebuild attempts in a row; try again");
                                  }
                                  return attempt(slot, true, n + 1);
                                });
                      });
            });
  }

  private record Plan(
      SlotState before,
      SlotState next,
      Map<NodeId, String> lost,
      List<NodeId> promoted,
      String whatIsLost) {
    SlotRebuild outcome(boolean done) {
      return new SlotRebuild(
          before.slot(), done, before.epoch(), next.epoch(), lost, promoted, whatIsLost);
    }
  }

  /** Reads the registrations and stores the plan needs, and checks that a rebuild is the answer. */
  private CompletableFuture<Plan> plan(SlotState s) {
    Map<NodeId, CompletableFuture<Optional<KeyValue>>> registrations = new LinkedHashMap<>();
    for (NodeId node : s.participants()) {
      registrations.put(node, ctx.registry.get(NodeContext.nodeKey(node)));
    }
    CompletableFuture<ListResult> stores =
        ctx.registry.list(NodeContext.STORES, ListOptions.limit(ListOptions.MAX_LIMIT));
    List<CompletableFuture<?>> all = new ArrayList<>(registrations.values());
    all.add(stores);
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              for (Map.Entry<NodeId, Long> e : s.inSync().entrySet()) {
                if (holds(registrations.get(e.getKey()).join(), e.getValue())) {
                  throw new RebuildRefusedException(
                      RebuildRefusedException.REPLICA_ALIVE,
                      "slot "
                          + s.slot()
                          + " has an in-sync replica that is alive: "
                          + e.getKey()
                          + " (session "
                          + e.getValue()
                          + "); nothing is lost: it serves the slot again as soon as"
                          + " the cluster can reach it");
                }
              }
              List<NodeId> promoted = new ArrayList<>();
              for (Map.Entry<NodeId, Long> e : s.learners().entrySet()) {
                if (holds(registrations.get(e.getKey()).join(), e.getValue())) {
                  promoted.add(e.getKey());
                }
              }
              if (promoted.isEmpty()) {
                throw new RebuildRefusedException(
                    RebuildRefusedException.NO_LIVE_LEARNER,
                    "slot "
                        + s.slot()
                        + " has no live learner to rebuild on (learners "
                        + s.learners().keySet()
                        + "); a running node of its placement "
                        + s.replicas()
                        + " joins it as a learner within a lease TTL (add or replace a node if"
                        + " none runs), then rebuild again");
              }
              // Every store the cluster knows, but the promoted ones, may hold versions of the old
              // history: none may bring them into the rebuilt slot (one that holds nothing of the
              // slot may still join it: the Reconciler checks).
              Map<NodeId, String> storeOf = new LinkedHashMap<>();
              for (KeyValue kv : stores.join().keyValues()) {
                storeOf.put(
                    NodeId.of(kv.key().substring(NodeContext.STORES.length())),
                    RegistryValues.storeId(kv.value()));
              }
              List<String> lostStores = new ArrayList<>();
              for (Map.Entry<NodeId, String> e : storeOf.entrySet()) {
                if (!promoted.contains(e.getKey())) {
                  lostStores.add(e.getValue());
                }
              }
              Map<NodeId, String> lost = new LinkedHashMap<>();
              for (NodeId node : s.inSync().keySet()) {
                lost.put(node, storeOf.get(node));
              }
              String whatIsLost =
                  "every version of slot "
                      + s.slot()
                      + " that "
                      + promoted
                      + " do not hold: they hold the versions written while they were learners"
                      + " and those their copy had reached; the rest were only on "
                      + lost.keySet()
                      + ". A store that holds versions of the slot from before the rebuild never"
                      + " rejoins it (replace such a node on empty disks)";
              return new Plan(s, s.rebuilt(promoted, lostStores), lost, promoted, whatIsLost);
            });
  }

  /** Whether a registration is alive under {@code session}. */
  private static boolean holds(Optional<KeyValue> registration, long session) {
    // Session 0: a place never claimed since bootstrap; any registration will claim it.
    return registration.isPresent() && (session == 0 || registration.get().leaseId() == session);
  }
}
