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
import io.amberio.cluster.internal.Bodies;
import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.msg.ClusterRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves each slot this node replicates towards the state it wants, one compare-and-set at a time:
 * it claims its place under its current session (a restarted replica still in sync missed nothing:
 * every write needed its durable vote), joins as a learner if it was removed, catches up and is
 * promoted; and it removes replicas whose session (lease) has ended, never the last in-sync one.
 *
 * <p>It runs periodically and on every change the {@link RegistryFollower} sees. Catching up is
 * given to it at construction as a {@link CatchUp}: the sync room depends on this one, not the
 * other way round.
 */
public final class Reconciler {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  private volatile long lowDiskLoggedAt = Long.MIN_VALUE / 2; // MIN_VALUE: now - it overflows

  /** Brings this node level for a slot it is a learner of; true when done. */
  @FunctionalInterface
  public interface CatchUp {
    CompletableFuture<Boolean> catchUp(int slot);

    /**
     * This node is about to join {@code slot} as a learner, or is no member of it: a copy of it
     * starts from the beginning.
     */
    default void joined(int slot) {}
  }

  private final NodeContext ctx;
  private final SlotView slots;
  private final Liveness liveness;
  private final StoreIdentity store;
  private final CatchUp catchUp;
  private final boolean[] busy;
  private volatile long startedAt;
  private volatile boolean closed;
  private volatile long lostLoggedAt = Long.MIN_VALUE / 2;

  public Reconciler(
      NodeContext ctx, SlotView slots, Liveness liveness, StoreIdentity store, CatchUp catchUp) {
    this.ctx = ctx;
    this.slots = slots;
    this.liveness = liveness;
    this.store = store;
    this.catchUp = catchUp;
    this.busy = new boolean[slots.slotCount()];
  }

  /** Marks when the node joined (a replica never claimed by any session is judged against it). */
  void joining() {
    startedAt = ctx.now();
  }

  public void close() {
    closed = true;
  }

  void reconcileAll() {
    if (closed) {
      return;
    }
    for (int s = 0; s < busy.length; s++) {
      reconcile(s);
    }
    store.maybeRecord();
  }

  /** Schedules the periodic pass; called once the node is started. */
  public void startReconciling() {
    ctx.scheduler.schedule(
        ctx.config.leaseTtl().dividedBy(2),
        () -> {
          if (!closed) {
            reconcileAll();
            startReconciling();
          }
        });
  }

  void reconcile(int slot) {
    SlotState s;
    synchronized (slots.slotLock(slot)) {
      s = slots.slot(slot);
      if (s == null || busy[slot] || closed) {
        return;
      }
      busy[slot] = true;
    }
    CompletableFuture<?> work;
    try {
      work = step(s);
    } catch (RuntimeException e) {
      work = CompletableFuture.failedFuture(e);
    }
    work.whenComplete(
        (again, t) -> {
          synchronized (slots.slotLock(slot)) {
            busy[slot] = false;
          }
          if (t != null) {
            log.debug(
                "{}: slot {} reconcile failed: {}", ctx.self, slot, Bodies.unwrap(t).toString());
          } else if (Boolean.TRUE.equals(again)) {
            ctx.scheduler.execute(() -> reconcile(slot));
          }
        });
  }

