package io.amberio.examples.node;

import io.amberio.cluster.ClusterNode;
import io.amberio.cluster.NodeId;
import io.amberio.core.Scheduler;
import io.amberio.cluster.registry.EtcdRegistry;
import io.amberio.cluster.registry.InMemoryRegistry;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.topology.Topology;
import io.amberio.cluster.transport.NetworkTransport;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreBuilder;
import io.amberio.core.BlobStoreException;
import io.amberio.core.replica.ReplicaStore;
import io.amberio.examples.cluster.NodeParts;
import io.amberio.examples.node.NodeConfig.RegistrySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running cluster member, assembled from a {@link NodeConfig}: its store, threads, registry client,
 * transport, {@link ClusterNode}, and the HTTP server in front of it. {@code amberio node --config} runs one;
 * tests run several in one process.
 *
 * <pre>
 *   ReplicaStore over dataDirs (slot count of the topology)
 *   Scheduler.system over {@value #SCHEDULER_THREADS} threads    timers, registry and transport callbacks
 *   disk pool of {@value #DISK_THREADS} threads                  the store's blocking calls
 *   io pool (one thread per HTTP request thread at most)   reading request bodies for the cluster
 *   registry: etcd, in-memory (one-node clusters), or one shared by the caller
 *   NetworkTransport on clusterListen, peers at their topology addresses, HMAC with the secret
 *   ClusterNode.start(), then AmberioServer over node.asBlobStore(io) on httpListen
 * </pre>
 *
 * <p>{@link #close()} takes it down in the opposite order: drain the HTTP server, leave the cluster
 * ({@link ClusterNode#close()}), close the transport, the registry (unless shared), the store, and stop the
 * threads.
 */
public final class ClusterMember implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterMember.class);

  /** Threads of the scheduler (timers, callbacks; they never block). */
  public static final int SCHEDULER_THREADS = 4;
  /** Threads running the store's blocking calls. */
  public static final int DISK_THREADS = 16;
  /** How long joining the cluster may take before the start is given up. */
  public static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  /** Where, under the first data directory, versions copied from peers are staged. */
  static final String STAGING_DIR = "cluster-staging";

  private final NodeConfig config;
  private final List<Step> undo = new ArrayList<>();
  private ReplicaStore store;
  private Registry registry;
  private NetworkTransport transport;
  private ClusterNode node;
  private AmberioServer server;
  private boolean closed;

  /** A failure to start, with a message for the log; whatever had started is closed again. */
  public static final class StartException extends Exception {
    private static final long serialVersionUID = 1L;

    StartException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private interface Step {
    void close() throws Exception;
  }

  private ClusterMember(NodeConfig config) {
    this.config = config;
  }

  /**
   * Starts a member with its own registry client (etcd, or in memory for a one-node cluster).
   *
   * @param storeOptions sets store options other than the data directories and the slot count (which come
   *     from {@code config}); {@code b -> b} for the defaults
   * @param http the HTTP options; the bind address, port and node id come from {@code config}
   * @throws StartException if a part cannot be opened or the node cannot join; nothing is left running
   */
  public static ClusterMember start(NodeConfig config, UnaryOperator<BlobStoreBuilder> storeOptions, ServerOptions http)
      throws StartException {
    return start(config, storeOptions, http, null);
  }

  /**
   * Starts a member that uses {@code sharedRegistry} (not closed by this member) instead of the one its
   * configuration names: for several members in one process over one {@link InMemoryRegistry}.
   *
   * @throws StartException if a part cannot be opened or the node cannot join; nothing is left running
   */
  public static ClusterMember start(
      NodeConfig config, UnaryOperator<BlobStoreBuilder> storeOptions, ServerOptions http, Registry sharedRegistry)
      throws StartException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(storeOptions, "storeOptions");
    Objects.requireNonNull(http, "http");
    ClusterMember member = new ClusterMember(config);
    try {
      member.open(storeOptions, http, sharedRegistry);
      return member;
    } catch (StartException e) {
      member.close();
      throw e;
    } catch (RuntimeException e) {
      member.close();
      throw new StartException("node " + config.nodeId() + " could not start: " + e, e);
    }
  }

  private void open(UnaryOperator<BlobStoreBuilder> storeOptions, ServerOptions http, Registry sharedRegistry)
      throws StartException {
    String id = config.nodeId().value();
    Topology topology = config.topology();

    try {
      store = ReplicaStore.open(storeOptions.apply(BlobStore.builder()).dataDirs(config.dataDirs())
          .slotCount(topology.slotCount()));
    } catch (BlobStoreException e) {
      throw new StartException("Cannot open the store in " + config.dataDirs() + ": " + e.getMessage(), e);
    }
    undo.add(store::close);

    ScheduledThreadPoolExecutor timers = NodeParts.timers(SCHEDULER_THREADS, "amberio-cluster-" + id);
    undo.add(() -> stop(timers));
    Scheduler scheduler = Scheduler.system(timers);
    ExecutorService disk = NodeParts.pool(DISK_THREADS, "amberio-disk-" + id);
    undo.add(() -> stop(disk));
    ExecutorService io = NodeParts.pool(http.maxThreads(), "amberio-io-" + id);
    undo.add(() -> stop(io));

    if (sharedRegistry != null) {
      registry = sharedRegistry;
    } else if (config.registry() instanceof RegistrySpec.Etcd etcd) {
      registry = EtcdRegistry.builder().endpoints(etcd.endpoints()).scheduler(scheduler).build();
      undo.add(registry::close);
    } else {
      registry = new InMemoryRegistry(scheduler);
      undo.add(registry::close);
    }

    InetSocketAddress listen = config.clusterListen().resolve();
    if (listen.isUnresolved()) {
      throw new StartException("Cannot resolve clusterListen " + config.clusterListen(), null);
    }
    Topology.Node self = topology.node(config.nodeId()).orElseThrow();
    if (config.clusterListen().port() != 0 && !self.address().endsWith(":" + config.clusterListen().port())) {
      LOG.warn("clusterListen {} has another port than this node's address {} in the topology: the other nodes connect"
          + " to the latter", config.clusterListen(), self.address());
    }
    byte[] secret = config.secret().map(NodeConfig.Secret::bytes).orElseGet(ClusterMember::randomSecret);
    try {
      transport = NetworkTransport.builder(config.nodeId(), secret, scheduler)
          .bind(listen)
          .resolver(new PeerAddresses(topology, disk))
          .build();
    } catch (UncheckedIOException e) {
      throw new StartException("Cannot listen on " + config.clusterListen() + " for the cluster transport: "
          + e.getCause(), e);
    }
    undo.add(transport::close);

    node = NodeParts.builder(config.nodeId(), topology, store, transport, registry, scheduler, disk)
        .config(config.timings())
        .tempDir(staging(config.dataDirs().get(0)))
        .build();
    undo.add(node::close);
    LOG.info("Node {} joining its cluster of {} nodes ({} slots, {} replicas each; cluster transport on {})", id,
        topology.nodes().size(), topology.slotCount(), topology.replicationFactor(), transport.localAddress());
    try {
      node.start().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartException("Interrupted while node " + id + " was joining its cluster", e);
    } catch (ExecutionException e) {
      throw new StartException("Node " + id + " could not join its cluster: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new StartException("Node " + id + " did not join its cluster within " + START_TIMEOUT.toSeconds()
          + " s (is the registry reachable?)", e);
    }

    ServerOptions options = http.withBindAddress(config.httpListen().host()).withPort(config.httpListen().port())
        .withNodeId(id);
    try {
      server = AmberioServer.start(node.asBlobStore(io), options, ClusterView.of(node));
    } catch (IOException | RuntimeException e) {
      throw new StartException("Cannot listen on " + config.httpListen() + ": " + e, e);
    }
    undo.add(server::close);
  }

  /** The configuration this member runs. */
  public NodeConfig config() {
    return config;
  }

  /** The cluster node. */
  public ClusterNode node() {
    return node;
  }

  /** This node's own store. */
  public ReplicaStore store() {
    return store;
  }

  /** The HTTP server. */
  public AmberioServer server() {
    return server;
  }

  /** The address the cluster transport listens on (the actual port when port 0 was asked). */
  public InetSocketAddress clusterAddress() {
    return transport.localAddress();
  }

  /** Waits until the HTTP server has stopped. */
  public void join() throws InterruptedException {
    server.join();
  }

  /**
   * Stops everything that started, in reverse order: drains the HTTP server, leaves the cluster, closes the
   * transport, the registry (unless shared), the store, and stops the threads. Idempotent.
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
        LOG.error("Stopping node {}: a part failed to close", config.nodeId(), e);
      }
    }
    return clean;
  }

  @Override
  public void close() {
    stop();
  }

  private static byte[] randomSecret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return b;
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

  private static void stop(ExecutorService pool) throws InterruptedException {
    if (!NodeParts.stop(pool)) {
      LOG.warn("Threads still busy after 10 s were interrupted: {}", pool);
    }
  }

  /**
   * Where each peer's transport listens: resolved once at start and again in the background every
   * {@link #REFRESH} (sends must not wait for DNS), so a peer whose name did not resolve, or moved, is found.
   */
  static final class PeerAddresses implements Function<NodeId, InetSocketAddress> {
    static final Duration REFRESH = Duration.ofSeconds(30);

    private record Entry(InetSocketAddress address, long resolvedAt) {}

    private final Map<NodeId, HostPort> peers = new HashMap<>();
    private final Map<NodeId, Entry> resolved = new ConcurrentHashMap<>();
    private final Map<NodeId, Boolean> resolving = new ConcurrentHashMap<>();
    private final Executor background;

    PeerAddresses(Topology topology, Executor background) {
      this.background = background;
      for (Topology.Node n : topology.nodes()) {
        peers.put(n.id(), HostPort.parse(n.address()));
      }
      peers.keySet().forEach(this::resolveNow);
    }

    @Override
    public InetSocketAddress apply(NodeId id) {
      Entry e = resolved.get(id);
      if ((e == null || System.nanoTime() - e.resolvedAt > REFRESH.toNanos()) && peers.containsKey(id)
          && resolving.putIfAbsent(id, Boolean.TRUE) == null) {
        try {
          background.execute(() -> {
            try {
              resolveNow(id);
            } finally {
              resolving.remove(id);
            }
          });
        } catch (RuntimeException rejected) {
          resolving.remove(id);
        }
      }
      return e == null ? null : e.address;
    }

    private void resolveNow(NodeId id) {
      InetSocketAddress a = peers.get(id).resolve();
      if (a.isUnresolved()) {
        LOG.warn("Cannot resolve the address {} of node {}; retrying in the background", peers.get(id), id);
        return;
      }
      resolved.put(id, new Entry(a, System.nanoTime()));
    }
  }
}
