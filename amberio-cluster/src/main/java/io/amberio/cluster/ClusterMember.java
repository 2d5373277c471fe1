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

import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.cluster.topology.Topology;
import io.amberio.cluster.transport.tcp.NetworkTransport;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreException;
import io.amberio.core.Scheduler;
import io.amberio.core.replica.ReplicaStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster member ready to run in production: a {@link ClusterNode} with every part it needs,
 * created, started and closed in the right order. A host application embeds one in a few lines and
 * serves {@link #blobStore()} however it likes (the {@code amberio node --config} command puts HTTP
 * in front):
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
 * scheduler thread would stall every timer and callback of the node. Versions copied from peers are
 * staged in {@code <first data dir>/cluster-staging}, emptied of an earlier run's files at start.
 *
 * <h2>Lifecycle</h2>
 *
 * <pre>
 *   builder().start() ─(parts open, node joined)──> RUNNING ──close()──> CLOSED
 *        │                                          ready() true while the node
 *        └─(a part fails, join fails or times out)   holds a valid lease
 *             └─> StartException; what opened is closed again
 * </pre>
 *
 * <p>{@link #close()} takes it down in the reverse order of the start: the node leaves the cluster
 * (its lease is revoked, so the others take over at once), then the transport, the registry client
 * (unless it was given), the thread pools (waiting up to 10 s for work in flight) and the store
 * close. A member closes what it created and never what it was given.
 */
public final class ClusterMember implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterMember.class);

  /** Default threads of the scheduler (timers, callbacks; they never block). */
  public static final int DEFAULT_SCHEDULER_THREADS = 4;

  /** Default threads running the store's blocking calls. */
  public static final int DEFAULT_DISK_THREADS = 16;

  /**
   * Default threads reading PUT bodies for {@link #blobStore()}: at most one per PUT in progress.
   */
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

  /** A builder; {@link ClusterMemberBuilder#start()} starts the member. */
  public static ClusterMemberBuilder builder() {
    return new ClusterMemberBuilder();
  }

  /** Starts a member as {@code spec} says (checked and completed by the builder). */
  static ClusterMember start(ClusterMemberBuilder spec) throws StartException {
    ClusterMember member = new ClusterMember(spec.nodeId);
    try {
      member.open(spec);
      return member;
    } catch (StartException e) {
      member.close();
      throw e;
    } catch (RuntimeException e) {
      member.close();
      throw new StartException(
          StartException.Reason.OTHER, "node " + spec.nodeId + " could not start: " + e, e);
    }
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

  private void open(ClusterMemberBuilder spec) throws StartException {
    String id = spec.nodeId.value();
    Topology topology = spec.topology;
    try {
      store =
          ReplicaStore.open(
              spec.storeOptions
                  .apply(BlobStore.builder())
                  .dataDirs(spec.dataDirs)
                  .slotCount(topology.slotCount()));
    } catch (BlobStoreException e) {
      throw new StartException(
          StartException.Reason.STORE,
          "Cannot open the store in " + spec.dataDirs + ": " + e.getMessage(),
          e);
    }
    undo.add(store::close);

    ScheduledThreadPoolExecutor timers =
        MemberThreads.timers(spec.schedulerThreads, "amberio-cluster-" + id);
    undo.add(() -> MemberThreads.stop(timers));
    Scheduler scheduler = Scheduler.system(timers);
    ExecutorService disk = MemberThreads.pool(spec.diskThreads, "amberio-disk-" + id);
    undo.add(() -> MemberThreads.stop(disk));
    ExecutorService io = MemberThreads.pool(spec.blobStoreThreads, "amberio-io-" + id);
    undo.add(() -> MemberThreads.stop(io));

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
        asked.isUnresolved()
            ? new InetSocketAddress(asked.getHostString(), asked.getPort())
            : asked;
    if (listen.isUnresolved()) {
      throw new StartException(
          StartException.Reason.TRANSPORT, "Cannot resolve clusterListen " + text(asked), null);
    }
    Topology.Node self = topology.node(spec.nodeId).orElseThrow();
    if (asked.getPort() != 0 && !self.address().endsWith(":" + asked.getPort())) {
      LOG.warn(
          "clusterListen {} has another port than this node's address {} in the topology: the other nodes connect"
              + " to the latter",
          text(asked),
          self.address());
    }
    byte[] secret = spec.secret != null ? spec.secret.clone() : randomSecret();
    PeerAddresses addresses = new PeerAddresses(topology, disk);
    try {
      transport =
          NetworkTransport.builder(spec.nodeId, secret, scheduler)
              .bind(listen)
              .resolver(addresses)
              .build();
    } catch (UncheckedIOException e) {
      throw new StartException(
          StartException.Reason.TRANSPORT,
          "Cannot listen on " + text(asked) + " for the cluster transport: " + e.getCause(),
          e);
    }
    undo.add(transport::close);

    node =
        ClusterNode.builder()
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
    node.onTopology(addresses::update); // peers added or moved by a topology change
    undo.add(node::close);
    LOG.info(
        "Node {} joining its cluster of {} nodes ({} slots, {} replicas each; cluster transport on {})",
        id,
        topology.nodes().size(),
        topology.slotCount(),
        topology.replicationFactor(),
        transport.localAddress());
    try {
      node.start().get(spec.startTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartException(
          StartException.Reason.INTERRUPTED,
          "Interrupted while node " + id + " was joining its cluster",
          e);
    } catch (ExecutionException e) {
      throw new StartException(
          StartException.Reason.JOIN,
          "Node " + id + " could not join its cluster: " + e.getCause(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new StartException(
          StartException.Reason.JOIN,
          "Node "
              + id
              + " did not join its cluster within "
              + spec.startTimeout.toSeconds()
              + " s (is the registry reachable?)",
          e);
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
   * The blocking {@link BlobStore} view of the cluster through this member ({@link
   * ClusterNode#asBlobStore}), reading PUT bodies on the member's own threads. Do not close it:
   * {@link #close()} closes the member.
   */
  public BlobStore blobStore() {
    return view;
  }

  /** The address the cluster transport listens on (the actual port when port 0 was asked). */
  public InetSocketAddress clusterAddress() {
    return transport.localAddress();
  }

  /**
   * Whether this member can serve requests now: it has started, is not closed, and holds a valid
   * lease in the registry (false while out of touch with the registry). A health check asks this.
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
   * Closes everything this member created, in reverse order of the start: leaves the cluster,
   * closes the transport, the registry (unless given), stops the threads, closes the store.
   * Failures are logged, and the other parts still close. Idempotent.
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

  /**
   * The staging directory, emptied of files an earlier run left (the store's lock makes it ours
   * alone).
   */
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
}
