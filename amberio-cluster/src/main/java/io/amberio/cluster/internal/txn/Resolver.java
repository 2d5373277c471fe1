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
package io.amberio.cluster.internal.txn;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.internal.Bodies;
import io.amberio.cluster.internal.Errors;
import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.msg.Abort;
import io.amberio.cluster.internal.msg.Commit;
import io.amberio.cluster.internal.msg.Decision;
import io.amberio.cluster.internal.rpc.Peers;
import io.amberio.cluster.registry.DeleteOptions;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.transport.FrameSource;
import io.amberio.cluster.transport.Response;
import io.amberio.core.BlobId;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves prepared transactions whose coordinator went quiet. Periodically, a transaction prepared
 * here longer than {@code 2 x rpcTimeout + decisionWait} ago is resolved for every participant: the
 * decision is learned from the registry (or written there as an abort if there is none), applied
 * here, sent to the other participants, and its key deleted once all of them answered. Catch-up
 * resolves a learner's own older transactions the same way.
 */
public final class Resolver {
  private static final Logger log = LoggerFactory.getLogger(Resolver.class);

  private final NodeContext ctx;
  private final Transactions txns;
  private final Decisions decisions;
  private final Peers peers;
  private final Set<BlobId> resolving = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public Resolver(NodeContext ctx, Transactions txns, Decisions decisions, Peers peers) {
    this.ctx = ctx;
    this.txns = txns;
    this.decisions = decisions;
    this.peers = peers;
  }

  /** Starts the periodic sweep. */
  public void start() {
    ctx.scheduler.schedule(ctx.config.decisionWait(), this::sweep);
  }

  public void close() {
    closed = true;
  }

  private void sweep() {
    if (closed) {
      return;
    }
    long quietFor =
        ctx.config.rpcTimeout().multipliedBy(2).plus(ctx.config.decisionWait()).toMillis();
    for (Transactions.Prepared t : txns.prepared()) {
      if (ctx.now() - t.since() >= quietFor && resolving.add(t.id())) {
        resolve(t)
            .whenComplete(
                (x, e) -> {
                  resolving.remove(t.id());
                  if (e != null) {
                    log.debug(
                        "{}: resolving {} failed for now: {}",
                        ctx.self,
                        t.id(),
                        Bodies.unwrap(e).toString());
                  }
                });
      }
    }
    ctx.scheduler.schedule(ctx.config.decisionWait(), this::sweep);
  }

  /**
   * Resolves a transaction for every participant: learns (or writes abort as) the decision, applies
   * it here, sends it to the other participants, and deletes the decision key once all of them
   * answered.
   */
  public CompletableFuture<Void> resolve(Transactions.Prepared t) {
    return decisions
        .decide(t.id(), true)
        .thenCompose(
            done -> {
              if (!done) {
                throw new IllegalStateException("no decision for " + t.id());
              }
              return ctx.registry.get(NodeContext.txnKey(t.id()));
            })
        .thenCompose(
            kv -> {
              if (kv.isEmpty()) {
                return CompletableFuture.completedFuture(null);
              }
              return propagate(t.id(), t.participants(), kv.get());
            });
  }

  /** Sends a decision to every participant but this node; deletes the key if all applied it. */
  private CompletableFuture<Void> propagate(
      BlobId txn, List<NodeId> participants, KeyValue decision) {
    Decision d = Decision.decode(decision.value());
    List<CompletableFuture<Boolean>> acks = new ArrayList<>();
    for (NodeId n : participants) {
      if (n.equals(ctx.self)) {
        continue;
      }
      CompletableFuture<Response> f =
          d.commit()
              ? peers.call(
                  n, Commit.TYPE, 0, new Commit(txn, d.version()).encode(), FrameSource.empty())
              : peers.call(n, Abort.TYPE, 0, new Abort(txn).encode(), FrameSource.empty());
      acks.add(f.handle((r, e) -> e == null || isUnknownTxn(e)));
    }
    return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
        .thenCompose(
            x -> {
              for (CompletableFuture<Boolean> a : acks) {
                if (!a.join()) {
                  return CompletableFuture.completedFuture(null);
                }
              }
              return ctx.registry
                  .delete(NodeContext.txnKey(txn), DeleteOptions.ifRevision(decision.modRevision()))
                  .thenApply(r -> null);
            });
  }

  /**
   * A COMMIT answered "no such transaction": it was committed and collected, or never prepared
   * there.
   */
  static boolean isUnknownTxn(Throwable e) {
    BlobStoreException b = Errors.fromRemote(e);
    return b != null && b.reason() == Reason.NOT_FOUND;
  }
}
