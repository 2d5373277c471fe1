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
import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.msg.PreparedContext;
import io.amberio.core.BlobId;
import io.amberio.core.Scheduler;
import io.amberio.core.replica.PreparedTxn;
import io.amberio.core.replica.PreparedWrite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactions this replica holds open: pending ones (between LOCK and the end of DATA, held in
 * memory) and durably prepared ones (also in the store, with their {@link PreparedContext}), until
 * a decision is applied. After a restart the prepared ones are loaded back from the store ({@link
 * #load}) before the node claims any place in a slot, so that a FENCE or a read never misses one.
 */
public final class Transactions {
  private static final Logger log = LoggerFactory.getLogger(Transactions.class);

  private final NodeContext ctx;
  private final Map<BlobId, Pending> pending = new ConcurrentHashMap<>();
  private final Map<BlobId, Prepared> prepared = new ConcurrentHashMap<>();

  /** A transaction between LOCK and the end of DATA. */
  static final class Pending {
    final PreparedWrite write;
    final int slot;
    final long epoch;
    final String path;
    Scheduler.Cancellable timer;
    boolean receiving;

    Pending(PreparedWrite write, int slot, long epoch, String path) {
      this.write = write;
      this.slot = slot;
      this.epoch = epoch;
      this.path = path;
    }
  }

  /** A durable prepared transaction, and since when this node knows it. */
  public record Prepared(
      BlobId id,
      int slot,
      String path,
      long epoch,
      List<NodeId> participants,
      boolean learner,
      long since) {}

  public Transactions(NodeContext ctx) {
    this.ctx = ctx;
  }

  /** Loads the prepared transactions left by an earlier life. */
  public CompletableFuture<Void> load() {
    return ctx.onDisk(() -> ctx.store.preparedTxns())
        .thenAccept(
            list -> {
              for (PreparedTxn p : list) {
                track(p);
              }
              if (!list.isEmpty()) {
                log.info(
                    "{}: {} prepared transactions from before the restart to resolve",
                    ctx.self,
                    list.size());
              }
            });
  }

  /** Records a durable prepared transaction (its context read from the store's record). */
  void track(PreparedTxn p) {
    PreparedContext c = PreparedContext.decode(p.spec().context());
    prepared.put(
        p.spec().txn(),
        new Prepared(
            p.spec().txn(),
            p.slot(),
            p.spec().path(),
            c.epoch(),
            c.participants(),
            c.learner(),
            ctx.now()));
  }

  /** Whether {@code txn} is pending or prepared here. */
  public boolean open(BlobId txn) {
    return pending.containsKey(txn) || prepared.containsKey(txn);
  }

  public Prepared prepared(BlobId txn) {
    return prepared.get(txn);
  }

  /** A snapshot of the prepared transactions. */
  public List<Prepared> prepared() {
    return List.copyOf(prepared.values());
  }

  /** The prepared transactions of {@code slot} under an epoch before {@code epoch}. */
  public List<Prepared> preparedBefore(int slot, long epoch) {
    List<Prepared> older = new ArrayList<>();
    for (Prepared t : prepared.values()) {
      if (t.slot() == slot && t.epoch() < epoch) {
        older.add(t);
      }
    }
    return older;
  }

  public int preparedCount() {
    return prepared.size();
  }

  void forget(BlobId txn) {
    prepared.remove(txn);
  }

  Pending pending(BlobId txn) {
    return pending.get(txn);
  }

  void putPending(BlobId txn, Pending p) {
    pending.put(txn, p);
  }

  Pending removePending(BlobId txn) {
    return pending.remove(txn);
  }

  /** Drops every pending transaction (the node is closing; prepared ones stay durable). */
  public void close() {
    for (Pending p : pending.values()) {
      try {
        p.write.abandon();
      } catch (RuntimeException e) {
        log.debug("abandon on close: {}", e.toString());
      }
    }
    pending.clear();
  }
}
