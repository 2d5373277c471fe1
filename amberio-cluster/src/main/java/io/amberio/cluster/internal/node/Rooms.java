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
package io.amberio.cluster.internal.node;

import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.membership.Isolation;
import io.amberio.cluster.internal.membership.Liveness;
import io.amberio.cluster.internal.membership.Reconciler;
import io.amberio.cluster.internal.membership.RegistryFollower;
import io.amberio.cluster.internal.membership.SlotRebuilds;
import io.amberio.cluster.internal.membership.SlotView;
import io.amberio.cluster.internal.membership.StoreIdentity;
import io.amberio.cluster.internal.membership.TopologyChanges;
import io.amberio.cluster.internal.read.ReadRouter;
import io.amberio.cluster.internal.read.ReadServer;
import io.amberio.cluster.internal.rpc.PeerHealth;
import io.amberio.cluster.internal.rpc.Peers;
import io.amberio.cluster.internal.sync.CatchUp;
import io.amberio.cluster.internal.sync.SyncServer;
import io.amberio.cluster.internal.txn.Decisions;
import io.amberio.cluster.internal.txn.Participant;
import io.amberio.cluster.internal.txn.Resolver;
import io.amberio.cluster.internal.txn.Transactions;
import io.amberio.cluster.internal.txn.WriteCoordinator;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * The rooms of one node, each built once, in the order of their dependencies, and given what it
 * uses at construction (nothing is wired afterwards):
 *
 * <pre>
 *   rpc.PeerHealth
 *   membership.Liveness(health)          membership.SlotView(liveness)
 *   txn.Transactions    txn.Decisions(transactions)
 *   replica side:  txn.Participant, read.ReadServer, sync.SyncServer  -> node.Dispatcher
 *   rpc.Peers(dispatcher for calls to self, health)    membership.Isolation(liveness, health, peers)
 *   txn.Resolver(peers)   sync.CatchUp(resolver, peers)
 *   membership.StoreIdentity   membership.Reconciler(catchUp)   membership.RegistryFollower(reconciler)
 *   client side:   txn.WriteCoordinator(peers), read.ReadRouter(peers)
 * </pre>
 *
 * <p>Starting loads the prepared transactions of an earlier life before the node claims any place
 * in a slot (so that a FENCE or a read never misses one), then joins the cluster and starts the
 * periodic duties.
 */
public final class Rooms {
  public final NodeContext ctx;
  public final Liveness liveness;
  public final SlotView slots;
  public final Transactions txns;
  public final Dispatcher dispatcher;
  public final WriteCoordinator writes;
  public final ReadRouter reads;
  public final TopologyChanges topology;
  public final SlotRebuilds rebuilds;
  public final CatchUp copies;
  public final SyncServer serving;
  private final Resolver resolver;
  private final Reconciler reconciler;
  private final RegistryFollower follower;
  private final Isolation isolation;

  public Rooms(NodeContext ctx, Path tempDir) {
    this.ctx = ctx;
    PeerHealth health = new PeerHealth(ctx);
    this.liveness = new Liveness(ctx, health);
    this.slots = new SlotView(ctx, liveness);
    this.txns = new Transactions(ctx);
    Decisions decisions = new Decisions(ctx, txns);
    this.serving = new SyncServer(ctx, slots, txns, decisions);
    ReadServer readServer = new ReadServer(ctx, slots, txns, decisions);
    this.dispatcher =
        new Dispatcher(ctx, new Participant(ctx, slots, txns, decisions), readServer, serving);
    Peers peers = new Peers(ctx, dispatcher, health);
    this.isolation = new Isolation(ctx, liveness, health, peers);
    this.resolver = new Resolver(ctx, txns, decisions, peers);
    CatchUp catchUp = new CatchUp(ctx, slots, liveness, txns, resolver, peers, tempDir);
    StoreIdentity store = new StoreIdentity(ctx, slots, liveness);
    this.copies = catchUp;
    this.reconciler =
        new Reconciler(
            ctx,
            slots,
            liveness,
            store,
            new Reconciler.CatchUp() {
              @Override
              public CompletableFuture<Boolean> catchUp(int slot) {
                return catchUp.catchUp(slot);
              }

              @Override
              public void joined(int slot) {
                catchUp.joined(slot);
              }
            });
    this.follower = new RegistryFollower(ctx, liveness, slots, store, reconciler);
    this.writes = new WriteCoordinator(ctx, slots, peers);
    this.reads = new ReadRouter(ctx, slots, liveness, peers, readServer);
    this.topology = new TopologyChanges(ctx, slots);
    this.rebuilds = new SlotRebuilds(ctx, slots);
  }

  /** Serves requests, loads old prepared transactions, joins, and starts the periodic duties. */
  public CompletableFuture<Void> start() {
    ctx.transport.serve(dispatcher);
    return txns.load()
        .thenRun(resolver::start)
        .thenCompose(v -> follower.start())
        .thenRun(reconciler::startReconciling)
        .thenRun(isolation::start);
  }

  /**
   * Stops every duty at once: no more requests served, no watch, no keep-alive, no reconcile, no
   * sweep.
   */
  public void stop() {
    follower.close();
    isolation.close();
    reconciler.close();
    liveness.close();
    dispatcher.close();
    resolver.close();
    txns.close();
  }

  /** Ends the lease (a clean leave). */
  public CompletableFuture<Void> revoke() {
    return liveness.revoke();
  }
}
