package io.amberio.cluster.internal;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.DeleteOptions;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.transport.FrameSource;
import io.amberio.cluster.transport.Response;
import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.ByteRange;
import io.amberio.core.GetOptions;
import io.amberio.core.ListPage;
import io.amberio.core.ListRequest;
import io.amberio.core.PutOptions;
import io.amberio.core.replica.TxnKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of a node: runs the two-phase commit of writes and routes reads and listings to
 * replicas that may serve them. Any node coordinates any request.
 *
 * <p>A write: LOCK on every participant (in-sync replicas and learners) with the slot's epoch; all must
 * agree on the path's highest version {@code M}; a conditional write checks {@code expected == M + 1}
 * here, before any byte moves. DATA streams the bytes to every participant at the pace of the slowest and
 * makes the transaction durably prepared on each. The decision is one compare-and-set, {@code txn/<id> =
 * "commit <version>"} if absent: the write's linearization point. COMMIT then applies it on every
 * participant; the client is answered when all did, and the decision key is deleted.
 */
public final class Coordinator {
  private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

  private final NodeContext ctx;
  private final Membership membership;
  private final Replica replica;

  public Coordinator(NodeContext ctx, Membership membership, Replica replica) {
    this.ctx = ctx;
    this.membership = membership;
    this.replica = replica;
  }

  /** A read's answer: the version, the range served, and its bytes (empty for a head). */
  public record Read(BlobInfo info, ByteRange.Resolved range, FrameSource body) {}

  // ------------------------------------------------------------------ writes