  /** One step towards the wanted state of a slot; true if another step may follow at once. */
  private CompletableFuture<Boolean> step(SlotState s) {
    NodeId me = ctx.self;
    long session = liveness.session();
    if (session == 0 || !liveness.leaseValid()) {
      return CompletableFuture.completedFuture(false);
    }
    Map<NodeId, Long> registered = liveness.registered();
    // Remove replicas whose session ended (never the last in-sync one).
    for (Map.Entry<NodeId, Long> e : members(s)) {
      NodeId n = e.getKey();
      if (n.equals(me)) {
        continue;
      }
      Long live = registered.get(n);
      boolean ended =
          e.getValue() == 0
              ? live == null && ctx.now() - startedAt > ctx.config.leaseTtl().toMillis() * 2
              : live == null || live.longValue() != e.getValue();
      boolean lastInSync = s.isInSync(n) && s.inSync().size() == 1;
      if (ended
          && !lastInSync
          && (s.isInSync(me) || s.isLearner(me) || !s.replicas().contains(me))) {
        long gone = e.getValue();
        return (gone == 0
                ? CompletableFuture.completedFuture(true)
                : liveness.confirmEnded(n, gone))
            .thenCompose(
                really -> {
                  if (!really) {
                    // The registration of that session has not reached this node's view yet.
                    return CompletableFuture.completedFuture(false);
                  }
                  log.info(
                      "{}: removing {} from slot {} (its session {} ended)", me, n, s.slot(), gone);
                  return slots.cas(s.slot(), s.without(n));
                });
      }
    }
    // Slot moves: the driver of the slot (its first live in-sync replica) sets the target placement
    // of a newer topology version; learners outside the target leave (a move undone); once every
    // replica of the target is in sync, the replicas outside it leave (a move done).
    ClusterRecord c = ctx.cluster();
    List<NodeId> target = c.placement().replicas(s.slot());
    if (c.version() > s.placedAt() && drives(s, target, registered)) {
      if (!target.equals(s.replicas())) {
        log.info(
            "{}: slot {} moves from {} to {} (topology version {})",
            me,
            s.slot(),
            s.replicas(),
            target,
            c.version());
        return slots.cas(s.slot(), s.placed(c.version(), target)).thenApply(ok -> true);
      }
    }
    if (s.isInSync(me) && s.replicas().contains(me)) {
      for (NodeId n : s.learners().keySet()) {
        if (!s.replicas().contains(n)) {
          log.info(
              "{}: removing learner {} from slot {} (no longer placed there)", me, n, s.slot());
          return slots.cas(s.slot(), s.without(n));
        }
      }
    }
    // The end of a move: once every replica of the target is in sync, a replica outside it leaves,
    // and only by itself. It may serve reads until it leaves, so it stops serving first (SlotView
    // .retire) and only then takes itself out: removing a live replica from the outside would let
    // it serve reads that miss the writes decided without it. One that is down or cut off leaves
    // when its session ends, as any replica.
    if (s.isInSync(me) && !s.replicas().contains(me) && s.targetInSync()) {
      log.info("{}: slot {} is in sync on {}; this replica leaves it", me, s.slot(), s.replicas());
      slots.retire(s.slot(), s.epoch());
      return slots.cas(s.slot(), s.without(me));
    }
    // An in-sync replica claims its place under its current session first, whether the target
    // still names it or not: one moving away is the source of the copies to the target, and serves
    // only under its current session (seed 1380: a restarted replica outside the target never
    // claimed its place, and three learners waited on it for ever).
    if (s.isInSync(me)) {
      if (s.inSync().get(me) != session && store.replaced()) {
        if (s.inSync().size() == 1) {
          log.error(
              "{}: slot {} has no other replica in sync, and this node's store was replaced: its data is"
                  + " gone; the slot stays unavailable until an operator restores it",
              me,
              s.slot());
          return CompletableFuture.completedFuture(false);
        }
        return slots.cas(s.slot(), s.without(me));
      }
      if (s.inSync().get(me) != session) {
        return slots.cas(s.slot(), s.withSession(me, session));
      }
      return CompletableFuture.completedFuture(false);
    }
    if (!s.replicas().contains(me)) {
      if (!s.isInSync(me) && !s.isLearner(me)) {
        catchUp.joined(s.slot()); // not a member: a copy position it saved is of no use any more
      }
      return CompletableFuture.completedFuture(false);
    }
    if (s.isLearner(me)) {
      if (s.learners().get(me) != session) {
        return slots.cas(s.slot(), s.withSession(me, session));
      }
      return catchUp
          .catchUp(s.slot())
          .thenCompose(
              done -> {
                if (!done) {
                  return CompletableFuture.completedFuture(false);
                }
                SlotState now = slots.slot(s.slot());
                if (now.epoch() != s.epoch() || !now.isLearner(me)) {
                  return CompletableFuture.completedFuture(true);
                }
                return slots
                    .cas(s.slot(), now.promoted(me))
                    .thenApply(
                        ok -> {
                          // A copy slot is free: a slot waiting for one may start.
                          ctx.scheduler.execute(this::reconcileAll);
                          return ok;
                        });
              });
    }
    boolean lost = s.isLost(ctx.store.storeId());
    if (lost && !ctx.store.versionsAfter(s.slot(), null, 1).isEmpty()) {
      // An operator rebuilt the slot without this store, which holds versions of it from before:
      // they may be missing from the rebuilt slot, under numbers written again since, and a copy
      // only adds what is missing. It never copies in on top of them.
      if (ctx.now() - lostLoggedAt > 60_000) {
        lostLoggedAt = ctx.now();
        log.error(
            "{}: slot {} was rebuilt without this node's store {}, which holds versions of it from"
                + " before the rebuild: it does not rejoin the slot; replace the node on empty disks"
                + " to give it its place back",
            me,
            s.slot(),
            ctx.store.storeId());
      }
      return CompletableFuture.completedFuture(false);
    }
    if (learning() >= ctx.config.maxIncomingCopies()) {
      // Copies are throttled; this slot waits for one of the others to finish.
      return CompletableFuture.completedFuture(false);
    }
    if (ctx.config.copyReserveBytes() > 0) {
      long free = ctx.store.usableBytes();
      if (free < ctx.config.copyReserveBytes()) {
        if (ctx.now() - lowDiskLoggedAt > 60_000) {
          lowDiskLoggedAt = ctx.now();
          log.warn(
              "{}: only {} bytes free, under the copy reserve of {}: this node takes no slot in"
                  + " (slot {} waits) until space is freed",
              me,
              free,
              ctx.config.copyReserveBytes(),
              s.slot());
        }
        return CompletableFuture.completedFuture(false);
      }
    }
    // Drop any saved copy position before asking to join, whatever the answer: a compare-and-set
    // whose answer is lost (a timeout) may have taken effect all the same, and a copy resumed from
    // a
    // position saved before this node left would skip versions changed while it was out.
    catchUp.joined(s.slot());
    SlotState next = s.withLearner(me, session);
    return slots.cas(s.slot(), lost ? next.unlost(ctx.store.storeId()) : next);
  }

