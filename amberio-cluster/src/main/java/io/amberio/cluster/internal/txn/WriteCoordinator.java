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
import io.amberio.cluster.internal.Futures;
import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.RegistryBatcher;
import io.amberio.cluster.internal.Tee;
import io.amberio.cluster.internal.membership.SlotState;
import io.amberio.cluster.internal.membership.SlotView;
import io.amberio.cluster.internal.msg.Abort;
import io.amberio.cluster.internal.msg.Codes;
import io.amberio.cluster.internal.msg.Commit;
import io.amberio.cluster.internal.msg.Data;
import io.amberio.cluster.internal.msg.Decision;
import io.amberio.cluster.internal.msg.Lock;
import io.amberio.cluster.internal.msg.Prepare;
import io.amberio.cluster.internal.rpc.Peers;
import io.amberio.cluster.registry.BatchWrite;
import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.DeleteOptions;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.transport.FrameSource;
import io.amberio.cluster.transport.Response;
import io.amberio.cluster.transport.TransportException;
import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.PutOptions;
import io.amberio.core.replica.TxnKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator of writes: runs the two-phase commit of a put, a delete or a version's tombstone.
 * Any node coordinates any write, whichever nodes hold the path.
 *
 * <p>A write: LOCK on every participant (in-sync replicas and learners) with the slot's epoch; all
 * must agree on the path's highest version {@code M}; a conditional write checks {@code expected ==
 * M + 1} here, before any byte moves. DATA streams the bytes to every participant at the pace of
 * the slowest and makes the transaction durably prepared on each. The decision is one
 * compare-and-set, {@code txn/<id> = "v2|commit|<version>"} if absent: the write's linearization
 * point. COMMIT then applies it on every participant; the client is answered when all did, and the
 * decision key is deleted.
 *
 * <p>An attempt that fails to prepare (a stale epoch, a busy path, replicas that disagree) starts
 * over with a new transaction id while time is left; that needs the body again, which {@link
 * WriteBody} keeps in memory when it is small.
 */
public final class WriteCoordinator {
  private static final Logger log = LoggerFactory.getLogger(WriteCoordinator.class);

  private final NodeContext ctx;
  private final SlotView slots;
  private final Peers peers;
  // False once a participant answered that it does not know PREPARE (a node of the release before):
  // every write then locks and sends its data in two requests.
  private volatile boolean foldPrepare = true;
  // Decisions and the deletes of decided keys go to the registry in batches (one etcd transaction
  // for the writes that arrive while a batch is in flight): one registry write for many PUTs.
  private final RegistryBatcher decisions;
  private final RegistryBatcher deletes;

  /**
   * How long the delete of a decided key may wait to share a registry request with others. Nobody
   * waits for it; a node that crashes meanwhile leaves the key behind, as one whose delete was in
   * flight does.
   */
  static final Duration DELETE_LINGER = Duration.ofMillis(20);

  public WriteCoordinator(NodeContext ctx, SlotView slots, Peers peers) {
    this.ctx = ctx;
    this.slots = slots;
    this.peers = peers;
    this.decisions = new RegistryBatcher(ctx.registry, 2);
    this.deletes = new RegistryBatcher(ctx.registry, 1, ctx.scheduler, DELETE_LINGER);
  }

  // ------------------------------------------------------------------ writes

  public CompletableFuture<BlobInfo> put(String path, FrameSource body, PutOptions options) {
    String type =
        options.contentType() == null ? PutOptions.DEFAULT_CONTENT_TYPE : options.contentType();
    return write(path, TxnKind.PUT, 0, type, options.expectedVersion(), body);
  }

  public CompletableFuture<BlobInfo> delete(String path) {
    return write(path, TxnKind.MARKER, 0, null, OptionalLong.empty(), FrameSource.empty());
  }

