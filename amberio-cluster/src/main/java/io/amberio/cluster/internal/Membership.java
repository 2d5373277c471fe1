package io.amberio.cluster.internal;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.CasResult;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.registry.Lease;
import io.amberio.cluster.registry.ListOptions;
import io.amberio.cluster.registry.ListResult;
import io.amberio.cluster.registry.RegistryException;
import io.amberio.cluster.registry.WatchEvent;
import io.amberio.cluster.registry.WatchListener;
import io.amberio.cluster.registry.WatchOptions;
import io.amberio.cluster.topology.Topology;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's view of the cluster, and its duties in it.
 *
 * <ul>
 *   <li><b>Liveness.</b> The node holds a lease in the registry and keeps it alive; {@code nodes/<id>} is
 *       bound to it. The node considers its lease valid until {@code sent + 0.9 x TTL}, where {@code sent}
 *       is when it <em>sent</em> the last successful keep-alive: the registry cannot expire the lease
 *       before then, so a node never serves a read after the registry let others remove it.</li>
 *   <li><b>Slot view.</b> Every {@code slots/<slot>} key is cached and followed by a watch. Updates are
 *       applied under the slot's monitor ({@link #slotLock}), which the replica also holds while it checks
 *       an epoch and makes a prepare durable.</li>
 *   <li><b>Reconcile.</b> Periodically and on every change, for each slot it replicates, the node claims its
 *       place under its current session (a restarted replica still in sync missed nothing: every write
 *       needed its durable vote), joins as a learner if it was removed, catches up and is promoted; and it
 *       removes replicas whose session (lease) has ended, never the last in-sync one.</li>
 * </ul>
 */
public final class Membership {
  private static final Logger log = LoggerFactory.getLogger(Membership.class);

  private final NodeContext ctx;
  private final Object[] locks;
  private final SlotState[] states;
  private final long[] revisions;
  private final boolean[] busy;
  private final Map<NodeId, Long> registered = new ConcurrentHashMap<>();
  private final Map<NodeId, Long> lastFailure = new ConcurrentHashMap<>();
  private final List<io.amberio.cluster.registry.Watch> watches = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile long lease;
  private volatile boolean storeReplaced;
  private volatile boolean recordingStore;
  private volatile long storeKeyRevision;
  private volatile long leaseDeadline;
  private volatile long startedAt;
  private volatile boolean closed;
  private volatile Function<Integer, CompletableFuture<Boolean>> catchUp = s -> CompletableFuture.completedFuture(false);
  private final List<java.util.function.IntConsumer> slotListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  public Membership(NodeContext ctx) {
    this.ctx = ctx;
    int n = ctx.placement.slotCount();
    this.locks = new Object[n];
    this.states = new SlotState[n];
    this.revisions = new long[n];
    this.busy = new boolean[n];
    for (int i = 0; i < n; i++) {
      locks[i] = new Object();
    }
  }

  /** Who brings this node level for a slot it rejoins (the replica); true when done. */
  public void catchUpWith(Function<Integer, CompletableFuture<Boolean>> f) {
    this.catchUp = f;
  }

  /** Called (on the scheduler) after the cached state of a slot changed. */
  public void onSlotChange(java.util.function.IntConsumer listener) {
    slotListeners.add(listener);
  }

  public Object slotLock(int slot) {
    return locks[slot];
  }

  /** The cached state of {@code slot}. */
  public SlotState slot(int slot) {
    synchronized (locks[slot]) {
      return states[slot];
    }
  }

  public long session() {
    return lease;
  }

  public boolean leaseValid() {
    return !closed && lease != 0 && ctx.now() < leaseDeadline;
  }

  /** Whether this node may serve reads of {@code slot}: in sync under its current, valid session. */
  public boolean serving(int slot) {
    SlotState s = slot(slot);
    if (Bugs.on(Bugs.SERVE_WITHOUT_LEASE)) {
      return s != null && s.isInSync(ctx.self);
    }
    Long session = s == null ? null : s.inSync().get(ctx.self);
    return session != null && session == lease && leaseValid();
  }

  /** Nodes with a live registration, and the lease each holds. */
  public Map<NodeId, Long> registered() {
    return Map.copyOf(registered);
  }

  /** Records that a request to {@code n} failed (shown as "suspect" for a while). */
  public void failed(NodeId n) {
    lastFailure.put(n, ctx.now());
  }

  /** Records that {@code n} answered. */
  public void answered(NodeId n) {
    lastFailure.remove(n);
  }