  /**
   * Whether this node drives {@code s} towards {@code target}: it is the first in-sync replica with
   * a registration or, when no in-sync replica has one (all down, or lost for good), the first
   * registered node of the target, so that a replacement can join as a learner and an operator can
   * rebuild the slot on it. Setting the target changes no participant, so two drivers racing are
   * harmless: the compare-and-set keeps one.
   */
  private boolean drives(SlotState s, List<NodeId> target, Map<NodeId, Long> registered) {
    for (NodeId n : s.inSync().keySet()) {
      if (registered.containsKey(n)) {
        return n.equals(ctx.self);
      }
    }
    for (NodeId n : target) {
      if (registered.containsKey(n)) {
        return n.equals(ctx.self);
      }
    }
    return false;
  }

  /** The slots this node is a learner of now. */
  private int learning() {
    int count = 0;
    for (int i = 0; i < busy.length; i++) {
      SlotState x = slots.slot(i);
      if (x != null && x.isLearner(ctx.self)) {
        count++;
      }
    }
    return count;
  }

  private static List<Map.Entry<NodeId, Long>> members(SlotState s) {
    List<Map.Entry<NodeId, Long>> all = new ArrayList<>(s.inSync().entrySet());
    all.addAll(s.learners().entrySet());
    return all;
  }
}