  public CompletableFuture<BlobInfo> put(String path, FrameSource body, PutOptions options) {
    String type = options.contentType() == null ? PutOptions.DEFAULT_CONTENT_TYPE : options.contentType();
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
    final Body body;
    final long deadline;
    final long lockDeadline;
    int attempts;

    Write(String path, TxnKind kind, long tombstone, String contentType, OptionalLong expected, Body body) {
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

  private CompletableFuture<BlobInfo> write(String path, TxnKind kind, long tombstone, String contentType,
      OptionalLong expected, FrameSource source) {
    try {
      ctx.store.slotOf(path); // a bad path fails before any byte is read
    } catch (RuntimeException e) {
      source.close();
      return CompletableFuture.failedFuture(e);
    }
    return Body.read(source, REPLAYABLE_BYTES).thenCompose(body -> {
      Write w = new Write(path, kind, tombstone, contentType, expected, body);
      return attempt(w).whenComplete((r, t) -> body.close());
    });
  }

  /** Bodies up to this size are held in memory, so that a write can start over after an epoch change. */
  static final int REPLAYABLE_BYTES = 1 << 20;

  /**
   * A write's bytes: held in memory when small (any attempt may send them again), otherwise the frames read
   * ahead followed by the rest of the stream, which only one attempt can send.
   */
  static final class Body {
    private final List<java.nio.ByteBuffer> head;
    private final FrameSource rest; // null: the whole body is in head
    private boolean used;

    private Body(List<java.nio.ByteBuffer> head, FrameSource rest) {
      this.head = head;
      this.rest = rest;
    }

    /** Reads up to {@code limit} bytes ahead of {@code source}. */
    static CompletableFuture<Body> read(FrameSource source, int limit) {
      List<java.nio.ByteBuffer> head = new ArrayList<>();
      CompletableFuture<Body> done = new CompletableFuture<>();
      new Object() {
        long bytes;

        void next() {
          source.next().whenComplete((f, t) -> {
            if (t != null) {
              source.close();
              done.completeExceptionally(t);
            } else if (f.isEmpty()) {
              done.complete(new Body(head, null));
            } else {
              head.add(f.get());
              bytes += f.get().remaining();
              if (bytes > limit) {
                done.complete(new Body(head, source));
              } else {
                next();
              }
            }
          });
        }
      }.next();
      return done;
    }

    boolean replayable() {
      return rest == null;
    }

    /** The bytes for one attempt; null if they were already sent and cannot be again. */
    synchronized FrameSource open() {
      if (rest == null) {
        return FrameSource.of(head.toArray(java.nio.ByteBuffer[]::new));
      }
      if (used) {
        return null;
      }
      used = true;
      java.util.ArrayDeque<java.nio.ByteBuffer> ahead = new java.util.ArrayDeque<>(head);
      return new FrameSource() {
        @Override
        public CompletableFuture<java.util.Optional<java.nio.ByteBuffer>> next() {
          synchronized (ahead) {
            java.nio.ByteBuffer b = ahead.poll();
            if (b != null) {
              return CompletableFuture.completedFuture(java.util.Optional.of(b));
            }
          }
          return rest.next();
        }

        @Override
        public void close() {
          rest.close();
        }
      };
    }

    void close() {
      if (rest != null) {
        rest.close();
      }
    }
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
    SlotState s = membership.slot(w.slot);
    if (s == null || s.inSync().isEmpty()) {
      return CompletableFuture.failedFuture(Errors.unavailable("slot " + w.slot + " has no replica in sync", null));
    }
    List<NodeId> participants = s.participants();
    BlobId txn = ctx.newId();
    return lockAll(w, s, txn, participants).thenCompose(max -> dataPhase(w, s, txn, participants, max)).handle((info, t) -> {
      if (t == null) {
        return CompletableFuture.completedFuture(info);
      }
      Throwable c = Bodies.unwrap(t);
      if (c instanceof Retry r && ctx.now() < (r.refresh ? w.deadline : w.lockDeadline)) {
        long backoff = r.refresh ? 0 : 1 + ctx.random(Math.min(200, 5L << Math.min(w.attempts, 5)));
        CompletableFuture<?> wait = r.refresh ? membership.refresh(w.slot) : ctx.sleep(Duration.ofMillis(backoff));
        return wait.handle((x, e) -> null).thenCompose(x -> attempt(w));
      }
      if (c instanceof Retry r) {
        return CompletableFuture.<BlobInfo>failedFuture(Errors.unavailable(
            "the write of '" + w.path + "' could not prepare on every replica of slot " + w.slot + ": " + r.getMessage(), null));
      }
      return CompletableFuture.<BlobInfo>failedFuture(c);
    }).thenCompose(f -> f);
  }

  /** LOCK on every participant; the agreed highest version, or a failure (Retry to try again). */
  private CompletableFuture<Long> lockAll(Write w, SlotState s, BlobId txn, List<NodeId> participants) {
    byte[] h = new Msg.Out().i(w.slot).s(txn.toString()).s(w.path).i(w.kind.ordinal()).l(w.tombstone).s(w.contentType)
        .l(ctx.now()).nodes(participants).done();
    List<CompletableFuture<Response>> calls = new ArrayList<>();
    for (NodeId n : participants) {
      calls.add(replica.call(n, Msg.LOCK, s.epoch(), h, FrameSource.empty()));
    }
    return settle(calls).thenApply(x -> {
      List<Long> maxes = new ArrayList<>();
      RuntimeException failure = null;
      for (int i = 0; i < calls.size(); i++) {
        CompletableFuture<Response> c = calls.get(i);
        if (!c.isCompletedExceptionally()) {
          maxes.add(new Msg.In(c.join().header()).l());
          continue;
        }
        Throwable e = Bodies.unwrap(c.handle((r, t) -> t).join());
        RuntimeException mapped = classify(e, participants.get(i));
        if (failure == null || failure instanceof Retry) {
          failure = failure instanceof Retry rr && rr.refresh ? failure : mapped;
        }
      }
      if (failure != null) {
        abortAll(txn, participants);
        throw failure;
      }
      long max = maxes.get(0);
      for (long m : maxes) {
        if (m != max) {
          abortAll(txn, participants);
          throw new Retry("replicas disagree on the highest version of '" + w.path + "': " + maxes, false);
        }
      }
      if (w.expected.isPresent() && w.expected.getAsLong() != max + 1) {
        abortAll(txn, participants);
        throw BlobStoreException.versionConflict(w.path, w.expected.getAsLong(), max);
      }
      return max;
    });
  }

  /** What a failed LOCK or DATA means for the write. */
  private RuntimeException classify(Throwable e, NodeId n) {
    String code = Errors.code(e);
    if (code.equals(Msg.STALE_EPOCH)) {
      return new Retry(n + ": " + e.getMessage(), true);
    }
    BlobStoreException b = Errors.fromRemote(e);
    if (b != null) {
      return b.reason() == Reason.BUSY ? new Retry("the path is busy on " + n, false) : b;
    }
    if (code.equals(Msg.NOT_SERVING) || code.isEmpty()) {
      return new Retry(n + " did not answer: " + e.getMessage(), false);
    }
    return new Retry(n + ": " + e.getMessage(), false);
  }

  private CompletableFuture<BlobInfo> dataPhase(Write w, SlotState s, BlobId txn, List<NodeId> participants, long max) {
    FrameSource bytes = w.kind == TxnKind.PUT ? w.body.open() : FrameSource.empty();
    if (bytes == null) {
      abortAll(txn, participants);
      return CompletableFuture.failedFuture(Errors.unavailable("the write of '" + w.path
          + "' could not prepare, and its bytes were already sent once (too large to send again)", null));
    }
    Tee tee = new Tee(bytes, participants.size());
    byte[] h = new Msg.Out().s(txn.toString()).done();
    List<CompletableFuture<Response>> calls = new ArrayList<>();
    for (int i = 0; i < participants.size(); i++) {
      // The bytes may be many: the exchange may take until the write's own deadline, not one RPC timeout.
      Duration left = Duration.ofMillis(Math.max(ctx.config.rpcTimeout().toMillis(), w.deadline - ctx.now()));
      calls.add(replica.call(participants.get(i), Msg.DATA, s.epoch(), h, tee.branch(i), left));
    }
    return settle(calls).thenCompose(x -> {
      RuntimeException failure = null;
      for (int i = 0; i < calls.size(); i++) {
        CompletableFuture<Response> c = calls.get(i);
        if (!c.isCompletedExceptionally()) {
          long m = new Msg.In(c.join().header()).l();
          if (m != max && failure == null) {
            failure = Errors.unavailable("replica " + participants.get(i) + " moved to version " + m + " of '" + w.path
                + "' while locked at " + max, null);
          }
          continue;
        }
        Throwable e = Bodies.unwrap(c.handle((r, t) -> t).join());
        RuntimeException mapped = classify(e, participants.get(i));
        if (e instanceof io.amberio.cluster.transport.TransportException te
            && te.reason() == io.amberio.cluster.transport.TransportException.Reason.SOURCE_FAILED
            && Bodies.unwrap(te.getCause()) instanceof Bodies.InputFailure in) {
          mapped = BlobStoreException.of(Reason.INPUT_FAILED, in.getMessage(), in.getCause());
        }
        if (failure == null || (failure instanceof Retry && !(mapped instanceof Retry))) {
          boolean again = w.kind != TxnKind.PUT || w.body.replayable();
          failure = mapped instanceof Retry r && !again
              ? Errors.unavailable("the write of '" + w.path + "' could not prepare: " + r.getMessage(), null) : mapped;
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

  private CompletableFuture<BlobInfo> decide(Write w, BlobId txn, List<NodeId> participants, long version) {
    byte[] commit = (Replica.COMMIT_PREFIX + version).getBytes(StandardCharsets.UTF_8);
    return ctx.registry.compareAndSet(NodeContext.txnKey(txn), commit, CasOptions.ifAbsent()).handle((r, t) -> {
      if (t != null) {
        if (Errors.outcomeUnknown(t)) {
          // The decision may or may not be written: only a resolver reading the key can tell.
          return CompletableFuture.<BlobInfo>failedFuture(BlobStoreException.of(Reason.OUTCOME_UNKNOWN,
              "the registry did not answer while deciding the write of '" + w.path + "'; reading the path tells whether it took effect",
              Bodies.unwrap(t)));
        }
        abortAll(txn, participants);
        return CompletableFuture.<BlobInfo>failedFuture(Errors.unavailable(
            "the registry refused the decision of the write of '" + w.path + "'", t));
      }
      KeyValue current = r.current().orElseThrow();
      if (!r.succeeded() && !java.util.Arrays.equals(current.value(), commit)) {
        // A resolver aborted it first (this coordinator was too slow): nothing is visible.
        return CompletableFuture.<BlobInfo>failedFuture(Errors.unavailable(
            "the write of '" + w.path + "' was aborted by a replica that found its coordinator too slow", null));
      }
      return commitAll(w, txn, participants, version, current);
    }).thenCompose(f -> f);
  }

  private CompletableFuture<BlobInfo> commitAll(Write w, BlobId txn, List<NodeId> participants, long version,
      KeyValue decision) {
    byte[] h = new Msg.Out().s(txn.toString()).l(version).done();
    List<CompletableFuture<BlobInfo>> acks = new ArrayList<>();
    for (NodeId n : participants) {
      acks.add(commitTo(w, n, h));
    }
    return settle(acks).thenCompose(x -> {
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
        return CompletableFuture.failedFuture(BlobStoreException.of(Reason.OUTCOME_UNKNOWN,
            "the write of '" + w.path + "' is decided but not every replica confirmed it in time; it will become"
                + " visible as replicas resolve it"));
      }
      // The key goes only once every participant applied it: one that left the slot still holds the
      // prepared record and will look the decision up when it comes back.
      if (everyone) {
        ctx.registry.delete(NodeContext.txnKey(txn), DeleteOptions.ifRevision(decision.modRevision()))
            .whenComplete((d, t) -> {
              if (t != null) {
                log.debug("deleting decision {}: {}", txn, Bodies.unwrap(t).toString());
              }
            });
      }
      return CompletableFuture.completedFuture(info);
    });
  }

  /**
   * COMMIT to one participant, repeated until it answers or leaves the slot's participants (a removed
   * replica copies the version when it rejoins). Null when it left.
   */
  private CompletableFuture<BlobInfo> commitTo(Write w, NodeId n, byte[] h) {
    return replica.call(n, Msg.COMMIT, 0, h, FrameSource.empty()).thenApply(r -> new Msg.In(r.header()).info())
        .handle((info, t) -> {
          if (t == null) {
            return CompletableFuture.completedFuture(info);
          }
          SlotState now = membership.slot(w.slot);
          if (!now.participants().contains(n)) {
            return CompletableFuture.<BlobInfo>completedFuture(null);
          }
          if (ctx.now() >= w.deadline) {
            return CompletableFuture.<BlobInfo>failedFuture(t);
          }
          return ctx.sleep(ctx.config.rpcTimeout().dividedBy(4)).thenCompose(x -> commitTo(w, n, h));
        }).thenCompose(f -> f);
  }

  private void abortAll(BlobId txn, List<NodeId> participants) {
    byte[] h = new Msg.Out().s(txn.toString()).done();
    for (NodeId n : participants) {
      replica.call(n, Msg.ABORT, 0, h, FrameSource.empty()).whenComplete((r, t) -> {
        if (t != null) {
          log.debug("abort of {} on {}: {} (the replica resolves it itself)", txn, n, Bodies.unwrap(t).toString());
        }
      });
    }
  }

  /** Completes when every future has, whatever the outcome. */
  private static <T> CompletableFuture<Void> settle(List<CompletableFuture<T>> all) {
    return CompletableFuture.allOf(all.stream().map(f -> f.handle((r, t) -> null)).toArray(CompletableFuture[]::new));
  }

  // ------------------------------------------------------------------ reads

  public CompletableFuture<Read> read(String path, GetOptions options, boolean headOnly) {
    int slot;
    try {
      slot = ctx.store.slotOf(path);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    ByteRange r = options.range();
    long v = options.version().orElse(0);
    byte[] h = new Msg.Out().i(slot).s(path).b(options.version().isPresent()).l(v).i(r.kind().ordinal()).l(r.first())
        .l(r.last()).b(headOnly).done();
    long deadline = ctx.now() + ctx.config.requestTimeout().toMillis();
    return readFrom(slot, h, deadline, 0);
  }

  private List<NodeId> servers(SlotState s) {
    List<NodeId> out = new ArrayList<>();
    if (s == null) {
      return out;
    }
    if (membership.serving(s.slot())) {
      out.add(ctx.self);
    }
    Map<NodeId, Long> live = membership.registered();
    for (NodeId n : s.replicas()) {
      if (!n.equals(ctx.self) && s.isInSync(n) && live.containsKey(n) && "up".equals(membership.status(n))) {
        out.add(n);
      }
    }
    for (NodeId n : s.replicas()) {
      if (!out.contains(n) && !n.equals(ctx.self) && s.isInSync(n) && live.containsKey(n)) {
        out.add(n);
      }
    }
    return out;
  }

  private CompletableFuture<Read> readFrom(int slot, byte[] h, long deadline, int round) {
    SlotState s = membership.slot(slot);
    List<NodeId> candidates = servers(s);
    return tryRead(s, candidates, 0, h).handle((read, t) -> {
      if (t == null) {
        return CompletableFuture.completedFuture(read);
      }
      Throwable c = Bodies.unwrap(t);
      if (!(c instanceof Retry)) {
        return CompletableFuture.<Read>failedFuture(c);
      }
      if (ctx.now() >= deadline) {
        return CompletableFuture.<Read>failedFuture(Errors.unavailable(
            "no replica of slot " + slot + " could serve the read: " + c.getMessage(), null));
      }
      return ctx.sleep(Duration.ofMillis(Math.min(200, 10L << Math.min(round, 4))))
          .thenCompose(x -> membership.refresh(slot).handle((st, e) -> null))
          .thenCompose(x -> readFrom(slot, h, deadline, round + 1));
    }).thenCompose(f -> f);
  }

  private CompletableFuture<Read> tryRead(SlotState s, List<NodeId> candidates, int i, byte[] h) {
    if (i >= candidates.size()) {
      return CompletableFuture.failedFuture(new Retry("no serving replica among " + candidates, true));
    }
    NodeId n = candidates.get(i);
    // One RPC timeout covers the whole exchange, body included: a dead replica must not hold a read for
    // longer (a body that needs longer is a known limit, docs/consistency.md).
    return replica.call(n, Msg.READ, s.epoch(), h, FrameSource.empty()).handle((resp, t) -> {
      if (t == null) {
        Msg.In in = new Msg.In(resp.header());
        BlobInfo info = in.info();
        ByteRange.Resolved range = new ByteRange.Resolved(in.l(), in.l());
        return CompletableFuture.completedFuture(new Read(info, range, resp.body()));
      }
      BlobStoreException b = Errors.fromRemote(t);
      if (b != null && b.reason() != Reason.UNAVAILABLE && b.reason() != Reason.CLOSED) {
        return CompletableFuture.<Read>failedFuture(b);
      }
      return tryRead(s, candidates, i + 1, h);
    }).thenCompose(f -> f);
  }

  // ------------------------------------------------------------------ listing

  public CompletableFuture<ListPage> list(ListRequest request) {
    // The replicas judge the prefix and the cursor; their INVALID_* answers come back as they are.
    return listOnce(request, ctx.now() + ctx.config.requestTimeout().toMillis(), 0);
  }

  private CompletableFuture<ListPage> listOnce(ListRequest request, long deadline, int round) {
    Map<NodeId, List<Integer>> groups = new LinkedHashMap<>();
    for (int slot = 0; slot < ctx.placement.slotCount(); slot++) {
      List<NodeId> c = servers(membership.slot(slot));
      if (c.isEmpty()) {
        return retryList(request, deadline, round, "slot " + slot + " has no serving replica");
      }
      groups.computeIfAbsent(c.get(0), k -> new ArrayList<>()).add(slot);
    }
    List<CompletableFuture<Response>> calls = new ArrayList<>();
    for (Map.Entry<NodeId, List<Integer>> g : groups.entrySet()) {
      Msg.Out out = new Msg.Out().s(request.prefix()).s(request.cursor()).i(request.limit()).b(request.allVersions())
          .i(g.getValue().size());
      for (int slot : g.getValue()) {
        out.i(slot);
      }
      calls.add(replica.call(g.getKey(), Msg.LIST, 0, out.done(), FrameSource.empty()));
    }
    return settle(calls).thenCompose(x -> {
      List<BlobInfo> items = new ArrayList<>();
      boolean more = false;
      for (CompletableFuture<Response> c : calls) {
        if (c.isCompletedExceptionally()) {
          Throwable t = c.handle((r, e) -> e).join();
          BlobStoreException b = Errors.fromRemote(t);
          if (b != null && b.reason() != Reason.UNAVAILABLE && b.reason() != Reason.CLOSED) {
            return CompletableFuture.failedFuture(b);
          }
          return retryList(request, deadline, round, Bodies.unwrap(t).getMessage());
        }
        Msg.In in = new Msg.In(c.join().header());
        int n = in.i();
        for (int i = 0; i < n; i++) {
          items.add(in.info());
        }
        more |= in.b();
      }
      items.sort(ORDER);
      if (items.size() > request.limit()) {
        items = new ArrayList<>(items.subList(0, request.limit()));
        more = true;
      }
      String next = more && !items.isEmpty() ? ListPage.cursorAfter(items.get(items.size() - 1), request.allVersions()) : null;
      return CompletableFuture.completedFuture(new ListPage(items, next));
    });
  }

  private CompletableFuture<ListPage> retryList(ListRequest request, long deadline, int round, String why) {
    if (ctx.now() >= deadline) {
      return CompletableFuture.failedFuture(Errors.unavailable("the listing could not reach every slot: " + why, null));
    }
    return ctx.sleep(Duration.ofMillis(Math.min(200, 10L << Math.min(round, 4))))
        .thenCompose(x -> listOnce(request, deadline, round + 1));
  }

  /** Path in UTF-8 byte order (= code point order), then version newest first. */
  static final Comparator<BlobInfo> ORDER = (a, b) -> {
    int c = ListPage.PATH_ORDER.compare(a.path(), b.path());
    return c != 0 ? c : Long.compare(b.version(), a.version());
  };

}