  public CompletableFuture<BlobInfo> deleteVersion(String path, long version) {
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, was " + version);
    }
    return write(path, TxnKind.TOMBSTONE, version, null, OptionalLong.empty(), FrameSource.empty());
  }

  private final class Write {
    final String path;
    final int slot;
    final TxnKind kind;
    final long tombstone;
    final String contentType;
    final OptionalLong expected;
    final WriteBody body;
    final long deadline;
    final long lockDeadline;
    int attempts;
    // Set when a PREPARE was refused by a store error: the write then locks first, so that replicas
    // that disagree are found before any of them judges the write (see prepareAll).
    boolean lockFirst;

    Write(
        String path,
        TxnKind kind,
        long tombstone,
        String contentType,
        OptionalLong expected,
        WriteBody body) {
      this.path = path;
      this.slot = ctx.store.slotOf(path);
      this.kind = kind;
      this.tombstone = tombstone;
      this.contentType = contentType;
      this.expected = expected;
      this.body = body;
      long now = ctx.now();
      this.deadline = now + ctx.config.requestTimeout().toMillis();
      this.lockDeadline = now + ctx.config.lockRetry().toMillis();
    }
  }

  private CompletableFuture<BlobInfo> write(
      String path,
      TxnKind kind,
      long tombstone,
      String contentType,
      OptionalLong expected,
      FrameSource source) {
    try {
      ctx.store.slotOf(path); // a bad path fails before any byte is read
    } catch (RuntimeException e) {
      source.close();
      return CompletableFuture.failedFuture(e);
    }
    return WriteBody.read(source, WriteBody.REPLAYABLE_BYTES)
        .thenCompose(
            body -> {
              Write w = new Write(path, kind, tombstone, contentType, expected, body);
              return attempt(w).whenComplete((r, t) -> body.close());
            });
  }

  /** Thrown inside an attempt to ask for another one. */
  private static final class Retry extends RuntimeException {
    final boolean refresh;

    Retry(String why, boolean refresh) {
      super(why, null, false, false);
      this.refresh = refresh;
    }
  }

  private CompletableFuture<BlobInfo> attempt(Write w) {
    w.attempts++;
    SlotState s = slots.slot(w.slot);
    if (s == null || s.inSync().isEmpty()) {
      return CompletableFuture.failedFuture(
          Errors.unavailable("slot " + w.slot + " has no replica in sync", null));
    }
    List<NodeId> participants = s.participants();
    BlobId txn = ctx.newId();
    CompletableFuture<BlobInfo> phases =
        foldPrepare && !w.lockFirst && (w.kind != TxnKind.PUT || w.body.replayable())
            ? prepareAll(w, s, txn, participants)
            : lockAll(w, s, txn, participants)
                .thenCompose(max -> dataPhase(w, s, txn, participants, max));
    return phases
        .handle(
            (info, t) -> {
              if (t == null) {
                return CompletableFuture.completedFuture(info);
              }
              Throwable c = Bodies.unwrap(t);
              if (c instanceof Retry r && ctx.now() < (r.refresh ? w.deadline : w.lockDeadline)) {
                long backoff =
                    r.refresh ? 0 : 1 + ctx.random(Math.min(200, 5L << Math.min(w.attempts, 5)));
                CompletableFuture<?> wait =
                    r.refresh ? slots.refresh(w.slot) : ctx.sleep(Duration.ofMillis(backoff));
                return wait.handle((x, e) -> null).thenCompose(x -> attempt(w));
              }
              if (c instanceof Retry r) {
                return CompletableFuture.<BlobInfo>failedFuture(
                    Errors.unavailable(
                        "the write of '"
                            + w.path
                            + "' could not prepare on every replica of slot "
                            + w.slot
                            + ": "
                            + r.getMessage(),
                        null));
              }
              return CompletableFuture.<BlobInfo>failedFuture(c);
            })
        .thenCompose(f -> f);
  }

  /**
   * LOCK on every participant; the highest version the in-sync replicas agree on, or a failure
   * (Retry to try again). Learners are locked too (they prepare and commit the version they are
   * given) but take no part in the agreement: they may not have copied the path yet.
   */
  private CompletableFuture<Long> lockAll(
      Write w, SlotState s, BlobId txn, List<NodeId> participants) {
    byte[] h =
        new Lock(w.slot, txn, w.path, w.kind, w.tombstone, w.contentType, ctx.now(), participants)
            .encode();
    List<CompletableFuture<Response>> calls = new ArrayList<>();
    for (NodeId n : participants) {
      calls.add(peers.call(n, Lock.TYPE, s.epoch(), h, FrameSource.empty()));
    }
    return Futures.settle(calls)
        .thenApply(
            x -> agreedMax(w, s, txn, participants, calls, r -> Lock.Reply.decode(r).maxVersion()));
  }

  /**
   * The highest version the in-sync replicas answered in {@code calls} (LOCK or PREPARE, all
   * settled), if they all answered and agree; otherwise aborts everywhere and throws why (a Retry
   * to try again).
   */
  private long agreedMax(
      Write w,
      SlotState s,
      BlobId txn,
      List<NodeId> participants,
      List<CompletableFuture<Response>> calls,
      ToLongFunction<byte[]> maxOf) {
    List<Long> maxes = new ArrayList<>();
    RuntimeException failure = null;
    for (int i = 0; i < calls.size(); i++) {
      CompletableFuture<Response> c = calls.get(i);
      if (!c.isCompletedExceptionally()) {
        if (i < s.inSync().size()) {
          maxes.add(maxOf.applyAsLong(c.join().header()));
        }
        continue;
      }
      RuntimeException mapped = classify(Futures.failure(c), participants.get(i));
      if (failure == null || failure instanceof Retry) {
        failure = failure instanceof Retry rr && rr.refresh ? failure : mapped;
      }
    }
    if (failure == null) {
      failure = disagreement(w, maxes);
    }
    if (failure != null) {
      abortAll(txn, participants);
      throw failure;
    }
    return maxes.get(0);
  }

  /**
   * PREPARE on every participant (LOCK and DATA in one request, for a write whose bytes are in
   * memory); then the same agreement as after LOCK, and the decision.
   */
  private CompletableFuture<BlobInfo> prepareAll(
      Write w, SlotState s, BlobId txn, List<NodeId> participants) {
    Lock lock =
        new Lock(w.slot, txn, w.path, w.kind, w.tombstone, w.contentType, ctx.now(), participants);
    byte[] inline = w.kind == TxnKind.PUT ? w.body.bytesUpTo(Prepare.INLINE_BYTES) : new byte[0];
    Tee tee = inline != null ? null : new Tee(w.body.open(), participants.size());
    byte[] h = new Prepare(lock, inline).encode();
    List<CompletableFuture<Response>> calls = new ArrayList<>();
    for (int i = 0; i < participants.size(); i++) {
      calls.add(
          peers.call(
              participants.get(i),
              Prepare.TYPE,
              s.epoch(),
              h,
              tee == null ? FrameSource.empty() : tee.branch(i)));
    }
    return Futures.settle(calls)
        .thenCompose(
            x -> {
              for (int i = 0; i < calls.size(); i++) {
                CompletableFuture<Response> c = calls.get(i);
                Throwable e = c.isCompletedExceptionally() ? Futures.failure(c) : null;
                if (e != null
                    && Errors.code(e).equals(Codes.BAD_REQUEST)
                    && String.valueOf(Bodies.unwrap(e).getMessage()).contains(Prepare.TYPE)) {
                  // A node of the release before, which knows LOCK and DATA only.
                  if (foldPrepare) {
                    log.info(
                        "{} does not know PREPARE (an older release); writes use LOCK and DATA",
                        participants.get(i));
                  }
                  foldPrepare = false;
                }
              }
              for (int i = 0; i < calls.size(); i++) {
                CompletableFuture<Response> c = calls.get(i);
                if (c.isCompletedExceptionally()
                    && !(classify(Futures.failure(c), participants.get(i)) instanceof Retry)) {
                  // A store error (a tombstone of a version this replica does not have, a marker
                  // on a path it never saw, ...) is the write's answer only if the in-sync
                  // replicas agree on the path, which PREPARE learns after each judged it: a
                  // lagging replica would answer for all. Start over with LOCK, which checks the
                  // agreement before any replica judges the write.
                  w.lockFirst = true;
                  abortAll(txn, participants);
                  throw new Retry(participants.get(i) + " refused the write; locking first", true);
                }
              }
              long max =
                  agreedMax(w, s, txn, participants, calls, r -> Data.Reply.decode(r).maxVersion());
              long version = w.kind == TxnKind.TOMBSTONE ? w.tombstone : max + 1;
              return decide(w, txn, participants, version);
            });
  }

  /**
   * Why the in-sync replicas' highest versions do not allow the write (a Retry if they disagree, a
   * conflict if a conditional write expects another version), or null.
   */
  private static RuntimeException disagreement(Write w, List<Long> maxes) {
    long max = maxes.get(0);
    for (long m : maxes) {
      if (m != max) {
        return new Retry(
            "replicas disagree on the highest version of '" + w.path + "': " + maxes, false);
      }
    }
    if (w.expected.isPresent() && w.expected.getAsLong() != max + 1) {
      return BlobStoreException.versionConflict(w.path, w.expected.getAsLong(), max);
    }
    return null;
  }

  /** What a failed LOCK, DATA or PREPARE means for the write. */
  private RuntimeException classify(Throwable e, NodeId n) {
    String code = Errors.code(e);
    if (code.equals(Codes.STALE_EPOCH)) {
      return new Retry(n + ": " + e.getMessage(), true);
    }
    BlobStoreException b = Errors.fromRemote(e);
    if (b != null) {
      return b.reason() == Reason.BUSY ? new Retry("the path is busy on " + n, false) : b;
    }
    if (code.equals(Codes.NOT_SERVING) || code.isEmpty()) {
      return new Retry(n + " did not answer: " + e.getMessage(), false);
    }
    return new Retry(n + ": " + e.getMessage(), false);
  }

  private CompletableFuture<BlobInfo> dataPhase(
      Write w, SlotState s, BlobId txn, List<NodeId> participants, long max) {
    FrameSource bytes = w.kind == TxnKind.PUT ? w.body.open() : FrameSource.empty();
    if (bytes == null) {
      abortAll(txn, participants);
      return CompletableFuture.failedFuture(
          Errors.unavailable(
              "the write of '"
                  + w.path
                  + "' could not prepare, and its bytes were already sent once (too large to send again)",
              null));
    }
    Tee tee = new Tee(bytes, participants.size());
    byte[] h = new Data(txn).encode();
    List<CompletableFuture<Response>> calls = new ArrayList<>();
    for (int i = 0; i < participants.size(); i++) {
      // The bytes may be many: the exchange may take until the write's own deadline, not one RPC
      // timeout.
      Duration left =
          Duration.ofMillis(Math.max(ctx.config.rpcTimeout().toMillis(), w.deadline - ctx.now()));
      calls.add(peers.call(participants.get(i), Data.TYPE, s.epoch(), h, tee.branch(i), left));
    }
    return Futures.settle(calls)
        .thenCompose(
            x -> {
              RuntimeException failure = null;
              for (int i = 0; i < calls.size(); i++) {
                CompletableFuture<Response> c = calls.get(i);
                if (!c.isCompletedExceptionally()) {
                  long m = Data.Reply.decode(c.join().header()).maxVersion();
                  if (i < s.inSync().size() && m != max && failure == null) {
                    failure =
                        Errors.unavailable(
                            "replica "
                                + participants.get(i)
                                + " moved to version "
                                + m
                                + " of '"
                                + w.path
                                + "' while locked at "
                                + max,
                            null);
                  }
                  continue;
                }
                Throwable e = Futures.failure(c);
                RuntimeException mapped = classify(e, participants.get(i));
                if (e instanceof TransportException te
                    && te.reason() == TransportException.Reason.SOURCE_FAILED
                    && Bodies.unwrap(te.getCause()) instanceof Bodies.InputFailure in) {
                  mapped =
                      BlobStoreException.of(Reason.INPUT_FAILED, in.getMessage(), in.getCause());
                }
                if (failure == null || (failure instanceof Retry && !(mapped instanceof Retry))) {
                  boolean again = w.kind != TxnKind.PUT || w.body.replayable();
                  failure =
                      mapped instanceof Retry r && !again
                          ? Errors.unavailable(
                              "the write of '" + w.path + "' could not prepare: " + r.getMessage(),
                              null)
                          : mapped;
                }
              }
              if (failure != null) {
                abortAll(txn, participants);
                return CompletableFuture.failedFuture(failure);
              }
              long version = w.kind == TxnKind.TOMBSTONE ? w.tombstone : max + 1;
              return decide(w, txn, participants, version);
            });
  }

  private CompletableFuture<BlobInfo> decide(
      Write w, BlobId txn, List<NodeId> participants, long version) {
    Decision commit = Decision.commitAs(version);
    return decisions
        .submit(
            BatchWrite.compareAndSet(
                NodeContext.txnKey(txn), commit.encode(), CasOptions.ifAbsent()))
        .handle(
            (r, t) -> {
              if (t != null) {
                if (Errors.outcomeUnknown(t)) {
                  // The decision may or may not be written: only a resolver reading the key can
                  // tell.
                  return CompletableFuture.<BlobInfo>failedFuture(
                      BlobStoreException.of(
                          Reason.OUTCOME_UNKNOWN,
                          "the registry did not answer while deciding the write of '"
                              + w.path
                              + "'; reading the path tells whether it took effect",
                          Bodies.unwrap(t)));
                }
                abortAll(txn, participants);
                return CompletableFuture.<BlobInfo>failedFuture(
                    Errors.unavailable(
                        "the registry refused the decision of the write of '" + w.path + "'", t));
              }
              KeyValue current = r.current().orElseThrow();
              if (!r.succeeded() && !isDecision(current, commit)) {
                // A resolver aborted it first (this coordinator was too slow): nothing is visible.
                return CompletableFuture.<BlobInfo>failedFuture(
                    Errors.unavailable(
                        "the write of '"
                            + w.path
                            + "' was aborted by a replica that found its coordinator too slow",
                        null));
              }
              return commitAll(w, txn, participants, version, current);
            })
        .thenCompose(f -> f);
  }

  private CompletableFuture<BlobInfo> commitAll(
      Write w, BlobId txn, List<NodeId> participants, long version, KeyValue decision) {
    byte[] h = new Commit(txn, version).encode();
    List<CompletableFuture<BlobInfo>> acks = new ArrayList<>();
    for (NodeId n : participants) {
      acks.add(commitTo(w, n, h));
    }
    return Futures.settle(acks)
        .thenCompose(
            x -> {
              BlobInfo info = null;
              boolean all = true;
              boolean everyone = true;
              for (CompletableFuture<BlobInfo> a : acks) {
                if (a.isCompletedExceptionally()) {
                  all = false;
                } else if (a.join() == null) {
                  everyone = false;
                } else if (info == null) {
                  info = a.join();
                }
              }
              if (!all || info == null) {
                return CompletableFuture.failedFuture(
                    BlobStoreException.of(
                        Reason.OUTCOME_UNKNOWN,
                        "the write of '"
                            + w.path
                            + "' is decided but not every replica confirmed it in time; it will become"
                            + " visible as replicas resolve it"));
              }
              // The key goes only once every participant applied it: one that left the slot still
              // holds the
              // prepared record and will look the decision up when it comes back.
              if (everyone) {
                deletes
                    .submit(
                        BatchWrite.delete(
                            NodeContext.txnKey(txn),
                            DeleteOptions.ifRevision(decision.modRevision())))
                    .whenComplete(
                        (d, t) -> {
                          if (t != null) {
                            log.debug("deleting decision {}: {}", txn, Bodies.unwrap(t).toString());
                          }
                        });
              }
              return CompletableFuture.completedFuture(info);
            });
  }

  /**
   * COMMIT to one participant, repeated until it answers or leaves the slot's participants (a
   * removed replica copies the version when it rejoins). Null when it left.
   */
  private CompletableFuture<BlobInfo> commitTo(Write w, NodeId n, byte[] h) {
    return peers
        .call(n, Commit.TYPE, 0, h, FrameSource.empty())
        .thenApply(r -> Commit.Reply.decode(r.header()).info())
        .handle(
            (info, t) -> {
              if (t == null) {
                return CompletableFuture.completedFuture(info);
              }
              SlotState now = slots.slot(w.slot);
              if (!now.participants().contains(n)) {
                return CompletableFuture.<BlobInfo>completedFuture(null);
              }
              if (ctx.now() >= w.deadline) {
                return CompletableFuture.<BlobInfo>failedFuture(t);
              }
              return ctx.sleep(ctx.config.rpcTimeout().dividedBy(4))
                  .thenCompose(x -> commitTo(w, n, h));
            })
        .thenCompose(f -> f);
  }

  private void abortAll(BlobId txn, List<NodeId> participants) {
    byte[] h = new Abort(txn).encode();
    for (NodeId n : participants) {
      peers
          .call(n, Abort.TYPE, 0, h, FrameSource.empty())
          .whenComplete(
              (r, t) -> {
                if (t != null) {
                  log.debug(
                      "abort of {} on {}: {} (the replica resolves it itself)",
                      txn,
                      n,
                      Bodies.unwrap(t).toString());
                }
              });
    }
  }

  /** Whether the registry's {@code current} decision is {@code mine} (in any format version). */
  private static boolean isDecision(KeyValue current, Decision mine) {
    try {
      return Decision.decode(current.value()).equals(mine);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
