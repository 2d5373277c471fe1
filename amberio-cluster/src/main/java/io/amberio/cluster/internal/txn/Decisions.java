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

import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.msg.Codes;
import io.amberio.cluster.internal.msg.Decision;
import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.CasResult;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.transport.HandlerException;
import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import java.util.concurrent.CompletableFuture;

/**
 * Applies decisions to this replica's transactions: a COMMIT or ABORT from a coordinator, or a
 * decision read from the registry ({@code txn/<id>}, see {@link Decision}), which it may write
 * first as an abort when the coordinator has been quiet too long. Only local: sending a decision to
 * the other participants is the {@link Resolver}'s.
 */
public final class Decisions {
  private final NodeContext ctx;
  private final Transactions txns;

  public Decisions(NodeContext ctx, Transactions txns) {
    this.ctx = ctx;
    this.txns = txns;
  }

  /**
   * Learns the decision of {@code txn} and applies it here; if there is none and {@code force},
   * writes abort first. True if the transaction is now resolved here.
   */
  public CompletableFuture<Boolean> decide(BlobId txn, boolean force) {
    return ctx.registry
        .get(NodeContext.txnKey(txn))
        .thenCompose(
            kv -> {
              if (kv.isPresent()) {
                return apply(txn, kv.get()).thenApply(x -> true);
              }
              if (!force) {
                return CompletableFuture.completedFuture(false);
              }
              return ctx.registry
                  .compareAndSet(
                      NodeContext.txnKey(txn), Decision.abort().encode(), CasOptions.ifAbsent())
                  .thenCompose(
                      (CasResult r) ->
                          r.current().isPresent()
                              ? apply(txn, r.current().get()).thenApply(x -> true)
                              : CompletableFuture.completedFuture(false));
            });
  }

  /**
   * Applies the decision stored in {@code decision} (an unreadable one fails, and is never taken
   * for an abort).
   */
  CompletableFuture<Void> apply(BlobId txn, KeyValue decision) {
    Decision d;
    try {
      d = Decision.decode(decision.value());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return d.commit() ? commit(txn, d.version()).thenApply(x -> null) : abort(txn);
  }

  CompletableFuture<BlobInfo> commit(BlobId txn, long version) {
    return ctx.onDisk(
        () -> {
          Transactions.Prepared p = txns.prepared(txn);
          // Prepared as a learner: the version may be above a gap the copy fills in later.
          BlobInfo info = ctx.store.commitPrepared(txn, version, p != null && p.learner());
          txns.forget(txn);
          return info;
        });
  }

  CompletableFuture<Void> abort(BlobId txn) {
    return ctx.onDisk(
        () -> {
          Transactions.Pending p = txns.removePending(txn);
          if (p != null) {
            if (p.timer != null) {
              p.timer.cancel();
            }
            p.write.abandon();
          }
          try {
            ctx.store.abortPrepared(txn);
          } catch (IllegalStateException committed) {
            throw new HandlerException(
                Codes.COMMITTED, "transaction " + txn + " is committed here; it cannot be aborted");
          }
          txns.forget(txn);
          return null;
        });
  }
}
