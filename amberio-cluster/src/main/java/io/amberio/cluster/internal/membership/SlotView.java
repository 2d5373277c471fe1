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

import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.PlantedBug;
import io.amberio.cluster.internal.msg.Codes;
import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.CasResult;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.transport.HandlerException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's cache of every {@code slots/<slot>} key. A value is applied only if its revision is
 * newer than the cached one, under the slot's monitor ({@link #slotLock}), which a replica also
 * holds while it checks an epoch and makes a prepare durable: a prepare never becomes durable under
 * an epoch this node already knows is over.
 *
 * <p>The cache is passive: it is fed by {@link RegistryFollower} (the watch), by {@link #refresh}
 * and by its own compare-and-sets, and tells no one of changes; the follower hands every change to
 * the {@link Reconciler}.
 */
public final class SlotView {
  private static final Logger log = LoggerFactory.getLogger(SlotView.class);

  private final NodeContext ctx;
  private final Liveness liveness;
  private final Object[] locks;
  private final SlotState[] states;
  private final long[] revisions;
  private final long[] retiredAt; // the epoch at which this node stopped serving the slot to leave

  public SlotView(NodeContext ctx, Liveness liveness) {
    this.ctx = ctx;
    this.liveness = liveness;
    int n = ctx.placement.slotCount();
    this.locks = new Object[n];
    this.states = new SlotState[n];
    this.revisions = new long[n];
    this.retiredAt = new long[n];
    for (int i = 0; i < n; i++) {
      locks[i] = new Object();
    }
  }

  public int slotCount() {
    return states.length;
  }

  public Object slotLock(int slot) {
    return locks[slot];
  }

  /** The cached state of {@code slot}, or null before it is loaded. */
  public SlotState slot(int slot) {
    synchronized (locks[slot]) {
      return states[slot];
    }
  }

  /**
   * Whether this node may serve reads of {@code slot}: in sync under its current, valid session.
   */
  public boolean serving(int slot) {
    SlotState s = slot(slot);
    if (ctx.planted(PlantedBug.SERVE_WITHOUT_LEASE)) {
      return s != null && s.isInSync(ctx.self);
    }
    Long session = s == null ? null : s.inSync().get(ctx.self);
    return session != null
        && session == liveness.session()
        && liveness.leaseValid()
        && !retiring(slot, s.epoch());
  }

  /**
   * Stops serving {@code slot} while its epoch is {@code epoch}: this replica is about to take
   * itself out of the slot (the end of a move). Serving resumes by itself if the epoch changes with
   * this node still in sync (its leaving failed), since every write then still needs it.
   */
  void retire(int slot, long epoch) {
    synchronized (locks[slot]) {
      retiredAt[slot] = epoch;
    }
  }

  private boolean retiring(int slot, long epoch) {
    synchronized (locks[slot]) {
      return retiredAt[slot] == epoch;
    }
  }

  /**
   * Fails with {@link Codes#NOT_SERVING} unless this node {@linkplain #serving serves} {@code
   * slot}.
   */
  public void requireServing(int slot) {
    if (!serving(slot)) {
      throw new HandlerException(
          Codes.NOT_SERVING,
          ctx.self
              + " does not serve slot "
              + slot
              + " now (not in sync under its current lease, or the lease is not valid)");
    }
  }

  /**
   * The slot's state once this node knows epoch {@code epoch} or a newer one; fails with {@link
   * Codes#STALE_EPOCH} if it is not exactly {@code epoch}.
   */
  public CompletableFuture<SlotState> atEpoch(int slot, long epoch) {
    if (slot < 0 || slot >= states.length) {
      throw new IllegalArgumentException("no slot " + slot);
    }
    SlotState s = slot(slot);
    CompletableFuture<SlotState> f =
        s != null && s.epoch() >= epoch ? CompletableFuture.completedFuture(s) : refresh(slot);
    return f.thenApply(
        now -> {
          if (now == null || now.epoch() != epoch) {
            throw new HandlerException(
                Codes.STALE_EPOCH,
                "slot "
                    + slot
                    + " is at epoch "
                    + (now == null ? 0 : now.epoch())
                    + " on "
                    + ctx.self
                    + ", the request was sent under epoch "
                    + epoch);
          }
          return now;
        });
  }

  /** Applies a registry value of a slot if it is newer than the cached one; true if it was. */
  boolean update(int slot, KeyValue kv) {
    synchronized (locks[slot]) {
      if (kv.modRevision() > revisions[slot]) {
        states[slot] = SlotState.decode(slot, kv.value());
        revisions[slot] = kv.modRevision();
        return true;
      }
      return false;
    }
  }

  /**
   * Reads {@code slot} from the registry and applies it; the future has the (possibly newer) state.
   */
  public CompletableFuture<SlotState> refresh(int slot) {
    return ctx.registry
        .get(NodeContext.slotKey(slot))
        .thenApply(
            kv -> {
              kv.ifPresent(v -> update(slot, v));
              return slot(slot);
            });
  }

  /** Replaces the state of {@code slot} by compare-and-set on the cached revision. */
  CompletableFuture<Boolean> cas(int slot, SlotState next) {
    long rev;
    synchronized (locks[slot]) {
      rev = revisions[slot];
    }
    return ctx.registry
        .compareAndSet(NodeContext.slotKey(slot), next.encode(), CasOptions.ifRevision(rev))
        .thenApply(
            (CasResult r) -> {
              r.current().ifPresent(kv -> update(slot, kv));
              if (r.succeeded()) {
                log.debug(
                    "{}: slot {} is now epoch {} in-sync {} learners {}",
                    ctx.self,
                    slot,
                    next.epoch(),
                    next.inSync().keySet(),
                    next.learners().keySet());
              }
              return r.succeeded();
            });
  }
}
