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

import io.amberio.cluster.internal.Bodies;
import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.membership.SlotState;
import io.amberio.cluster.internal.membership.SlotView;
import io.amberio.cluster.internal.msg.Abort;
import io.amberio.cluster.internal.msg.Codes;
import io.amberio.cluster.internal.msg.Commit;
import io.amberio.cluster.internal.msg.Data;
import io.amberio.cluster.internal.msg.Lock;
import io.amberio.cluster.internal.msg.Prepare;
import io.amberio.cluster.internal.msg.PreparedContext;
import io.amberio.cluster.internal.msg.Status;
import io.amberio.cluster.transport.FrameSource;
import io.amberio.cluster.transport.HandlerException;
import io.amberio.cluster.transport.Response;
import io.amberio.core.BlobId;
import io.amberio.core.replica.PrepareSpec;
import io.amberio.core.replica.PreparedTxn;
import io.amberio.core.replica.PreparedWrite;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica side of a write: serves LOCK, DATA, COMMIT, ABORT and STATUS on the node's store.
 *
 * <p>A prepare is two requests. LOCK takes the path lock (never waiting) and answers the replica's
 * highest version, so a coordinator learns of a conflict before any byte moves and can retry with
 * its body intact. DATA streams the bytes and makes the transaction durably prepared; it checks,
 * under the slot's monitor, that the slot's epoch is still the one of the LOCK, so a replica never
 * prepares under an epoch it knows is over (the rejoin fence depends on it). The prepared record
 * carries a {@link PreparedContext} (epoch, participants) for the {@link Resolver} and the fence.
 */
public final class Participant {
  private static final Logger log = LoggerFactory.getLogger(Participant.class);

  private final NodeContext ctx;
  private final SlotView slots;
  private final Transactions txns;
  private final Decisions decisions;

  public Participant(NodeContext ctx, SlotView slots, Transactions txns, Decisions decisions) {
    this.ctx = ctx;
    this.slots = slots;
    this.txns = txns;
    this.decisions = decisions;
  }

  public CompletableFuture<Response> lock(Lock m, long epoch) {
    return slots
        .atEpoch(m.slot(), epoch)
        .thenCompose(
            s -> {
              byte[] context = contextOf(m, epoch, s);
              boolean learner = s.isLearner(ctx.self);
              BlobId txn = m.txn();
              return ctx.onDisk(
                  () -> {
                    PreparedWrite w = begin(m, context, learner);
                    long max;
                    try {
                      max = ctx.store.maxVersion(m.path());
                    } catch (RuntimeException e) {
                      w.abandon();
                      throw e;
                    }
                    Transactions.Pending p = new Transactions.Pending(w, m.slot(), epoch, m.path());
                    txns.putPending(txn, p);
                    // A coordinator that locks and never sends the data must not hold the path for
                    // ever.
                    p.timer =
                        ctx.scheduler.schedule(
                            ctx.config.rpcTimeout().multipliedBy(2), () -> expire(txn, p));
                    return Response.of(new Lock.Reply(max).encode());
                  });
            });
  }

  /**
   * PREPARE: LOCK and DATA in one request. With the bytes in the header, the path lock, the bytes
   * and the durable prepare are one task on the disk executor; otherwise the body is received as
   * DATA receives it, with the path held from the start.
   */
  public CompletableFuture<Response> prepare(Prepare m, long epoch, FrameSource body) {
    Lock l = m.lock();
    BlobId txn = l.txn();
    CompletableFuture<Response> reply =
        slots
            .atEpoch(l.slot(), epoch)
            .thenCompose(
                s -> {
                  byte[] context = contextOf(l, epoch, s);
                  boolean learner = s.isLearner(ctx.self);
                  return ctx.onDisk(
                      () -> {
                        Transactions.Pending p =
                            new Transactions.Pending(
                                begin(l, context, learner), l.slot(), epoch, l.path());
                        p.receiving = true; // no timer: the bytes are here or on their way
                        txns.putPending(txn, p);
                        if (m.inline() == null) {
                          return p;
                        }
                        try {
                          p.write.write(ByteBuffer.wrap(m.inline()));
                          return finishPrepare(p, txn);
                        } catch (RuntimeException e) {
                          txns.removePending(txn);
                          abandonQuietly(p);
                          throw e;
                        }
                      });
                })
            .thenCompose(
                x -> {
                  if (x instanceof Response r) {
                    return CompletableFuture.completedFuture(r);
                  }
                  return receive((Transactions.Pending) x, txn, body);
                });
    if (m.inline() != null) {
      body.close();
    } else {
      reply.whenComplete(
          (r, t) -> {
            if (t != null) {
              body.close(); // failed before the body was drained: the sender must not wait
            }
          });
    }
    return reply;
  }

