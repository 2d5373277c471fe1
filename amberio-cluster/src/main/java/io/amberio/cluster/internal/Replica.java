package io.amberio.cluster.internal;

import io.amberio.cluster.NodeId;
import io.amberio.core.Scheduler;
import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.CasResult;
import io.amberio.cluster.registry.DeleteOptions;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.transport.FrameSource;
import io.amberio.cluster.transport.HandlerException;
import io.amberio.cluster.transport.Request;
import io.amberio.cluster.transport.RequestHandler;
import io.amberio.cluster.transport.Response;
import io.amberio.cluster.transport.SendOptions;
import io.amberio.cluster.transport.TransportException;
import io.amberio.core.BlobContent;
import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.ByteRange;
import io.amberio.core.GetOptions;
import io.amberio.core.ListPage;
import io.amberio.core.ListRequest;
import io.amberio.core.replica.ReplicaStore;
import io.amberio.core.replica.PrepareSpec;
import io.amberio.core.replica.PreparedTxn;
import io.amberio.core.replica.PreparedWrite;
import io.amberio.core.replica.TxnKind;
import io.amberio.core.VersionState;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica side of a node: serves the internal requests of {@link Msg} on its {@link ReplicaStore}, and
 * resolves prepared transactions whose coordinator went quiet.
 *
 * <p>A prepare is two requests. LOCK takes the path lock (never waiting) and answers the replica's highest
 * version, so a coordinator learns of a conflict before any byte moves and can retry with its body intact.
 * DATA streams the bytes and makes the transaction durably prepared; it checks, under the slot's monitor,
 * that the slot's epoch is still the one of the LOCK, so a replica never prepares under an epoch it knows
 * is over (the rejoin fence depends on it).
 */
public final class Replica implements RequestHandler {
  private static final Logger log = LoggerFactory.getLogger(Replica.class);
  static final String COMMIT_PREFIX = "commit ";
  static final byte[] ABORT_VALUE = "abort".getBytes(StandardCharsets.UTF_8);

  private final NodeContext ctx;
  private final Membership membership;
  private final Path tempDir;
  private final Map<BlobId, Pending> pending = new ConcurrentHashMap<>();
  private final Map<BlobId, Txn> prepared = new ConcurrentHashMap<>();
  private final Set<BlobId> resolving = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** A transaction between LOCK and the end of DATA. */
  private static final class Pending {
    final PreparedWrite write;
    final int slot;
    final long epoch;
    final List<NodeId> participants;
    final String path;
    Scheduler.Cancellable timer;
    boolean receiving;

    Pending(PreparedWrite write, int slot, long epoch, List<NodeId> participants, String path) {
      this.write = write;
      this.slot = slot;
      this.epoch = epoch;
      this.participants = participants;
      this.path = path;
    }
  }

  /** A durable prepared transaction. */
  record Txn(BlobId id, int slot, String path, long epoch, List<NodeId> participants, long since) {}

  public Replica(NodeContext ctx, Membership membership, Path tempDir) {
    this.ctx = ctx;
    this.membership = membership;
    this.tempDir = tempDir;
  }

  /** Loads the prepared transactions left by an earlier life and starts the resolver. */
  public CompletableFuture<Void> start() {
    return ctx.onDisk(() -> ctx.store.preparedTxns()).thenAccept(list -> {
      for (PreparedTxn p : list) {
        track(p);
      }
      if (!list.isEmpty()) {
        log.info("{}: {} prepared transactions from before the restart to resolve", ctx.self, list.size());
      }
      ctx.scheduler.schedule(ctx.config.decisionWait(), this::sweep);
    });
  }

  public void close() {
    closed = true;
    for (Pending p : pending.values()) {
      try {
        p.write.abandon();
      } catch (RuntimeException e) {
        log.debug("abandon on close: {}", e.toString());
      }
    }
    pending.clear();
  }

  private void track(PreparedTxn p) {
    Msg.In in = new Msg.In(p.spec().context());
    long epoch = in.l();
    List<NodeId> participants = in.nodes();
    prepared.put(p.spec().txn(), new Txn(p.spec().txn(), p.slot(), p.spec().path(), epoch, participants, ctx.now()));
  }

