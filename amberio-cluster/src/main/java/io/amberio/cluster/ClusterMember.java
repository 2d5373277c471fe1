package io.amberio.cluster;

import io.amberio.cluster.registry.EtcdRegistry;
import io.amberio.cluster.registry.EtcdRegistryBuilder;
import io.amberio.cluster.registry.InMemoryRegistry;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.topology.Topology;
import io.amberio.cluster.transport.NetworkTransport;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreBuilder;
import io.amberio.core.BlobStoreException;
import io.amberio.core.ReplicaStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster member ready to run in production: a {@link ClusterNode} with every part it needs, created,
 * started and closed in the right order. A host application embeds one in a few lines and serves
 * {@link #blobStore()} however it likes (the {@code amberio node --config} command puts HTTP in front):
 *
 * <pre>{@code
 * try (ClusterMember member = ClusterMember.builder()
 *     .nodeId(NodeId.of("edge-1"))
 *     .topology(topology)                      // every node with its host:port
 *     .dataDirs(List.of(Path.of("/data/1")))
 *     .secret(secret)                          // shared by every node, at least 16 bytes
 *     .etcd(List.of(URI.create("http://10.0.0.9:2379")))
 *     .start()) {
 *   BlobStore store = member.blobStore();
 *   ...
 * }
 * }</pre>
 *
 * <h2>What it runs</h2>
 *
 * <pre>
 *   ReplicaStore over dataDirs (slot count of the topology)                     owned
 *   Scheduler.system over schedulerThreads (default 4)  timers, callbacks; never block   owned
 *   disk pool of diskThreads (default 16)               the store's blocking calls       owned
 *   body pool of blobStoreThreads (default 64)          reads PUT bodies for blobStore() owned
 *   registry: etcd(endpoints) or inMemoryRegistry()                              owned
 *             registry(given)                                                   not owned
 *   NetworkTransport on clusterListen, peers at their topology addresses, HMAC with the secret   owned
 *   ClusterNode over all of these, started
 * </pre>
 *
 * <p>The disk pool is never the scheduler: a store call blocks on files and SQLite, and a blocked
 * scheduler thread would stall every timer and callback of the node. Versions copied from peers are staged
 * in {@code <first data dir>/cluster-staging}, emptied of an earlier run's files at start.
 *
 * <h2>Lifecycle</h2>
 *
 * <pre>
 *   Builder.start() ──(parts open, node joined)──> RUNNING ──close()──> CLOSED
 *        │                                          ready() true while the node
 *        └─(a part fails, join fails or times out)   holds a valid lease
 *             └─> StartException; what opened is closed again
 * </pre>
 *
 * <p>{@link #close()} takes it down in the reverse order of the start: the node leaves the cluster (its
 * lease is revoked, so the others take over at once), then the transport, the registry client (unless it
 * was given), the thread pools (waiting up to 10 s for work in flight) and the store close. A member closes
 * what it created and never what it was given.
 */
public final class ClusterMember implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterMember.class);

  /** Default threads of the scheduler (timers, callbacks; they never block). */
  public static final int DEFAULT_SCHEDULER_THREADS = 4;
  /** Default threads running the store's blocking calls. */
  public static final int DEFAULT_DISK_THREADS = 16;
  /** Default threads reading PUT bodies for {@link #blobStore()}: at most one per PUT in progress. */
  public static final int DEFAULT_BLOB_STORE_THREADS = 64;
  /** How long joining the cluster may take, by default, before the start is given up. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(2);
  /** Where, under the first data directory, versions copied from peers are staged. */
  public static final String STAGING_DIR = "cluster-staging";

  private final NodeId id;
  private final List<Step> undo = new ArrayList<>();
  private ReplicaStore store;
  private NetworkTransport transport;
  private ClusterNode node;
  private BlobStore view;
  private boolean closed;

  private interface Step {
    void close() throws Exception;
  }

  private ClusterMember(NodeId id) {
    this.id = id;
  }

  /** A builder; {@link Builder#start()} starts the member. */
  public static Builder builder() {
    return new Builder();
  }

  /** A failure to start, with a message for the log; whatever had started is closed again. */
  public static final class StartException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Which part failed. */
    public enum Reason {
      /** The store could not be opened in the data directories. */
      STORE,
      /** The cluster listen address did not resolve, or could not be bound. */
      TRANSPORT,
      /** The node did not join its cluster (the registry failed or was not reached in time). */
      JOIN,
      /** The starting thread was interrupted. */
      INTERRUPTED,
      /** Something else failed; the cause says what. */
      OTHER
    }

    private final Reason reason;

    StartException(Reason reason, String message, Throwable cause) {
      super(message, cause);
      this.reason = reason;
    }

    /** Which part failed. */
    public Reason reason() {
      return reason;
    }
  }

  private void open(Builder spec) throws StartException {
    String id = spec.nodeId.value();
    Topology topology = spec.topology;
    try {
      store = spec.storeOptions.apply(BlobStore.builder()).dataDirs(spec.dataDirs).slotCount(topology.slotCount())
          .buildReplica();
    } catch (BlobStoreException e) {
      throw new StartException(StartException.Reason.STORE,
          "Cannot open the store in " + spec.dataDirs + ": " + e.getMessage(), e);
    }
    undo.add(store::close);

    ScheduledThreadPoolExecutor timers = timers(spec.schedulerThreads, "amberio-cluster-" + id);
    undo.add(() -> stop(timers));
    Scheduler scheduler = Scheduler.system(timers);
    ExecutorService disk = pool(spec.diskThreads, "amberio-disk-" + id);
    undo.add(() -> stop(disk));
    ExecutorService io = pool(spec.blobStoreThreads, "amberio-io-" + id);
    undo.add(() -> stop(io));

    Registry registry;
    if (spec.givenRegistry != null) {
      registry = spec.givenRegistry;
    } else if (spec.etcd != null) {
      registry = spec.etcd.scheduler(scheduler).build();
      undo.add(registry::close);
    } else if (spec.inMemoryRegistry) {
      registry = new InMemoryRegistry(scheduler);
      undo.add(registry::close);
    } else {
      throw new IllegalStateException("no registry");
    }

    InetSocketAddress asked = spec.listen();
    InetSocketAddress listen =
        asked.isUnresolved() ? new InetSocketAddress(asked.getHostString(), asked.getPort()) : asked;
    if (listen.isUnresolved()) {
      throw new StartException(StartException.Reason.TRANSPORT, "Cannot resolve clusterListen " + text(asked), null);
    }
    Topology.Node self = topology.node(spec.nodeId).orElseThrow();
    if (asked.getPort() != 0 && !self.address().endsWith(":" + asked.getPort())) {
      LOG.warn("clusterListen {} has another port than this node's address {} in the topology: the other nodes connect"
          + " to the latter", text(asked), self.address());
    }
    byte[] secret = spec.secret != null ? spec.secret.clone() : randomSecret();
    try {
      transport = NetworkTransport.builder(spec.nodeId, secret, scheduler)
          .bind(listen)
          .resolver(new PeerAddresses(topology, disk))
          .build();
    } catch (UncheckedIOException e) {
      throw new StartException(StartException.Reason.TRANSPORT,
          "Cannot listen on " + text(asked) + " for the cluster transport: " + e.getCause(), e);
    }
    undo.add(transport::close);

    node = ClusterNode.builder()
        .id(spec.nodeId)
        .topology(topology)
        .store(store)
        .transport(transport)
        .registry(registry)
        .scheduler(scheduler)
        .diskExecutor(disk)
        .config(spec.config)
        .tempDir(staging(spec.dataDirs.get(0)))
        .build();
    undo.add(node::close);
    LOG.info("Node {} joining its cluster of {} nodes ({} slots, {} replicas each; cluster transport on {})", id,
        topology.nodes().size(), topology.slotCount(), topology.replicationFactor(), transport.localAddress());
    try {
      node.start().get(spec.startTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartException(StartException.Reason.INTERRUPTED,
          "Interrupted while node " + id + " was joining its cluster", e);
    } catch (ExecutionException e) {
      throw new StartException(StartException.Reason.JOIN,
          "Node " + id + " could not join its cluster: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new StartException(StartException.Reason.JOIN, "Node " + id + " did not join its cluster within "
          + spec.startTimeout.toSeconds() + " s (is the registry reachable?)", e);
    }
    view = node.asBlobStore(io);
  }

  /** This member's id. */
  public NodeId id() {
    return id;
  }

  /** The cluster node: its asynchronous operations, membership and slot views. */
  public ClusterNode node() {
    return node;
  }

  /**
   * The blocking {@link BlobStore} view of the cluster through this member ({@link ClusterNode#asBlobStore}),
   * reading PUT bodies on the member's own threads. Do not close it: {@link #close()} closes the member.
   */
  public BlobStore blobStore() {
    return view;
  }

  /** The address the cluster transport listens on (the actual port when port 0 was asked). */
  public InetSocketAddress clusterAddress() {
    return transport.localAddress();
  }

  /**
   * Whether this member can serve requests now: it has started, is not closed, and holds a valid lease in
   * the registry (false while out of touch with the registry). A health check asks this.
   */
  public boolean ready() {
    synchronized (this) {
      if (closed) {
        return false;
      }
    }
    return node.ready();
  }

  /**
   * Closes everything this member created, in reverse order of the start: leaves the cluster, closes the
   * transport, the registry (unless given), stops the threads, closes the store. Failures are logged, and
   * the other parts still close. Idempotent.
   *
   * @return true if every part closed cleanly
   */
  public boolean stop() {
    synchronized (this) {
      if (closed) {
        return true;
      }
      closed = true;
    }
    boolean clean = true;
    for (int i = undo.size() - 1; i >= 0; i--) {
      try {
        undo.get(i).close();
      } catch (Exception e) {
        clean = false;
        LOG.error("Stopping node {}: a part failed to close", id, e);
      }
    }
    return clean;
  }

  /** {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "ClusterMember[" + id + "]";
  }

  private static byte[] randomSecret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return b;
  }

  /** {@code host:port} as given (not resolved), an IPv6 address in brackets. */
  private static String text(InetSocketAddress a) {
    String host = a.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** The staging directory, emptied of files an earlier run left (the store's lock makes it ours alone). */
  private static Path staging(Path firstDataDir) {
    Path dir = firstDataDir.resolve(STAGING_DIR);
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "import-*.tmp")) {
        for (Path f : files) {
          Files.deleteIfExists(f);
        }
      } catch (IOException e) {
        LOG.warn("Cannot clean {}: {}", dir, e.toString());
      }
    }
    return dir;
  }

  /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ...: they never keep the JVM alive. */
  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * The threads of the scheduler: a cancelled timer leaves the queue at once (nodes cancel many timeouts),
   * and delayed tasks are dropped at shutdown instead of run.
   */
  private static ScheduledThreadPoolExecutor timers(int threads, String prefix) {
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(threads, threads(prefix));
    timers.setRemoveOnCancelPolicy(true);
    timers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return timers;
  }

  /** A pool of at most {@code threads} threads that end after 30 s idle, with an unbounded queue. */
  private static ExecutorService pool(int threads, String prefix) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads(prefix));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Shuts the pool down, waits up to 10 s for its tasks, then interrupts what still runs. */
  private static void stop(ExecutorService pool) throws InterruptedException {
    pool.shutdown();
    if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
      pool.shutdownNow();
      LOG.warn("Threads still busy after 10 s were interrupted: {}", pool);
    }
  }

  /**
   * Configures and starts a {@link ClusterMember}. Required: {@link #nodeId}, {@link #topology},
   * {@link #dataDirs}, one registry ({@link #etcd}, {@link #registry} or {@link #inMemoryRegistry}), and
   * {@link #secret} when the topology has more than one node. Every argument is checked when given; each
   * option may be set once, and a second call names the first value.
   */
  public static final class Builder {
    private NodeId nodeId;
    private Topology topology;
    private List<Path> dataDirs;
    private InetSocketAddress clusterListen;
    private byte[] secret;
    private String registryChoice;
    private EtcdRegistryBuilder etcd;
    private Registry givenRegistry;
    private boolean inMemoryRegistry;
    private ClusterConfig config;
    private UnaryOperator<BlobStoreBuilder> storeOptions;
    private Integer schedulerThreads;
    private Integer diskThreads;
    private Integer blobStoreThreads;
    private Duration startTimeout;
    private boolean started;

    private Builder() {}

    /** This member's id; a node of the {@link #topology}. Required. */
    public Builder nodeId(NodeId id) {
      Objects.requireNonNull(id, "nodeId");
      once("nodeId", nodeId);
      this.nodeId = id;
      return this;
    }

    /**
     * The cluster: slot count, replication factor, and every node with the {@code host:port} its cluster
     * transport listens on (the same topology on every member). Required.
     */
    public Builder topology(Topology topology) {
      Objects.requireNonNull(topology, "topology");
      once("topology", this.topology);
      for (Topology.Node n : topology.nodes()) {
        try {
          PeerAddresses.parse(n.address());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "topology: node '" + n.id() + "' needs a host:port address for the network transport: " + e.getMessage());
        }
      }
      this.topology = topology;
      return this;
    }

    /**
     * The data directories (disks) of the store, created if missing; the slots are spread over them in
     * this order. The first also holds {@value #STAGING_DIR}. Required.
     */
    public Builder dataDirs(List<Path> dirs) {
      Objects.requireNonNull(dirs, "dataDirs");
      once("dataDirs", dataDirs);
      if (dirs.isEmpty()) {
        throw new IllegalArgumentException("dataDirs must name at least one directory");
      }
      Set<Path> seen = new HashSet<>();
      for (int i = 0; i < dirs.size(); i++) {
        Path d = Objects.requireNonNull(dirs.get(i), "dataDirs[" + i + "]");
        if (!seen.add(d.toAbsolutePath().normalize())) {
          throw new IllegalArgumentException("dataDirs names the directory " + d + " twice: " + dirs);
        }
      }
      this.dataDirs = List.copyOf(dirs);
      return this;
    }

    /**
     * Where the cluster transport listens; an unresolved address is resolved at start. Port 0 picks a
     * free port (then no other node can reach this one: for tests). Default: every interface, at the port
     * of this node's address in the topology.
     */
    public Builder clusterListen(InetSocketAddress address) {
      Objects.requireNonNull(address, "clusterListen");
      once("clusterListen", clusterListen);
      this.clusterListen = address;
      return this;
    }

    /**
     * The cluster secret every node shares, at least 16 bytes: every frame between the nodes is
     * authenticated with it (HMAC-SHA256). Required for a cluster of more than one node; a one-node cluster
     * without one uses a random secret.
     */
    public Builder secret(byte[] secret) {
      Objects.requireNonNull(secret, "secret");
      if (this.secret != null) {
        throw new IllegalStateException("secret was already set (to a secret of " + this.secret.length + " bytes)");
      }
      if (secret.length < 16) {
        throw new IllegalArgumentException("secret must be at least 16 bytes, was " + secret.length);
      }
      this.secret = secret.clone();
      return this;
    }

    /**
     * The registry is the etcd cluster at these client URLs ({@code http(s)://host:port}); the member
     * creates and closes its client.
     */
    public Builder etcd(List<URI> endpoints) {
      Objects.requireNonNull(endpoints, "endpoints");
      onceRegistry();
      for (int i = 0; i < endpoints.size(); i++) {
        Objects.requireNonNull(endpoints.get(i), "endpoints[" + i + "]");
      }
      EtcdRegistryBuilder b = EtcdRegistry.builder();
      try {
        b.endpoints(endpoints);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("etcd: " + e.getMessage(), e);
      }
      this.etcd = b;
      this.registryChoice = "etcd " + endpoints;
      return this;
    }

    /**
     * The registry is {@code registry}, which the host created and closes after this member: for a
     * registry of its own making, or several members in one process over one {@link InMemoryRegistry}.
     */
    public Builder registry(Registry registry) {
      Objects.requireNonNull(registry, "registry");
      onceRegistry();
      this.givenRegistry = registry;
      this.registryChoice = "the given registry " + registry;
      return this;
    }

    /**
     * The registry lives in this member's memory and ends with it: for a one-node cluster only (other
     * nodes could not see it).
     */
    public Builder inMemoryRegistry() {
      onceRegistry();
      this.inMemoryRegistry = true;
      this.registryChoice = "an in-memory registry";
      return this;
    }

    /** Lease, RPC and request timeouts; default {@link ClusterConfig#DEFAULTS}. */
    public Builder config(ClusterConfig config) {
      Objects.requireNonNull(config, "config");
      once("config", this.config);
      this.config = config;
      return this;
    }

    /**
     * Sets store options (chunk size, retention, ...) on the builder the member opens its store with; the
     * member sets the data directories and the slot count (the topology's), so {@code options} must not.
     * Default: the store's defaults.
     */
    public Builder storeOptions(UnaryOperator<BlobStoreBuilder> options) {
      Objects.requireNonNull(options, "storeOptions");
      once("storeOptions", storeOptions);
      this.storeOptions = options;
      return this;
    }

    /**
     * Threads of the scheduler that runs timers and the callbacks of the node, registry and transport
     * (they never block), 1 to 256; default {@value ClusterMember#DEFAULT_SCHEDULER_THREADS}.
     */
    public Builder schedulerThreads(int threads) {
      once("schedulerThreads", schedulerThreads);
      this.schedulerThreads = range("schedulerThreads", threads, 1, 256);
      return this;
    }

    /**
     * Threads running the store's blocking calls (reads, writes, fsyncs), 1 to 1024; default
     * {@value ClusterMember#DEFAULT_DISK_THREADS}.
     */
    public Builder diskThreads(int threads) {
      once("diskThreads", diskThreads);
      this.diskThreads = range("diskThreads", threads, 1, 1024);
      return this;
    }

    /**
     * Threads reading PUT bodies for {@link ClusterMember#blobStore()}, 1 to 10000: as many as PUTs may
     * run at once (more wait); default {@value ClusterMember#DEFAULT_BLOB_STORE_THREADS}. Idle threads end.
     */
    public Builder blobStoreThreads(int threads) {
      once("blobStoreThreads", blobStoreThreads);
      this.blobStoreThreads = range("blobStoreThreads", threads, 1, 10_000);
      return this;
    }

    /** How long joining the cluster may take before the start is given up; default 2 minutes. */
    public Builder startTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "startTimeout");
      once("startTimeout", startTimeout);
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startTimeout must be positive, was " + timeout);
      }
      this.startTimeout = timeout;
      return this;
    }

    /**
     * Opens the store, the threads, the registry client and the transport, and waits until the node has
     * joined its cluster. The builder cannot start a second member.
     *
     * @throws IllegalStateException if a required option is missing, or the member was already started
     * @throws IllegalArgumentException if the options do not fit together (the node is not in the
     *     topology, an in-memory registry for a cluster of several nodes)
     * @throws StartException if a part cannot be opened or the node cannot join; nothing is left running
     */
    public ClusterMember start() throws StartException {
      check();
      if (config == null) {
        config = ClusterConfig.DEFAULTS;
      }
      if (storeOptions == null) {
        storeOptions = UnaryOperator.identity();
      }
      schedulerThreads = schedulerThreads == null ? DEFAULT_SCHEDULER_THREADS : schedulerThreads;
      diskThreads = diskThreads == null ? DEFAULT_DISK_THREADS : diskThreads;
      blobStoreThreads = blobStoreThreads == null ? DEFAULT_BLOB_STORE_THREADS : blobStoreThreads;
      startTimeout = startTimeout == null ? DEFAULT_START_TIMEOUT : startTimeout;
      started = true;
      ClusterMember member = new ClusterMember(nodeId);
      try {
        member.open(this);
        return member;
      } catch (StartException e) {
        member.close();
        throw e;
      } catch (RuntimeException e) {
        member.close();
        throw new StartException(StartException.Reason.OTHER, "node " + nodeId + " could not start: " + e, e);
      }
    }

    private void check() {
      if (started) {
        throw new IllegalStateException("this builder already started a member");
      }
      if (nodeId == null) {
        throw new IllegalStateException("nodeId is required");
      }
      if (topology == null) {
        throw new IllegalStateException("topology is required");
      }
      if (dataDirs == null) {
        throw new IllegalStateException("dataDirs is required");
      }
      if (registryChoice == null) {
        throw new IllegalStateException("a registry is required: etcd(endpoints), registry(registry) or inMemoryRegistry()");
      }
      if (topology.node(nodeId).isEmpty()) {
        throw new IllegalArgumentException("nodeId '" + nodeId + "' is not in the topology " + topology.nodeIds());
      }
      int nodes = topology.nodes().size();
      if (secret == null && nodes > 1) {
        throw new IllegalStateException("secret is required for a cluster of " + nodes + " nodes (only a one-node "
            + "cluster may run with a random one)");
      }
      if (inMemoryRegistry && nodes > 1) {
        throw new IllegalArgumentException("inMemoryRegistry() serves a one-node cluster only, and the topology has "
            + nodes + " nodes: use etcd(endpoints), or registry(registry) shared by the members of one process");
      }
    }

    /** The address to bind: the one given, or every interface at this node's topology port. */
    private InetSocketAddress listen() {
      if (clusterListen != null) {
        return clusterListen;
      }
      return new InetSocketAddress(PeerAddresses.parse(topology.node(nodeId).orElseThrow().address()).getPort());
    }

    private void onceRegistry() {
      if (registryChoice != null) {
        throw new IllegalStateException("the registry was already set to " + registryChoice);
      }
    }

    private static void once(String option, Object earlier) {
      if (earlier != null) {
        throw new IllegalStateException(option + " was already set to " + earlier);
      }
    }

    private static int range(String option, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(option + " must be " + min + " to " + max + ", was " + value);
      }
      return value;
    }
  }
}