  /** The prepared context of {@code m} under {@code epoch}, after checking its participants. */
  private byte[] contextOf(Lock m, long epoch, SlotState s) {
    if (!new HashSet<>(s.participants()).equals(new HashSet<>(m.participants()))
        || !m.participants().contains(ctx.self)) {
      throw new HandlerException(
          Codes.STALE_EPOCH,
          "participants "
              + m.participants()
              + " are not those of slot "
              + m.slot()
              + " at epoch "
              + epoch
              + ": "
              + s.participants());
    }
    // A learner prepares, but the in-sync replicas decide the version: it may not have copied the
    // path yet.
    return new PreparedContext(epoch, m.participants(), s.isLearner(ctx.self)).encode();
  }

  /** Takes the path lock for {@code m}; on the disk executor. */
  private PreparedWrite begin(Lock m, byte[] context, boolean learner) {
    if (txns.open(m.txn())) {
      throw new HandlerException(Codes.DUPLICATE, "transaction " + m.txn() + " is already known");
    }
    return ctx.store.prepare(
        new PrepareSpec(
            m.txn(),
            m.path(),
            m.kind(),
            m.tombstone(),
            m.contentType(),
            m.createdAt(),
            context,
            learner));
  }

  private void expire(BlobId txn, Transactions.Pending p) {
    ctx.disk.execute(
        () -> {
          synchronized (p) {
            if (p.receiving || txns.pending(txn) != p) {
              return;
            }
            txns.removePending(txn);
          }
          log.debug("{}: lock of {} on '{}' expired without data", ctx.self, txn, p.path);
          p.write.abandon();
        });
  }

  public CompletableFuture<Response> data(Data m, long epoch, FrameSource body) {
    BlobId txn = m.txn();
    Transactions.Pending p = txns.pending(txn);
    if (p == null || p.epoch != epoch) {
      body.close();
      throw new HandlerException(
          Codes.UNKNOWN_TXN, "no locked transaction " + txn + " under epoch " + epoch);
    }
    synchronized (p) {
      if (p.receiving) {
        body.close();
        throw new HandlerException(
            Codes.DUPLICATE, "transaction " + txn + " is already receiving data");
      }
      p.receiving = true;
    }
    p.timer.cancel();
    return receive(p, txn, body);
  }

  /** Drains the body into the pending write, then prepares it durably (DATA's second half). */
  private CompletableFuture<Response> receive(
      Transactions.Pending p, BlobId txn, FrameSource body) {
    return Bodies.drain(body, ctx.disk, p.write::write)
        .thenApplyAsync(n -> finishPrepare(p, txn), ctx.disk)
        .whenComplete(
            (r, t) -> {
              if (t != null) {
                txns.removePending(txn);
                ctx.disk.execute(() -> abandonQuietly(p));
              }
            });
  }

  /**
   * Makes the pending write durably prepared, checking under the slot's monitor that the slot is
   * still at the epoch of its lock (invariant 2 of docs/consistency.md); on the disk executor.
   */
  private Response finishPrepare(Transactions.Pending p, BlobId txn) {
    PreparedTxn done;
    synchronized (slots.slotLock(p.slot)) {
      SlotState s = slots.slot(p.slot);
      if (s == null || s.epoch() != p.epoch) {
        throw new HandlerException(
            Codes.STALE_EPOCH,
            "slot "
                + p.slot
                + " moved past epoch "
                + p.epoch
                + " while "
                + txn
                + " was being prepared");
      }
      done = p.write.finish();
      txns.track(done);
    }
    txns.removePending(txn);
    return Response.of(new Data.Reply(done.maxVersion()).encode());
  }

  private static void abandonQuietly(Transactions.Pending p) {
    try {
      p.write.abandon();
    } catch (RuntimeException e) {
      log.debug("abandon: {}", e.toString());
    }
  }

  public CompletableFuture<Response> commit(Commit m) {
    return decisions
        .commit(m.txn(), m.version())
        .thenApply(info -> Response.of(new Commit.Reply(info).encode()));
  }

  public CompletableFuture<Response> abort(Abort m) {
    return decisions.abort(m.txn()).thenApply(x -> Response.of(new Abort.Reply().encode()));
  }

  public CompletableFuture<Response> status(Status m) {
    return CompletableFuture.completedFuture(
        Response.of(new Status.Reply(txns.open(m.txn())).encode()));
  }
}
