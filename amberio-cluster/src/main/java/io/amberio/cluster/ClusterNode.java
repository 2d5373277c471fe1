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
package io.amberio.cluster;

import io.amberio.cluster.internal.Bodies;
import io.amberio.cluster.internal.InternalAccess;
import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.PlantedBug;
import io.amberio.cluster.internal.membership.PendingRate;
import io.amberio.cluster.internal.membership.SlotState;
import io.amberio.cluster.internal.node.Rooms;
import io.amberio.cluster.internal.read.ReadRouter;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.topology.Placement;
import io.amberio.cluster.topology.Topology;
import io.amberio.cluster.transport.FrameSource;
import io.amberio.cluster.transport.Transport;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreException;
import io.amberio.core.ByteRange;
import io.amberio.core.GetOptions;
import io.amberio.core.ListPage;
import io.amberio.core.ListRequest;
import io.amberio.core.PutOptions;
import io.amberio.core.Scheduler;
import io.amberio.core.replica.ReplicaStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * One member of an Amberio cluster: it serves its replicas of the slots it holds and coordinates
 * any client request, whichever node holds the data.
 *
 * <p>Every operation is asynchronous and never blocks the calling thread; the store's blocking
 * calls run on the injected disk executor. {@link #asBlobStore} gives the blocking {@link
 * io.amberio.core.BlobStore} view an HTTP server uses. Writes are two-phase commits decided in the
 * registry; reads are served by a replica in the slot's in-sync set that holds a valid lease (see
 * {@code docs/consistency.md}).
 *
 * <p>The node uses the parts it is given and closes none of them: the caller owns the store,
 * transport, registry, scheduler and any executor it passed, and closes them after {@link
 * #close()}. The one part it owns is the default disk pool, made when no disk executor is given and
 * shut down when the node closes or halts.
 *
 * <p>Its life, as {@link #state()} tells it:
 *
 * <pre>
 *          start()              joined
 *   NEW -------------> STARTING ---------> RUNNING
 *    |                    |                   |
 *    | close()            | close()           | close()
 *    +--------------------+-------------------+-----> CLOSING --lease revoked--> CLOSED
 *    |                    |                   |
 *    | halt()             | halt()            | halt()
 *    +--------------------+-------------------+-----> HALTED   (a simulated crash: nothing more is sent)
 * </pre>
 *
 * A start that fails leaves the node STARTING (close or halt it). {@link #start()} is allowed only
 * from NEW: starting twice, or after a close or a halt, throws {@link IllegalStateException}.
 * {@link #close()} and {@link #halt()} of a node already closing, closed or halted do nothing.
 */
public final class ClusterNode implements AutoCloseable {
  /** The stages of a node's life; see the class comment for the transitions. */
  public enum State {
    /** Built, not yet started. */
    NEW,
    /** Loading its prepared transactions and joining the cluster. */
    STARTING,
    /** Joined: serving and coordinating. */
    RUNNING,
    /** Leaving: duties stopped, the lease being revoked. */
    CLOSING,
    /** Left cleanly. */
    CLOSED,
    /** Stopped at once, as a crash would (simulations). */
    HALTED
  }

  static {
    InternalAccess.install((builder, bugs) -> builder.bugs = EnumSet.copyOf(bugs));
  }

  private final NodeContext ctx;
  private final Rooms rooms;
  private final ExecutorService ownDisk;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

  private ClusterNode(NodeContext ctx, Path tempDir, ExecutorService ownDisk) {
    this.ctx = ctx;
    this.rooms = new Rooms(ctx, tempDir);
    this.ownDisk = ownDisk;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Where the node is in its life. */
  public State state() {
    return state.get();
  }

  /**
   * Joins the cluster: serves requests, loads the prepared transactions of an earlier life, takes a
   * lease, loads the slots and starts its duties.
   *
   * @throws IllegalStateException if the node is not NEW (started already, closed or halted)
   */
  public CompletableFuture<Void> start() {
    if (!state.compareAndSet(State.NEW, State.STARTING)) {
      throw new IllegalStateException(
          "node "
              + ctx.self
              + " cannot start: it is "
              + state.get()
              + " (a node starts once, from NEW)");
    }
    return rooms.start().thenRun(() -> state.compareAndSet(State.STARTING, State.RUNNING));
  }

  public NodeId id() {
    return ctx.self;
  }

  /**
   * The topology this node follows now: the registry's, once read (before: the configured one). It
   * changes by {@link #changeTopology} on any node.
   */
  public Topology topology() {
    return ctx.cluster().topology();
  }

  /** The version of {@link #topology()}: 1 until the first change. */
  public long topologyVersion() {
    return ctx.cluster().version();
  }

  /** The target placement of {@link #topology()}: where every slot's replicas should be. */
  public Placement placement() {
    return ctx.cluster().placement();
  }

  /** Calls {@code listener} with every topology this node follows from now on (any thread). */
  public void onTopology(java.util.function.Consumer<Topology> listener) {
    ctx.onCluster(r -> listener.accept(r.topology()));
  }

  /**
   * Changes the cluster's topology from this node, by compare-and-set in the registry: {@code
   * change} gets the topology in force and returns the next one (the same one: nothing is written).
   * The slot count and replication factor never change. The future has the topology version in
   * force afterwards; the slots then move on every node, in the background (see {@link
   * #topologyStatus()}). A change racing another is applied on top of the winner.
   */
  public CompletableFuture<Long> changeTopology(UnaryOperator<Topology> change) {
    return rooms.topology.change(change).thenApply(r -> r.version());
  }

  /** Adds {@code node} to the topology; its share of the slots moves to it once it runs. */
  public CompletableFuture<Long> addNode(Topology.Node node) {
    return rooms.topology.add(node).thenApply(r -> r.version());
  }

  /**
   * Removes a node in two steps, one per call: first it drains (weight 0: its replicas move away,
   * each slot keeping its full replication factor on the others), then, on a call once no slot
   * names it, it leaves the topology. The future says which happened.
   */
  public CompletableFuture<Removal> removeNode(NodeId id) {
    return rooms
        .topology
        .remove(id)
        .thenApply(r -> new Removal(r.cluster().version(), r.removed(), r.slotsLeft()));
  }

  /**
   * The outcome of one {@link #removeNode} call.
   *
   * @param topologyVersion the topology version in force afterwards
   * @param removed whether the node has left the topology (else it is draining)
   * @param slotsLeft slots that still name it (placed, in sync or learning), as this node sees them
   */
  public record Removal(long topologyVersion, boolean removed, int slotsLeft) {}

  /**
   * Replaces {@code dead} (gone for good) by {@code fresh} (a new id, or the same id on new disks
   * and a new address): the new node takes the dead one's place in every slot.
   */
  public CompletableFuture<Long> replaceNode(NodeId dead, Topology.Node fresh) {
    return rooms.topology.replace(dead, fresh).thenApply(r -> r.version());
  }

  /**
   * Rebuilds {@code slot} after every in-sync replica of it was lost for good: its live learners
   * become its in-sync replicas, every version they do not hold is lost, and the lost replicas'
   * stores never rejoin the slot. Without {@code acceptLoss} nothing is written and the outcome
   * says what a rebuild would do. Fails with {@link IllegalArgumentException} for a slot that does
   * not exist, {@link RebuildRefusedException} while an in-sync replica is alive or when no learner
   * is, else with the registry's error.
   */
  public CompletableFuture<SlotRebuild> rebuildSlot(int slot, boolean acceptLoss) {
    return rooms.rebuilds.rebuild(slot, acceptLoss);
  }

  /**
   * What {@link #rebuildSlot} did, or would do.
   *
   * @param slot the slot
   * @param done whether the rebuild was written (false: nothing changed)
   * @param epochBefore the slot's epoch before
   * @param epochAfter its epoch after the rebuild
   * @param lost the in-sync replicas given up, with the store id each held (null if none was
   *     recorded)
   * @param promoted the learners that become its in-sync replicas
   * @param whatIsLost what is lost, in words an operator can act on
   */
  public record SlotRebuild(
      int slot,
      boolean done,
      long epochBefore,
      long epochAfter,
      Map<NodeId, String> lost,
      List<NodeId> promoted,
      String whatIsLost) {}

  /**
   * Where the slot moves stand, as this node sees the registry: a slot is <em>pending</em> while
   * its replicas are not yet the target placement of the topology in force, or some replica of the
   * target is not in sync yet, or a replica outside the target still takes part.
   *
   * @param topologyVersion the topology version in force
   * @param slots the number of slots
   * @param pending the slots whose move is not done
   * @param learning slots with a learner copying now
   * @param converged no slot pending: the change is done
   * @param etaMillis a guess at the time until converged, from the rate at which slots stopped
   *     pending over the last minutes of calls to {@link #topologyStatus()} on this node (0 when
   *     converged, -1 with no guess yet: fewer than two calls 10 s apart since this topology
   *     version, or no slot done between them)
   */
  public record TopologyStatus(
      long topologyVersion,
      int slots,
      List<Integer> pending,
      int learning,
      boolean converged,
      long etaMillis) {}

  /** How fast slots stop pending, for {@link TopologyStatus#etaMillis()}. */
  private final PendingRate pendingRate = new PendingRate();

  /**
   * A copy this node runs as a learner of a slot (a move to it, or a rejoin), as it stands now.
   *
   * @param slot the slot
   * @param source the in-sync replica it copies from
   * @param versionsScanned versions of the source brought level so far (resumed copies count from
   *     where they resumed)
   * @param versionsCopied of those, the versions it had to import
   * @param bytesCopied bytes of live versions imported
   * @param sourceVersions versions the source held when the attempt started (-1: not known yet)
   * @param sourceBytes bytes the source held when the attempt started (-1: not known yet)
   * @param attempts attempts so far (a failed attempt is resumed, not restarted)
   * @param elapsedMillis since the first attempt started
   * @param etaMillis a guess at the time left from the rate so far (-1: no guess yet)
   */
  public record CopyProgress(
      int slot,
      NodeId source,
      long versionsScanned,
      long versionsCopied,
      long bytesCopied,
      long sourceVersions,
      long sourceBytes,
      long attempts,
      long elapsedMillis,
      long etaMillis) {}

  /** The copies this node runs or will resume, by slot. */
  public List<CopyProgress> copies() {
    List<CopyProgress> out = new ArrayList<>();
    long now = ctx.now();
    rooms.copies.progress().values().stream()
        .sorted(java.util.Comparator.comparingInt(p -> p.slot))
        .forEach(
            p -> {
              long elapsed = Math.max(0, now - p.startedAt);
              long eta = -1;
              if (p.sourceVersions > 0 && p.scanned > 0 && elapsed > 0) {
                long left = Math.max(0, p.sourceVersions - p.scanned);
                eta = left * elapsed / p.scanned;
              }
              out.add(
                  new CopyProgress(
                      p.slot,
                      p.source,
                      p.scanned,
                      p.copied,
                      p.bytesCopied,
                      p.sourceVersions,
                      p.sourceBytes,
                      p.attempts,
                      elapsed,
                      eta));
            });
    return out;
  }

  /**
   * How many copies this node serves to learners now (at most {@link
   * ClusterConfig#maxOutgoingCopies()}).
   */
  public int copiesServing() {
    return rooms.serving.servingCopies();
  }

  /** Where the slot moves of the topology in force stand; see {@link TopologyStatus}. */
  public TopologyStatus topologyStatus() {
    var c = ctx.cluster();
    List<Integer> pending = new ArrayList<>();
    int learning = 0;
    for (int i = 0; i < c.topology().slotCount(); i++) {
      SlotState s = rooms.slots.slot(i);
      if (s == null) {
        pending.add(i);
        continue;
      }
      if (!s.learners().isEmpty()) {
        learning++;
      }
      if (!s.replicas().equals(c.placement().replicas(i)) || !s.targetInSync() || s.hasStrays()) {
        pending.add(i);
      }
    }
    return new TopologyStatus(
        c.version(),
        c.topology().slotCount(),
        List.copyOf(pending),
        learning,
        pending.isEmpty(),
        pendingRate.eta(c.version(), pending.size(), ctx.now()));
  }

  /** This node's local store. */
  public ReplicaStore store() {
    return ctx.store;
  }

  /**
   * Whether the node has started (its prepared transactions from an earlier life are known) and
   * holds a valid lease: it can serve the slots it is in sync for.
   */
  public boolean ready() {
    return state.get() == State.RUNNING && rooms.liveness.leaseValid();
  }

  /**
   * Why this node is cut off from its peers, if it is: other nodes are alive in the registry, and
   * this node's latest request to each of them failed within a lease TTL (unreachable, or refused:
   * a wrong cluster secret shows as {@code REJECTED_AUTH}). It may still hold its lease; it can
   * coordinate no write. The HTTP node reports it in its health.
   */
  public Optional<String> cutOff() {
    return state.get() == State.RUNNING ? rooms.liveness.cutOff() : Optional.empty();
  }

  /** Whether this node serves reads of {@code slot} now. */
  public boolean serving(int slot) {
    return rooms.slots.serving(slot);
  }

  /**
   * Writes a new version; see {@link io.amberio.core.BlobStore#put}. The body is read once, frame
   * by frame.
   */
  public CompletableFuture<BlobInfo> put(String path, FrameSource data, PutOptions options) {
    BlobStoreException refused = refusal(path);
    if (refused != null) {
      data.close();
      return CompletableFuture.failedFuture(refused);
    }
    return rooms.writes.put(path, data, options);
  }

  /** Writes a new version from bytes in memory. */
  public CompletableFuture<BlobInfo> put(String path, byte[] data, PutOptions options) {
    return put(path, Bodies.of(data), options);
  }

  /**
   * Why an operation on {@code path} is refused before it starts, or null: a closed (or halted)
   * node answers CLOSED; a path with an unpaired surrogate is INVALID_PATH, as in the local store,
   * because UTF-8 on the way to a replica would turn it into another, valid path. The replica's
   * store checks every other rule.
   */
  private boolean ended() {
    State s = state.get();
    return s == State.CLOSING || s == State.CLOSED || s == State.HALTED;
  }

  private BlobStoreException refusal(String path) {
    if (ended()) {
      return BlobStoreException.of(BlobStoreException.Reason.CLOSED, "the cluster node is closed");
    }
    for (int i = 0; path != null && i < path.length(); i++) {
      char c = path.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < path.length()
          && Character.isLowSurrogate(path.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        String shown = path.length() > 80 ? path.substring(0, 80) + "..." : path;
        return BlobStoreException.of(
            BlobStoreException.Reason.INVALID_PATH,
            "invalid path '"
                + shown.replaceAll("\\p{Cntrl}", "?")
                + "': a path must be valid Unicode (unpaired surrogate at index "
                + i
                + ")");
      }
    }
    return null;
  }

  /** A read: the version, the range served and its bytes (consume or close the body). */
  public record BlobRead(BlobInfo info, ByteRange.Resolved range, FrameSource body) {}

  /** Reads a version; see {@link io.amberio.core.BlobStore#get}. */
  public CompletableFuture<BlobRead> get(String path, GetOptions options) {
    BlobStoreException refused = refusal(path);
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    return rooms
        .reads
        .read(path, options, false)
        .thenApply(r -> new BlobRead(r.info(), r.range(), r.body()));
  }

  /** The metadata of the current version, or of {@code version}. */
  public CompletableFuture<BlobInfo> head(String path, OptionalLong version) {
    BlobStoreException refused = refusal(path);
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    GetOptions o =
        version.isPresent() ? GetOptions.version(version.getAsLong()) : GetOptions.current();
    return rooms.reads.read(path, o, true).thenApply(ReadRouter.Answer::info);
  }

  /** Writes a delete marker; see {@link io.amberio.core.BlobStore#delete}. */
  public CompletableFuture<BlobInfo> delete(String path) {
    BlobStoreException refused = refusal(path);
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    return rooms.writes.delete(path);
  }

  /** Tombstones one version; see {@link io.amberio.core.BlobStore#deleteVersion}. */
  public CompletableFuture<BlobInfo> deleteVersion(String path, long version) {
    BlobStoreException refused = refusal(path);
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    return rooms.writes.deleteVersion(path, version);
  }

  /** One page of a listing merged over every slot; cursors are valid on every node. */
  public CompletableFuture<ListPage> list(ListRequest request) {
    if (ended()) {
      return CompletableFuture.failedFuture(refusal(null));
    }
    return rooms.reads.list(request);
  }

  /** How this node sees another: {@code up}, {@code suspect} or {@code down}. */
  public String status(NodeId node) {
    return rooms.liveness.status(node);
  }

  /** What this node knows of a slot. */
  public record SlotView(
      int slot, long epoch, List<NodeId> replicas, List<NodeId> inSync, List<NodeId> learners) {}

  /** The cached registry state of {@code slot}. */
  public SlotView slot(int slot) {
    SlotState s = rooms.slots.slot(slot);
    if (s == null) {
      return new SlotView(slot, 0, ctx.placement.replicas(slot), List.of(), List.of());
    }
    return new SlotView(
        slot,
        s.epoch(),
        s.replicas(),
        new ArrayList<>(s.inSync().keySet()),
        new ArrayList<>(s.learners().keySet()));
  }

  /** Nodes with a live registration (lease) now, as this node sees them. */
  public Map<NodeId, Long> liveNodes() {
    return rooms.liveness.registered();
  }

  /** Prepared, undecided transactions this node holds. */
  public int preparedCount() {
    return rooms.txns.preparedCount();
  }

  /**
   * A blocking {@link io.amberio.core.BlobStore} over this node, its blocking reads on {@code io}.
   */
  public BlobStore asBlobStore(Executor io) {
    return new ClusterBlobStore(this, io);
  }

  /** Leaves cleanly: stops its duties and ends its lease, so others may take over at once. */
  @Override
  public void close() {
    State from = leave(State.CLOSING);
    if (from == null) {
      return;
    }
    rooms.stop();
    try {
      rooms.revoke().get(ctx.config.rpcTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // The lease runs out on its own.
    } finally {
      shutDownOwnDisk();
      state.set(State.CLOSED);
    }
  }

  /**
   * Stops at once, as a crash would: no lease revoke, nothing more sent. For simulations, which
   * then close the store abruptly or not at all.
   */
  public void halt() {
    if (leave(State.HALTED) == null) {
      return;
    }
    rooms.stop();
    shutDownOwnDisk();
  }

  /**
   * Moves from NEW, STARTING or RUNNING to {@code to}; the state left, or null if there was none to
   * leave.
   */
  private State leave(State to) {
    while (true) {
      State s = state.get();
      if (s != State.NEW && s != State.STARTING && s != State.RUNNING) {
        return null;
      }
      if (state.compareAndSet(s, to)) {
        return s;
      }
    }
  }

  private void shutDownOwnDisk() {
    if (ownDisk != null) {
      ownDisk.shutdown();
    }
  }

  /**
   * The size of the default disk pool: the store's calls block on I/O, so more threads than cores.
   */
  static final int DEFAULT_DISK_THREADS = 16;

  /** A bounded pool of daemon threads, idle ones ending after 30 seconds. */
  private static ExecutorService diskPool(NodeId id) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            DEFAULT_DISK_THREADS,
            DEFAULT_DISK_THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "amberio-disk-" + id.value() + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * Assembles a node. Every part is required but the config, executor, random and temp directory.
   */
  public static final class Builder {
    private NodeId id;
    private Topology topology;
    private ReplicaStore store;
    private Transport transport;
    private Registry registry;
    private Scheduler scheduler;
    private Executor disk;
    private ClusterConfig config = ClusterConfig.DEFAULTS;
    private Random random;
    private Path tempDir;
    private Set<PlantedBug> bugs = EnumSet.noneOf(PlantedBug.class);

    private Builder() {}

    public Builder id(NodeId id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    public Builder topology(Topology topology) {
      this.topology = Objects.requireNonNull(topology, "topology");
      return this;
    }

    public Builder store(ReplicaStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    public Builder registry(Registry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Runs the store's blocking calls. Defaults to a pool of {@value
     * ClusterNode#DEFAULT_DISK_THREADS} daemon threads owned by the node and shut down when it
     * closes; a simulation passes its scheduler.
     */
    public Builder diskExecutor(Executor disk) {
      this.disk = Objects.requireNonNull(disk, "disk");
      return this;
    }

    public Builder config(ClusterConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** The source of blob ids' random bits and back-off jitter; seeded in simulation. */
    public Builder random(Random random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** Where versions copied from peers are staged; defaults to {@code java.io.tmpdir}. */
    public Builder tempDir(Path dir) {
      this.tempDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    public ClusterNode build() {
      Objects.requireNonNull(id, "id is required");
      Objects.requireNonNull(topology, "topology is required");
      Objects.requireNonNull(store, "store is required");
      Objects.requireNonNull(transport, "transport is required");
      Objects.requireNonNull(registry, "registry is required");
      Objects.requireNonNull(scheduler, "scheduler is required");
      if (topology.node(id).isEmpty()) {
        throw new IllegalArgumentException(
            "node '" + id + "' is not in the topology " + topology.nodeIds());
      }
      if (!transport.self().equals(id)) {
        throw new IllegalArgumentException(
            "the transport is for node '" + transport.self() + "', not '" + id + "'");
      }
      if (store.slotCount() != topology.slotCount()) {
        throw new IllegalArgumentException(
            "the store has "
                + store.slotCount()
                + " slots, the topology "
                + topology.slotCount()
                + "; they must be equal");
      }
      ExecutorService ownDisk = disk == null ? diskPool(id) : null;
      NodeContext ctx =
          new NodeContext(
              id,
              store,
              transport,
              registry,
              scheduler,
              disk == null ? ownDisk : disk,
              config,
              Placement.initial(topology),
              random == null ? new Random() : random,
              bugs);
      return new ClusterNode(
          ctx,
          tempDir == null
              ? Path.of(System.getProperty("java.io.tmpdir"), "amberio-" + id.value())
              : tempDir,
          ownDisk);
    }
  }
}