  /** The durable prepared transactions this node holds (for tests and status pages). */
  public int preparedCount() {
    return prepared.size();
  }

  // ------------------------------------------------------------------ calls to any node, self included

  /**
   * Sends a request to {@code to}; to this node itself the handler is called directly, failures wrapped
   * exactly as a transport would, so callers see one behaviour.
   */
  public CompletableFuture<Response> call(NodeId to, String type, long epoch, byte[] header, FrameSource body) {
    return call(to, type, epoch, header, body, ctx.config.rpcTimeout());
  }

  /** {@link #call(NodeId, String, long, byte[], FrameSource)} with its own timeout (a body that may be large). */
  public CompletableFuture<Response> call(NodeId to, String type, long epoch, byte[] header, FrameSource body,
      Duration timeout) {
    Request request = new Request(type, epoch, header, body);
    CompletableFuture<Response> f;
    if (to.equals(ctx.self)) {
      CompletableFuture<Response> r;
      try {
        r = handle(ctx.self, request);
      } catch (RuntimeException e) {
        r = CompletableFuture.failedFuture(e);
      }
      f = r.handle((resp, t) -> {
        if (t != null) {
          HandlerException h = Errors.toRemote(t);
          throw new java.util.concurrent.CompletionException(TransportException.remote(h.code(), h.getMessage()));
        }
        return resp;
      });
    } else {
      f = ctx.transport.send(to, request, SendOptions.timeout(timeout));
    }
    return f.whenComplete((r, t) -> {
      Throwable c = t == null ? null : Bodies.unwrap(t);
      if (c instanceof TransportException te && te.reason() != TransportException.Reason.REMOTE_ERROR) {
        membership.failed(to);
      } else {
        membership.answered(to);
      }
    });
  }

  // ------------------------------------------------------------------ serving