  /** up, suspect or down, as this node sees {@code n}. */
  public String status(NodeId n) {
    if (n.equals(ctx.self)) {
      return leaseValid() ? "up" : "suspect";
    }
    if (!registered.containsKey(n)) {
      return "down";
    }
    Long f = lastFailure.get(n);
    return f != null && ctx.now() - f < ctx.config.leaseTtl().toMillis() ? "suspect" : "up";
  }

  // ------------------------------------------------------------------ start

  /** Joins: checks or creates the cluster record, takes a lease, loads and follows the slots. */
  public CompletableFuture<Void> start() {
    startedAt = ctx.now();
    byte[] topo = encode(ctx.placement.topology());
    return retry(() -> ctx.registry.compareAndSet(NodeContext.CLUSTER_KEY, topo, CasOptions.ifAbsent()), 0)
        .thenCompose(r -> {
          if (!r.succeeded()) {
            byte[] have = r.current().map(KeyValue::value).orElse(new byte[0]);
            if (!java.util.Arrays.equals(have, topo)) {
              throw new IllegalStateException("the registry holds another cluster: its topology is '"
                  + new String(have, StandardCharsets.UTF_8) + "', this node's is '"
                  + new String(topo, StandardCharsets.UTF_8) + "'");
            }
          }
          return retry(this::newLease, 0);
        })
        .thenCompose(v -> retry(this::checkStore, 0))
        .thenCompose(v -> retry(this::loadNodes, 0))
        .thenCompose(v -> retry(this::loadSlots, 0))
        .thenRun(() -> {
          ctx.scheduler.schedule(keepAliveEvery(), this::keepAlive);
          ctx.scheduler.schedule(Duration.ZERO, this::reconcileAll);
        });
  }

  public void close() {
    closed = true;
    for (io.amberio.cluster.registry.Watch w : watches) {
      try {
        w.cancel();
      } catch (RuntimeException e) {
        log.debug("cancel watch: {}", e.toString());
      }
    }
    watches.clear();
  }

