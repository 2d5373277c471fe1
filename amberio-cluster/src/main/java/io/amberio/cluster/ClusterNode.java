package io.amberio.cluster;

import io.amberio.cluster.internal.Bodies;
import io.amberio.cluster.internal.Coordinator;
import io.amberio.cluster.internal.Membership;
import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.Replica;
import io.amberio.cluster.internal.SlotState;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.topology.Placement;
import io.amberio.cluster.topology.Topology;
import io.amberio.cluster.transport.FrameSource;
import io.amberio.cluster.transport.Transport;
import io.amberio.core.BlobInfo;
import io.amberio.core.ByteRange;
import io.amberio.core.GetOptions;
import io.amberio.core.ListPage;
import io.amberio.core.ListRequest;
import io.amberio.core.PutOptions;
import io.amberio.core.replica.ReplicaStore;
import io.amberio.core.Scheduler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One member of an Amberio cluster: it serves its replicas of the slots it holds and coordinates any
 * client request, whichever node holds the data.
 *
 * <p>Every operation is asynchronous and never blocks the calling thread; the store's blocking calls run on
 * the injected disk executor. {@link #asBlobStore} gives the blocking {@link io.amberio.core.BlobStore}
 * view an HTTP server uses. Writes are two-phase commits decided in the registry; reads are served by a
 * replica in the slot's in-sync set that holds a valid lease (see {@code docs/consistency.md}).
 *
 * <p>The node uses the parts it is given and closes none of them: the caller owns the store, transport,
 * registry, scheduler and executor, and closes them after {@link #close()}.
 */
public final class ClusterNode implements AutoCloseable {
  private final NodeContext ctx;
  private final Membership membership;
  private final Replica replica;
  private final Coordinator coordinator;
  private volatile boolean closed;
  private volatile boolean started;

  private ClusterNode(NodeContext ctx, Path tempDir) {
    this.ctx = ctx;
    this.membership = new Membership(ctx);
    this.replica = new Replica(ctx, membership, tempDir);
    this.coordinator = new Coordinator(ctx, membership, replica);
    membership.catchUpWith(replica::catchUp);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Joins the cluster: serves requests, takes a lease, loads the slots, resolves old prepared writes. */
  public CompletableFuture<Void> start() {
    ctx.transport.serve(replica);
    // Prepared transactions from an earlier life are loaded before the node claims any place in a slot, so
    // that a FENCE or a read never misses one.
    return replica.start()
        .thenCompose(v -> membership.start())
        .thenRun(() -> {
          membership.startReconciling();
          started = true;
        });
  }

  public NodeId id() {
    return ctx.self;
  }

  public Topology topology() {
    return ctx.placement.topology();
  }

  /** This node's local store. */
  public ReplicaStore store() {
    return ctx.store;
  }

  /**
   * Whether the node has started (its prepared transactions from an earlier life are known) and holds a
   * valid lease: it can serve the slots it is in sync for.
   */
  public boolean ready() {
    return started && !closed && membership.leaseValid();
  }

  /** Whether this node serves reads of {@code slot} now. */
  public boolean serving(int slot) {
    return membership.serving(slot);
  }

  /** Writes a new version; see {@link io.amberio.core.BlobStore#put}. The body is read once, frame by frame. */
  public CompletableFuture<BlobInfo> put(String path, FrameSource data, PutOptions options) {
    return coordinator.put(path, data, options);
  }

  /** Writes a new version from bytes in memory. */
  public CompletableFuture<BlobInfo> put(String path, byte[] data, PutOptions options) {
    return coordinator.put(path, Bodies.of(data), options);
  }

  /** A read: the version, the range served and its bytes (consume or close the body). */
  public record BlobRead(BlobInfo info, ByteRange.Resolved range, FrameSource body) {}

  /** Reads a version; see {@link io.amberio.core.BlobStore#get}. */
  public CompletableFuture<BlobRead> get(String path, GetOptions options) {
    return coordinator.read(path, options, false).thenApply(r -> new BlobRead(r.info(), r.range(), r.body()));
  }

  /** The metadata of the current version, or of {@code version}. */
  public CompletableFuture<BlobInfo> head(String path, OptionalLong version) {
    GetOptions o = version.isPresent() ? GetOptions.version(version.getAsLong()) : GetOptions.current();
    return coordinator.read(path, o, true).thenApply(Coordinator.Read::info);
  }

  /** Writes a delete marker; see {@link io.amberio.core.BlobStore#delete}. */
  public CompletableFuture<BlobInfo> delete(String path) {
    return coordinator.delete(path);
  }

  /** Tombstones one version; see {@link io.amberio.core.BlobStore#deleteVersion}. */
  public CompletableFuture<BlobInfo> deleteVersion(String path, long version) {
    return coordinator.deleteVersion(path, version);
  }

  /** One page of a listing merged over every slot; cursors are valid on every node. */
  public CompletableFuture<ListPage> list(ListRequest request) {
    return coordinator.list(request);
  }

  /** How this node sees another: {@code up}, {@code suspect} or {@code down}. */
  public String status(NodeId node) {
    return membership.status(node);
  }

  /** What this node knows of a slot. */
  public record SlotView(int slot, long epoch, List<NodeId> replicas, List<NodeId> inSync, List<NodeId> learners) {}

  /** The cached registry state of {@code slot}. */
  public SlotView slot(int slot) {
    SlotState s = membership.slot(slot);
    if (s == null) {
      return new SlotView(slot, 0, ctx.placement.replicas(slot), List.of(), List.of());
    }
    return new SlotView(slot, s.epoch(), s.replicas(), new ArrayList<>(s.inSync().keySet()),
        new ArrayList<>(s.learners().keySet()));
  }

  /** Nodes with a live registration (lease) now, as this node sees them. */
  public Map<NodeId, Long> liveNodes() {
    return membership.registered();
  }

  /** Prepared, undecided transactions this node holds. */
  public int preparedCount() {
    return replica.preparedCount();
  }

  /** A blocking {@link io.amberio.core.BlobStore} over this node, its blocking reads on {@code io}. */
  public io.amberio.core.BlobStore asBlobStore(Executor io) {
    return new ClusterBlobStore(this, io);
  }

  /** Leaves cleanly: stops its duties and ends its lease, so others may take over at once. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    membership.close();
    replica.close();
    try {
      membership.revoke().get(ctx.config.rpcTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // The lease runs out on its own.
    }
  }

  /**
   * Stops at once, as a crash would: no lease revoke, nothing more sent. For simulations, which then close
   * the store abruptly or not at all.
   */
  public void halt() {
    closed = true;
    membership.close();
    replica.close();
  }

  /** Assembles a node. Every part is required but the config, executor, random and temp directory. */
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

    /** Runs the store's blocking calls; defaults to the scheduler (right for simulation only). */
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
        throw new IllegalArgumentException("node '" + id + "' is not in the topology " + topology.nodeIds());
      }
      if (!transport.self().equals(id)) {
        throw new IllegalArgumentException("the transport is for node '" + transport.self() + "', not '" + id + "'");
      }
      if (store.slotCount() != topology.slotCount()) {
        throw new IllegalArgumentException("the store has " + store.slotCount() + " slots, the topology "
            + topology.slotCount() + "; they must be equal");
      }
      NodeContext ctx = new NodeContext(id, store, transport, registry, scheduler, disk == null ? scheduler : disk, config,
          Placement.initial(topology), random == null ? new Random() : random);
      return new ClusterNode(ctx, tempDir == null ? Path.of(System.getProperty("java.io.tmpdir"), "amberio-" + id.value()) : tempDir);
    }
  }
}