  @Override
  public CompletableFuture<Response> handle(NodeId from, Request request) {
    if (closed) {
      return CompletableFuture.failedFuture(new HandlerException(Msg.NOT_SERVING, ctx.self + " is shutting down"));
    }
    try {
      Msg.In in = new Msg.In(request.header());
      return switch (request.type()) {
        case Msg.LOCK -> lock(in, request.epoch());
        case Msg.DATA -> data(in, request.epoch(), request.body());
        case Msg.COMMIT -> commit(in);
        case Msg.ABORT -> abort(in);
        case Msg.STATUS -> status(in);
        case Msg.READ -> read(in, request.epoch());
        case Msg.LIST -> list(in);
        case Msg.FENCE -> fence(in, request.epoch());
        case Msg.VERSIONS -> versions(in);
        case Msg.FETCH -> fetch(in);
        default -> CompletableFuture.failedFuture(new HandlerException("bad-request", "unknown request type " + request.type()));
      };
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Errors.toRemote(e));
    }
  }

  /** The slot's state once this node knows epoch {@code epoch} or a newer one. */
  private CompletableFuture<SlotState> atEpoch(int slot, long epoch) {
    if (slot < 0 || slot >= ctx.placement.slotCount()) {
      throw new IllegalArgumentException("no slot " + slot);
    }
    SlotState s = membership.slot(slot);
    CompletableFuture<SlotState> f = s != null && s.epoch() >= epoch ? CompletableFuture.completedFuture(s)
        : membership.refresh(slot);
    return f.thenApply(now -> {
      if (now == null || now.epoch() != epoch) {
        throw new HandlerException(Msg.STALE_EPOCH, "slot " + slot + " is at epoch " + (now == null ? 0 : now.epoch())
            + " on " + ctx.self + ", the request was sent under epoch " + epoch);
      }
      return now;
    });
  }

  private CompletableFuture<Response> lock(Msg.In in, long epoch) {
    int slot = in.i();
    BlobId txn = BlobId.parse(in.s());
    String path = in.s();
    TxnKind kind = TxnKind.values()[in.i()];
    long tombstone = in.l();
    String contentType = in.s();
    long createdAt = in.l();
    List<NodeId> participants = in.nodes();
    return atEpoch(slot, epoch).thenCompose(s -> {
      if (!new HashSet<>(s.participants()).equals(new HashSet<>(participants)) || !participants.contains(ctx.self)) {
        throw new HandlerException(Msg.STALE_EPOCH, "participants " + participants + " are not those of slot " + slot
            + " at epoch " + epoch + ": " + s.participants());
      }
      byte[] context = new Msg.Out().l(epoch).nodes(participants).done();
      return ctx.onDisk(() -> {
        if (pending.containsKey(txn) || prepared.containsKey(txn)) {
          throw new HandlerException("duplicate", "transaction " + txn + " is already known");
        }
        PreparedWrite w = ctx.store.prepare(new PrepareSpec(txn, path, kind, tombstone, contentType, createdAt, context));
        long max;
        try {
          max = ctx.store.maxVersion(path);
        } catch (RuntimeException e) {
          w.abandon();
          throw e;
        }
        Pending p = new Pending(w, slot, epoch, participants, path);
        pending.put(txn, p);
        // A coordinator that locks and never sends the data must not hold the path for ever.
        p.timer = ctx.scheduler.schedule(ctx.config.rpcTimeout().multipliedBy(2), () -> expire(txn, p));
        return Response.of(new Msg.Out().l(max).done());
      });
    });
  }

  private void expire(BlobId txn, Pending p) {
    ctx.disk.execute(() -> {
      synchronized (p) {
        if (p.receiving || pending.get(txn) != p) {
          return;
        }
        pending.remove(txn);
      }
      log.debug("{}: lock of {} on '{}' expired without data", ctx.self, txn, p.path);
      p.write.abandon();
    });
  }

  private CompletableFuture<Response> data(Msg.In in, long epoch, FrameSource body) {
    BlobId txn = BlobId.parse(in.s());
    Pending p = pending.get(txn);
    if (p == null || p.epoch != epoch) {
      body.close();
      throw new HandlerException("unknown-txn", "no locked transaction " + txn + " under epoch " + epoch);
    }
    synchronized (p) {
      if (p.receiving) {
        body.close();
        throw new HandlerException("duplicate", "transaction " + txn + " is already receiving data");
      }
      p.receiving = true;
    }
    p.timer.cancel();
    return Bodies.drain(body, ctx.disk, p.write::write)
        .thenApplyAsync(n -> {
          PreparedTxn done;
          synchronized (membership.slotLock(p.slot)) {
            SlotState s = membership.slot(p.slot);
            if (s == null || s.epoch() != p.epoch) {
              throw new HandlerException(Msg.STALE_EPOCH, "slot " + p.slot + " moved past epoch " + p.epoch
                  + " while " + txn + " was being prepared");
            }
            done = p.write.finish();
            track(done);
          }
          pending.remove(txn);
          return Response.of(new Msg.Out().l(done.maxVersion()).done());
        }, ctx.disk)
        .whenComplete((r, t) -> {
          if (t != null) {
            pending.remove(txn);
            ctx.disk.execute(() -> {
              try {
                p.write.abandon();
              } catch (RuntimeException e) {
                log.debug("abandon: {}", e.toString());
              }
            });
          }
        });
  }

  private CompletableFuture<Response> commit(Msg.In in) {
    BlobId txn = BlobId.parse(in.s());
    long version = in.l();
    return applyCommit(txn, version).thenApply(info -> Response.of(new Msg.Out().info(info).done()));
  }

  private CompletableFuture<BlobInfo> applyCommit(BlobId txn, long version) {
    return ctx.onDisk(() -> {
      BlobInfo info = ctx.store.commitPrepared(txn, version);
      prepared.remove(txn);
      return info;
    });
  }

  private CompletableFuture<Response> abort(Msg.In in) {
    BlobId txn = BlobId.parse(in.s());
    return applyAbort(txn).thenApply(x -> Response.of(new byte[0]));
  }

  private CompletableFuture<Void> applyAbort(BlobId txn) {
    return ctx.onDisk(() -> {
      Pending p = pending.remove(txn);
      if (p != null) {
        if (p.timer != null) {
          p.timer.cancel();
        }
        p.write.abandon();
      }
      try {
        ctx.store.abortPrepared(txn);
      } catch (IllegalStateException committed) {
        throw new HandlerException("committed", "transaction " + txn + " is committed here; it cannot be aborted");
      }
      prepared.remove(txn);
      return null;
    });
  }

  private CompletableFuture<Response> status(Msg.In in) {
    BlobId txn = BlobId.parse(in.s());
    boolean open = pending.containsKey(txn) || prepared.containsKey(txn);
    return CompletableFuture.completedFuture(Response.of(new Msg.Out().b(open).done()));
  }

  private void requireServing(int slot) {
    if (!membership.serving(slot)) {
      throw new HandlerException(Msg.NOT_SERVING, ctx.self + " does not serve slot " + slot
          + " now (not in sync under its current lease, or the lease is not valid)");
    }
  }

  private CompletableFuture<Response> read(Msg.In in, long epoch) {
    int slot = in.i();
    String path = in.s();
    boolean hasVersion = in.b();
    long version = in.l();
    ByteRange.Kind kind = ByteRange.Kind.values()[in.i()];
    long first = in.l();
    long last = in.l();
    boolean headOnly = in.b();
    return atEpoch(slot, epoch).thenCompose(s -> {
      requireServing(slot);
      long deadline = ctx.now() + ctx.config.requestTimeout().toMillis();
      return awaitDecided(path, deadline);
    }).thenCompose(x -> ctx.onDisk(() -> {
      requireServing(slot);
      OptionalLong v = hasVersion ? OptionalLong.of(version) : OptionalLong.empty();
      if (headOnly) {
        BlobInfo info = v.isPresent() ? ctx.store.head(path, v.getAsLong()) : ctx.store.head(path);
        return Response.of(new Msg.Out().info(info).l(0).l(info.size()).done());
      }
      ByteRange range = new ByteRange(kind, first, last);
      BlobContent content = ctx.store.get(path, new GetOptions(v, range));
      return new Response(new Msg.Out().info(content.info()).l(content.range().offset()).l(content.range().length()).done(),
          streamOf(content.stream()));
    }));
  }

  /** A body that reads {@code in} on the disk executor and closes it at the end. */
  private FrameSource streamOf(InputStream in) {
    return Bodies.fromStream(in, ctx.disk, true);
  }

  /**
   * Completes once {@code path} has no prepared, undecided transaction here: a read must not answer
   * before a decision that may already have been made elsewhere.
   */
  private CompletableFuture<Void> awaitDecided(String path, long deadline) {
    if (Bugs.on(Bugs.SKIP_READ_WAIT)) {
      return CompletableFuture.completedFuture(null);
    }
    return ctx.onDisk(() -> ctx.store.preparedOn(path)).thenCompose(p -> {
      if (p.isEmpty()) {
        return CompletableFuture.completedFuture(null);
      }
      if (ctx.now() > deadline) {
        throw Errors.toRemote(BlobStoreException.of(Reason.UNAVAILABLE,
            "'" + path + "' has a prepared write whose outcome could not be learned in time"));
      }
      BlobId txn = p.get().spec().txn();
      Txn t = prepared.get(txn);
      // Not yet tracked means it was made durable a moment ago (finish and track are one step under the
      // slot monitor): not quiet.
      boolean quiet = t != null && ctx.now() - t.since() >= ctx.config.decisionWait().toMillis();
      return decide(txn, quiet).thenCompose(decided -> decided
          ? awaitDecided(path, deadline)
          : ctx.sleep(Duration.ofMillis(10)).thenCompose(x -> awaitDecided(path, deadline)));
    });
  }

  /**
   * Learns the decision of {@code txn} and applies it here; if there is none and {@code force}, writes
   * {@code abort} first. True if the transaction is now resolved here.
   */
  private CompletableFuture<Boolean> decide(BlobId txn, boolean force) {
    return ctx.registry.get(NodeContext.txnKey(txn)).thenCompose(kv -> {
      if (kv.isPresent()) {
        return apply(txn, kv.get()).thenApply(x -> true);
      }
      if (!force) {
        return CompletableFuture.completedFuture(false);
      }
      return ctx.registry.compareAndSet(NodeContext.txnKey(txn), ABORT_VALUE, CasOptions.ifAbsent())
          .thenCompose((CasResult r) -> r.current().isPresent()
              ? apply(txn, r.current().get()).thenApply(x -> true)
              : CompletableFuture.completedFuture(false));
    });
  }

  private CompletableFuture<Void> apply(BlobId txn, KeyValue decision) {
    String v = decision.valueAsString();
    if (v.startsWith(COMMIT_PREFIX)) {
      long version = Long.parseLong(v.substring(COMMIT_PREFIX.length()));
      return applyCommit(txn, version).thenApply(x -> null);
    }
    return applyAbort(txn);
  }

  /** Periodically resolves prepared transactions whose coordinator has been quiet too long. */
  private void sweep() {
    if (closed) {
      return;
    }
    long quietFor = ctx.config.rpcTimeout().multipliedBy(2).plus(ctx.config.decisionWait()).toMillis();
    for (Txn t : List.copyOf(prepared.values())) {
      if (ctx.now() - t.since() >= quietFor && resolving.add(t.id())) {
        resolve(t).whenComplete((x, e) -> {
          resolving.remove(t.id());
          if (e != null) {
            log.debug("{}: resolving {} failed for now: {}", ctx.self, t.id(), Bodies.unwrap(e).toString());
          }
        });
      }
    }
    ctx.scheduler.schedule(ctx.config.decisionWait(), this::sweep);
  }

  /**
   * Resolves a transaction for every participant: learns (or writes abort as) the decision, applies it
   * here, sends it to the other participants, and deletes the decision key once all of them answered.
   */
  public CompletableFuture<Void> resolve(Txn t) {
    return decide(t.id(), true).thenCompose(done -> {
      if (!done) {
        throw new IllegalStateException("no decision for " + t.id());
      }
      return ctx.registry.get(NodeContext.txnKey(t.id()));
    }).thenCompose(kv -> {
      if (kv.isEmpty()) {
        return CompletableFuture.completedFuture(null);
      }
      return propagate(t.id(), t.participants(), kv.get());
    });
  }

  /** Sends a decision to every participant but this node; deletes the key if all applied it. */
  public CompletableFuture<Void> propagate(BlobId txn, List<NodeId> participants, KeyValue decision) {
    String v = decision.valueAsString();
    List<CompletableFuture<Boolean>> acks = new ArrayList<>();
    for (NodeId n : participants) {
      if (n.equals(ctx.self)) {
        continue;
      }
      CompletableFuture<Response> f = v.startsWith(COMMIT_PREFIX)
          ? call(n, Msg.COMMIT, 0, new Msg.Out().s(txn.toString()).l(Long.parseLong(v.substring(COMMIT_PREFIX.length()))).done(), FrameSource.empty())
          : call(n, Msg.ABORT, 0, new Msg.Out().s(txn.toString()).done(), FrameSource.empty());
      acks.add(f.handle((r, e) -> e == null || isUnknownTxn(e)));
    }
    return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).thenCompose(x -> {
      for (CompletableFuture<Boolean> a : acks) {
        if (!a.join()) {
          return CompletableFuture.completedFuture(null);
        }
      }
      return ctx.registry.delete(NodeContext.txnKey(txn), DeleteOptions.ifRevision(decision.modRevision()))
          .thenApply(r -> null);
    });
  }

  /** A COMMIT answered "no such transaction": it was committed and collected, or never prepared there. */
  static boolean isUnknownTxn(Throwable e) {
    BlobStoreException b = Errors.fromRemote(e);
    return b != null && b.reason() == Reason.NOT_FOUND;
  }

  private CompletableFuture<Response> list(Msg.In in) {
    String prefix = in.s();
    String cursor = in.s();
    int limit = in.i();
    boolean all = in.b();
    int n = in.i();
    if (n < 0 || n > ctx.placement.slotCount()) {
      throw new IllegalArgumentException("bad slot count " + n);
    }
    Set<Integer> slots = new HashSet<>();
    for (int i = 0; i < n; i++) {
      int s = in.i();
      requireServing(s);
      slots.add(s);
    }
    return ctx.onDisk(() -> {
      List<BlobInfo> items = new ArrayList<>();
      String c = cursor;
      boolean more = false;
      scan:
      do {
        ListPage page = ctx.store.list(new ListRequest(prefix, ListRequest.MAX_LIMIT, c, all));
        for (BlobInfo b : page.items()) {
          if (slots.contains(ctx.store.slotOf(b.path()))) {
            if (items.size() == limit) {
              more = true;
              break scan;
            }
            items.add(b);
          }
        }
        c = page.nextCursor();
      } while (c != null);
      Msg.Out out = new Msg.Out().i(items.size());
      for (BlobInfo b : items) {
        out.info(b);
      }
      return Response.of(out.b(more).done());
    });
  }

  private CompletableFuture<Response> fence(Msg.In in, long epoch) {
    int slot = in.i();
    long deadline = ctx.now() + ctx.config.rpcTimeout().toMillis() / 2;
    return atEpoch(slot, epoch).thenCompose(s -> {
      requireServing(slot);
      return awaitOlder(slot, epoch, deadline);
    }).thenApply(x -> Response.of(new byte[0]));
  }

  /** Completes when no transaction of {@code slot} prepared under an epoch before {@code epoch} remains. */
  private CompletableFuture<Void> awaitOlder(int slot, long epoch, long deadline) {
    List<Txn> older = new ArrayList<>();
    synchronized (membership.slotLock(slot)) {
      for (Txn t : prepared.values()) {
        if (t.slot() == slot && t.epoch() < epoch) {
          older.add(t);
        }
      }
    }
    if (older.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    if (ctx.now() > deadline) {
      throw new HandlerException("busy", "slot " + slot + " still has " + older.size() + " transactions of older epochs");
    }
    List<CompletableFuture<Boolean>> tries = new ArrayList<>();
    for (Txn t : older) {
      boolean quiet = ctx.now() - t.since() >= ctx.config.decisionWait().toMillis();
      tries.add(decide(t.id(), quiet).exceptionally(e -> false));
    }
    return CompletableFuture.allOf(tries.toArray(CompletableFuture[]::new))
        .thenCompose(x -> ctx.sleep(Duration.ofMillis(10)))
        .thenCompose(x -> awaitOlder(slot, epoch, deadline));
  }

  private CompletableFuture<Response> versions(Msg.In in) {
    int slot = in.i();
    String after = in.s();
    int limit = in.i();
    requireServing(slot);
    return ctx.onDisk(() -> {
      List<BlobInfo> list = ctx.store.versionsAfter(slot, after == null ? null : BlobId.parse(after),
          Math.min(limit, ctx.config.catchUpBatch()));
      Msg.Out out = new Msg.Out().i(list.size());
      for (BlobInfo b : list) {
        out.info(b);
      }
      return Response.of(out.done());
    });
  }

  private CompletableFuture<Response> fetch(Msg.In in) {
    int slot = in.i();
    String path = in.s();
    long version = in.l();
    requireServing(slot);
    return ctx.onDisk(() -> {
      BlobContent content = ctx.store.get(path, GetOptions.version(version));
      return new Response(new Msg.Out().info(content.info()).done(), streamOf(content.stream()));
    });
  }

  // ------------------------------------------------------------------ catch-up

  /**
   * Brings this node level for {@code slot}, where it is a learner: resolves its own prepared
   * transactions of the slot, fences the source (no transaction of an older epoch may still be open
   * there), then copies every version it lacks, in blob-id order. True when done.
   */
  public CompletableFuture<Boolean> catchUp(int slot) {
    SlotState s = membership.slot(slot);
    NodeId source = null;
    Map<NodeId, Long> live = membership.registered();
    for (NodeId n : s.replicas()) {
      if (!n.equals(ctx.self) && s.isInSync(n) && live.containsKey(n)) {
        source = n;
        break;
      }
    }
    if (source == null) {
      return CompletableFuture.completedFuture(false);
    }
    NodeId from = source;
    List<CompletableFuture<Void>> own = new ArrayList<>();
    for (Txn t : List.copyOf(prepared.values())) {
      if (t.slot() == slot && t.epoch() < s.epoch()) {
        own.add(resolve(t));
      }
    }
    log.info("{}: catching up slot {} from {} (epoch {})", ctx.self, slot, from, s.epoch());
    return CompletableFuture.allOf(own.toArray(CompletableFuture[]::new))
        .thenCompose(x -> call(from, Msg.FENCE, s.epoch(), new Msg.Out().i(slot).done(), FrameSource.empty()))
        .thenCompose(x -> copyFrom(from, slot, null, 0))
        .thenApply(copied -> {
          log.info("{}: slot {} caught up from {} ({} versions copied)", ctx.self, slot, from, copied);
          return true;
        });
  }

  private CompletableFuture<Long> copyFrom(NodeId source, int slot, BlobId after, long copied) {
    byte[] h = new Msg.Out().i(slot).s(after == null ? null : after.toString()).i(ctx.config.catchUpBatch()).done();
    return call(source, Msg.VERSIONS, 0, h, FrameSource.empty()).thenCompose(r -> {
      Msg.In in = new Msg.In(r.header());
      int n = in.i();
      List<BlobInfo> page = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        page.add(in.info());
      }
      if (page.isEmpty()) {
        return CompletableFuture.completedFuture(copied);
      }
      return copyEach(source, slot, page, 0, 0).thenCompose(k ->
          copyFrom(source, slot, page.get(page.size() - 1).blobId(), copied + k));
    });
  }

  private CompletableFuture<Long> copyEach(NodeId source, int slot, List<BlobInfo> page, int i, long copied) {
    if (i == page.size()) {
      return CompletableFuture.completedFuture(copied);
    }
    BlobInfo v = page.get(i);
    return ctx.onDisk(() -> local(v)).thenCompose(have -> {
      if (have != null && have.state() == v.state()) {
        return CompletableFuture.completedFuture(0L);
      }
      if (v.state() != VersionState.LIVE || have != null) {
        return ctx.onDisk(() -> ctx.store.importVersion(v, InputStream.nullInputStream())).thenApply(x -> 1L);
      }
      byte[] h = new Msg.Out().i(slot).s(v.path()).l(v.version()).done();
      return call(source, Msg.FETCH, 0, h, FrameSource.empty(), ctx.config.requestTimeout())
          .thenCompose(r -> importBody(v, r.body()));
    }).thenCompose(k -> copyEach(source, slot, page, i + 1, copied + k));
  }

  /** This node's version with the blob id of {@code v}, in any state, or null. */
  private BlobInfo local(BlobInfo v) {
    for (BlobInfo b : ctx.store.versionsAfter(ctx.store.slotOf(v.path()), before(v.blobId()), 1)) {
      if (b.blobId().equals(v.blobId())) {
        return b;
      }
    }
    return null;
  }

  /** The largest id below {@code id}, so that versionsAfter(before(id)) starts at {@code id}. */
  private static BlobId before(BlobId id) {
    com.github.f4b6a3.ulid.Ulid u = id.ulid();
    long msb = u.getMostSignificantBits();
    long lsb = u.getLeastSignificantBits();
    if (lsb == 0) {
      msb--;
    }
    lsb--;
    return new BlobId(new com.github.f4b6a3.ulid.Ulid(msb, lsb));
  }

  /** Receives a version's bytes (to memory when small, else to a temporary file), then imports them. */
  private CompletableFuture<Long> importBody(BlobInfo v, FrameSource body) {
    if (v.size() <= 4L << 20) {
      java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream((int) v.size());
      return Bodies.drain(body, ctx.disk, b -> {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        buf.writeBytes(a);
      }).thenCompose(n -> ctx.onDisk(() -> ctx.store.importVersion(v, new ByteArrayInputStream(buf.toByteArray()))))
          .thenApply(x -> 1L);
    }
    Path tmp;
    FileChannel ch;
    try {
      Files.createDirectories(tempDir);
      tmp = Files.createTempFile(tempDir, "import-", ".tmp");
      ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    return Bodies.drain(body, ctx.disk, b -> {
      try {
        while (b.hasRemaining()) {
          ch.write(b);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).thenCompose(n -> ctx.onDisk(() -> {
      try (InputStream in = Files.newInputStream(tmp)) {
        return ctx.store.importVersion(v, in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    })).whenComplete((x, t) -> {
      try {
        ch.close();
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        log.debug("temp file: {}", e.toString());
      }
    }).thenApply(x -> 1L);
  }
}