  /**
   * Repeats a registry step that failed for a reason other than a wrong answer (the registry was unreachable
   * or timed out), with growing pauses, until it succeeds or the node closes.
   */
  private <T> CompletableFuture<T> retry(java.util.function.Supplier<CompletableFuture<T>> step, int attempt) {
    CompletableFuture<T> f;
    try {
      f = step.get();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return f.handle((r, t) -> {
      if (t == null) {
        return CompletableFuture.completedFuture(r);
      }
      Throwable c = Bodies.unwrap(t);
      if (closed || !(c instanceof RegistryException re) || re.reason() == RegistryException.Reason.CLOSED) {
        return CompletableFuture.<T>failedFuture(c);
      }
      log.debug("{}: registry step failed ({}); retrying", ctx.self, c.toString());
      return ctx.sleep(Duration.ofMillis(Math.min(1000, 20L << Math.min(attempt, 6))))
          .thenCompose(x -> retry(step, attempt + 1));
    }).thenCompose(x -> x);
  }

  /** Ends this node's lease now (a clean leave: others may remove it at once). */
  public CompletableFuture<Void> revoke() {
    long l = lease;
    lease = 0;
    return l == 0 ? CompletableFuture.completedFuture(null)
        : ctx.registry.leases().revoke(l).handle((x, t) -> null);
  }

  /**
   * Compares this node's store with the one the registry knows it by ({@code stores/<id>}). A different one
   * means the node's disks were replaced: it holds none of what it held, so it must not claim an in-sync
   * place under a new session; it leaves every in-sync set and rejoins as a learner. The key is updated
   * once no slot counts on the old store any more.
   */
  private CompletableFuture<Void> checkStore() {
    byte[] mine = ctx.store.storeId().getBytes(StandardCharsets.UTF_8);
    String key = NodeContext.STORES + ctx.self.value();
    return ctx.registry.compareAndSet(key, mine, CasOptions.ifAbsent()).thenAccept(r -> {
      KeyValue kv = r.current().orElseThrow();
      if (!r.succeeded() && !java.util.Arrays.equals(kv.value(), mine)) {
        storeReplaced = true;
        storeKeyRevision = kv.modRevision();
        log.warn("{}: its store {} is not the one the cluster knew ({}); it rejoins every slot as a learner",
            ctx.self, ctx.store.storeId(), kv.valueAsString());
      }
    });
  }

  /** Once every in-sync place of this node is held under its current session, records its new store. */
  private void maybeRecordStore() {
    if (!storeReplaced || recordingStore) {
      return;
    }
    for (int s = 0; s < states.length; s++) {
      SlotState st = slot(s);
      Long session = st == null ? null : st.inSync().get(ctx.self);
      if (st == null || (session != null && session != lease)) {
        return;
      }
    }
    recordingStore = true;
    byte[] mine = ctx.store.storeId().getBytes(StandardCharsets.UTF_8);
    ctx.registry.compareAndSet(NodeContext.STORES + ctx.self.value(), mine, CasOptions.ifRevision(storeKeyRevision))
        .whenComplete((r, t) -> {
          recordingStore = false;
          if (t == null && r.succeeded()) {
            storeReplaced = false;
            log.info("{}: the cluster now knows it by store {}", ctx.self, ctx.store.storeId());
          }
        });
  }

  static byte[] encode(Topology t) {
    StringBuilder b = new StringBuilder("v1;slots=").append(t.slotCount()).append(";rf=").append(t.replicationFactor());
    for (Topology.Node n : t.nodes()) {
      b.append(";").append(n.id().value()).append('=').append(n.address());
      n.zone().ifPresent(z -> b.append('@').append(z));
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private Duration keepAliveEvery() {
    return ctx.config.leaseTtl().dividedBy(4);
  }

  private CompletableFuture<Void> newLease() {
    long sent = ctx.now();
    return ctx.registry.leases().grant(ctx.config.leaseTtl()).thenCompose(l -> {
      byte[] value = Long.toString(l.id()).getBytes(StandardCharsets.UTF_8);
      return ctx.registry.compareAndSet(NodeContext.nodeKey(ctx.self), value, CasOptions.ifAbsent().withLease(l.id()))
          .thenCompose(r -> r.succeeded() ? CompletableFuture.completedFuture(r)
              // A key of an earlier life of this node (its lease not yet run out): replace it.
              : ctx.registry.compareAndSet(NodeContext.nodeKey(ctx.self), value,
                  CasOptions.ifRevision(r.current().get().modRevision()).withLease(l.id())))
          .thenAccept(r -> {
            if (!r.succeeded()) {
              throw new IllegalStateException("could not register " + ctx.self + ": its key changed meanwhile");
            }
            lease = l.id();
            leaseDeadline = sent + ttlMillis(l) * 9 / 10;
            registered.put(ctx.self, l.id());
            log.info("{}: holds lease {}", ctx.self, l.id());
          });
    });
  }

  private static long ttlMillis(Lease l) {
    return l.ttl().toMillis();
  }

  private void keepAlive() {
    if (closed) {
      return;
    }
    long l = lease;
    long sent = ctx.now();
    CompletableFuture<?> f = l == 0 ? newLease()
        : ctx.registry.leases().keepAlive(l).thenAccept(x -> {
          if (lease == l) {
            leaseDeadline = Math.max(leaseDeadline, sent + ttlMillis(x) * 9 / 10);
          }
        });
    f.whenComplete((x, t) -> {
      if (t != null) {
        Throwable c = Bodies.unwrap(t);
        if (c instanceof RegistryException re && re.reason() == RegistryException.Reason.LEASE_NOT_FOUND) {
          log.warn("{}: lease {} ended; taking a new one (every slot must be claimed again)", ctx.self, l);
          if (lease == l) {
            lease = 0;
          }
        } else {
          log.debug("{}: keep-alive failed: {}", ctx.self, c.toString());
        }
      }
      if (!closed) {
        ctx.scheduler.schedule(keepAliveEvery(), this::keepAlive);
      }
    });
  }

  // ------------------------------------------------------------------ registry views

  private CompletableFuture<Void> loadNodes() {
    return listAll(NodeContext.NODES).thenCompose(page -> {
      // Replaced entry by entry, never emptied: a reader in between must not see live nodes as gone.
      Map<NodeId, Long> now = new java.util.HashMap<>();
      for (KeyValue kv : page.kvs) {
        now.put(NodeId.of(kv.key().substring(NodeContext.NODES.length())), kv.leaseId());
      }
      if (lease != 0) {
        now.put(ctx.self, lease);
      }
      registered.putAll(now);
      registered.keySet().retainAll(now.keySet());
      return ctx.registry.watch(NodeContext.NODES, WatchOptions.fromRevision(page.revision + 1), new WatchListener() {
        @Override
        public void onEvent(WatchEvent e) {
          if (closed) {
            return;
          }
          NodeId n = NodeId.of(e.key().substring(NodeContext.NODES.length()));
          if (e.type() == WatchEvent.Type.PUT) {
            registered.put(n, e.keyValue().leaseId());
          } else {
            registered.remove(n);
          }
          ctx.scheduler.execute(Membership.this::reconcileAll);
        }

        @Override
        public void onError(RegistryException error) {
          if (!closed) {
            log.warn("{}: node watch ended ({}); reloading", ctx.self, error.toString());
            ctx.scheduler.schedule(Duration.ofMillis(100), () -> loadNodes().exceptionally(t -> null));
          }
        }
      }).thenApply(this::keep);
    });
  }

  private Void keep(io.amberio.cluster.registry.Watch w) {
    watches.add(w);
    if (closed) {
      w.cancel();
    }
    return null;
  }

  private CompletableFuture<Void> loadSlots() {
    return listAll(NodeContext.SLOTS).thenCompose(page -> {
      List<CompletableFuture<?>> creates = new ArrayList<>();
      boolean[] seen = new boolean[states.length];
      for (KeyValue kv : page.kvs) {
        int slot = Integer.parseInt(kv.key().substring(NodeContext.SLOTS.length()));
        if (slot >= 0 && slot < states.length) {
          seen[slot] = true;
          update(slot, kv);
        }
      }
      for (int s = 0; s < states.length; s++) {
        if (!seen[s]) {
          int slot = s;
          SlotState init = SlotState.initial(slot, ctx.placement.replicas(slot));
          creates.add(ctx.registry.compareAndSet(NodeContext.slotKey(slot), init.encode(), CasOptions.ifAbsent())
              .thenAccept(r -> r.current().ifPresent(kv -> update(slot, kv))));
        }
      }
      return CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new))
          .<io.amberio.cluster.registry.Watch>thenCompose(v -> ctx.registry.watch(NodeContext.SLOTS, WatchOptions.fromRevision(page.revision + 1),
              new WatchListener() {
                @Override
                public void onEvent(WatchEvent e) {
                  if (!closed && e.type() == WatchEvent.Type.PUT) {
                    int slot = Integer.parseInt(e.key().substring(NodeContext.SLOTS.length()));
                    update(slot, e.keyValue());
                  }
                }

                @Override
                public void onError(RegistryException error) {
                  if (!closed) {
                    log.warn("{}: slot watch ended ({}); reloading", ctx.self, error.toString());
                    ctx.scheduler.schedule(Duration.ofMillis(100), () -> loadSlots().exceptionally(t -> null));
                  }
                }
              }))
          .thenApply(this::keep);
    });
  }

  private record Page(List<KeyValue> kvs, long revision) {}

  private CompletableFuture<Page> listAll(String prefix) {
    List<KeyValue> all = new ArrayList<>();
    long[] rev = {0};
    return new Object() {
      CompletableFuture<Page> from(Optional<String> after) {
        ListOptions o = ListOptions.limit(ListOptions.MAX_LIMIT);
        if (after.isPresent()) {
          o = o.startingAfter(after.get());
        }
        return ctx.registry.list(prefix, o).thenCompose((ListResult r) -> {
          if (rev[0] == 0) {
            rev[0] = r.revision();
          }
          all.addAll(r.keyValues());
          if (r.more() && !r.keyValues().isEmpty()) {
            return from(Optional.of(r.keyValues().get(r.keyValues().size() - 1).key()));
          }
          return CompletableFuture.completedFuture(new Page(all, rev[0]));
        });
      }
    }.from(Optional.empty());
  }

  /** Applies a registry value of a slot if it is newer than the cached one. */
  public void update(int slot, KeyValue kv) {
    boolean changed = false;
    synchronized (locks[slot]) {
      if (kv.modRevision() > revisions[slot]) {
        states[slot] = SlotState.decode(slot, kv.value());
        revisions[slot] = kv.modRevision();
        changed = true;
      }
    }
    if (changed && !closed) {
      for (java.util.function.IntConsumer l : slotListeners) {
        l.accept(slot);
      }
      ctx.scheduler.execute(() -> reconcile(slot));
    }
  }

  /** Reads {@code slot} from the registry and applies it; the future has the (possibly newer) state. */
  public CompletableFuture<SlotState> refresh(int slot) {
    return ctx.registry.get(NodeContext.slotKey(slot)).thenApply(kv -> {
      kv.ifPresent(v -> update(slot, v));
      return slot(slot);
    });
  }

  /** Replaces the state of {@code slot} by compare-and-set on the cached revision. */
  private CompletableFuture<Boolean> cas(int slot, SlotState next) {
    long rev;
    synchronized (locks[slot]) {
      rev = revisions[slot];
    }
    return ctx.registry.compareAndSet(NodeContext.slotKey(slot), next.encode(), CasOptions.ifRevision(rev))
        .thenApply((CasResult r) -> {
          r.current().ifPresent(kv -> update(slot, kv));
          if (r.succeeded()) {
            log.debug("{}: slot {} is now epoch {} in-sync {} learners {}", ctx.self, slot, next.epoch(),
                next.inSync().keySet(), next.learners().keySet());
          }
          return r.succeeded();
        });
  }

  // ------------------------------------------------------------------ reconcile

  private void reconcileAll() {
    if (closed) {
      return;
    }
    for (int s = 0; s < states.length; s++) {
      reconcile(s);
    }
    maybeRecordStore();
  }

  /** Schedules the periodic pass; called once the node is started. */
  public void startReconciling() {
    ctx.scheduler.schedule(ctx.config.leaseTtl().dividedBy(2), () -> {
      if (!closed) {
        reconcileAll();
        startReconciling();
      }
    });
  }

  private void reconcile(int slot) {
    SlotState s;
    synchronized (locks[slot]) {
      s = states[slot];
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
    work.whenComplete((again, t) -> {
      synchronized (locks[slot]) {
        busy[slot] = false;
      }
      if (t != null) {
        log.debug("{}: slot {} reconcile failed: {}", ctx.self, slot, Bodies.unwrap(t).toString());
      } else if (Boolean.TRUE.equals(again)) {
        ctx.scheduler.execute(() -> reconcile(slot));
      }
    });
  }

  /** One step towards the wanted state of a slot; true if another step may follow at once. */
  private CompletableFuture<Boolean> step(SlotState s) {
    NodeId me = ctx.self;
    long session = lease;
    if (session == 0 || !leaseValid()) {
      return CompletableFuture.completedFuture(false);
    }
    // Remove replicas whose session ended (never the last in-sync one).
    for (Map.Entry<NodeId, Long> e : members(s)) {
      NodeId n = e.getKey();
      if (n.equals(me)) {
        continue;
      }
      Long live = registered.get(n);
      boolean ended = e.getValue() == 0
          ? live == null && ctx.now() - startedAt > ctx.config.leaseTtl().toMillis() * 2
          : live == null || live.longValue() != e.getValue();
      boolean lastInSync = s.isInSync(n) && s.inSync().size() == 1;
      if (ended && !lastInSync && (s.isInSync(me) || s.isLearner(me) || !s.replicas().contains(me))) {
        log.info("{}: removing {} from slot {} (its session {} ended)", me, n, s.slot(), e.getValue());
        return cas(s.slot(), s.without(n));
      }
    }
    if (!s.replicas().contains(me)) {
      return CompletableFuture.completedFuture(false);
    }
    if (s.isInSync(me)) {
      if (s.inSync().get(me) != session && storeReplaced) {
        if (s.inSync().size() == 1) {
          log.error("{}: slot {} has no other replica in sync, and this node's store was replaced: its data is"
              + " gone; the slot stays unavailable until an operator restores it", me, s.slot());
          return CompletableFuture.completedFuture(false);
        }
        return cas(s.slot(), s.without(me));
      }
      if (s.inSync().get(me) != session) {
        return cas(s.slot(), s.withSession(me, session));
      }
      return CompletableFuture.completedFuture(false);
    }
    if (s.isLearner(me)) {
      if (s.learners().get(me) != session) {
        return cas(s.slot(), s.withSession(me, session));
      }
      return catchUp.apply(s.slot()).thenCompose(done -> {
        if (!done) {
          return CompletableFuture.completedFuture(false);
        }
        SlotState now = slot(s.slot());
        if (now.epoch() != s.epoch() || !now.isLearner(me)) {
          return CompletableFuture.completedFuture(true);
        }
        return cas(s.slot(), now.promoted(me));
      });
    }
    return cas(s.slot(), s.withLearner(me, session));
  }

  private static List<Map.Entry<NodeId, Long>> members(SlotState s) {
    List<Map.Entry<NodeId, Long>> all = new ArrayList<>(s.inSync().entrySet());
    all.addAll(s.learners().entrySet());
    return all;
  }
}
