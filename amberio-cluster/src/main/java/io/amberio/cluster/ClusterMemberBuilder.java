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

import io.amberio.cluster.ClusterMember.StartException;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.etcd.EtcdRegistry;
import io.amberio.cluster.registry.etcd.EtcdRegistryBuilder;
import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.cluster.topology.Topology;
import io.amberio.core.BlobStoreBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Configures and starts a {@link ClusterMember}; from {@link ClusterMember#builder()}. Required:
 * {@link #nodeId}, {@link #topology}, {@link #dataDirs}, one registry ({@link #etcd}, {@link
 * #registry} or {@link #inMemoryRegistry}), and {@link #secret} when the topology has more than one
 * node. Every argument is checked when given; each option may be set once, and a second call names
 * the first value. What is missing or does not fit together is rejected by {@link #start()} before
 * anything is opened.
 */
public final class ClusterMemberBuilder {
  NodeId nodeId;
  Topology topology;
  List<Path> dataDirs;
  private InetSocketAddress clusterListen;
  byte[] secret;
  private String registryChoice;
  EtcdRegistryBuilder etcd;
  Registry givenRegistry;
  boolean inMemoryRegistry;
  ClusterConfig config;
  UnaryOperator<BlobStoreBuilder> storeOptions;
  Integer schedulerThreads;
  Integer diskThreads;
  Integer blobStoreThreads;
  Duration startTimeout;
  private boolean started;

  ClusterMemberBuilder() {}

  /** This member's id; a node of the {@link #topology}. Required. */
  public ClusterMemberBuilder nodeId(NodeId id) {
    Objects.requireNonNull(id, "nodeId");
    once("nodeId", nodeId);
    this.nodeId = id;
    return this;
  }

  /**
   * The cluster: slot count, replication factor, and every node with the {@code host:port} its
   * cluster transport listens on (the same topology on every member). Required.
   */
  public ClusterMemberBuilder topology(Topology topology) {
    Objects.requireNonNull(topology, "topology");
    once("topology", this.topology);
    for (Topology.Node n : topology.nodes()) {
      try {
        PeerAddresses.parse(n.address());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "topology: node '"
                + n.id()
                + "' needs a host:port address for the network transport: "
                + e.getMessage());
      }
    }
    this.topology = topology;
    return this;
  }

  /**
   * The data directories (disks) of the store, created if missing; the slots are spread over them
   * in this order. The first also holds {@value ClusterMember#STAGING_DIR}. Required.
   */
  public ClusterMemberBuilder dataDirs(List<Path> dirs) {
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
   * free port (then no other node can reach this one: for tests). Default: every interface, at the
   * port of this node's address in the topology.
   */
  public ClusterMemberBuilder clusterListen(InetSocketAddress address) {
    Objects.requireNonNull(address, "clusterListen");
    once("clusterListen", clusterListen);
    this.clusterListen = address;
    return this;
  }

  /**
   * The cluster secret every node shares, at least 16 bytes: every frame between the nodes is
   * authenticated with it (HMAC-SHA256). Required for a cluster of more than one node; a one-node
   * cluster without one uses a random secret.
   */
  public ClusterMemberBuilder secret(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    if (this.secret != null) {
      throw new IllegalStateException(
          "secret was already set (to a secret of " + this.secret.length + " bytes)");
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
  public ClusterMemberBuilder etcd(List<URI> endpoints) {
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
   * registry of its own making, or several members in one process over one {@link
   * InMemoryRegistry}.
   */
  public ClusterMemberBuilder registry(Registry registry) {
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
  public ClusterMemberBuilder inMemoryRegistry() {
    onceRegistry();
    this.inMemoryRegistry = true;
    this.registryChoice = "an in-memory registry";
    return this;
  }

  /** Lease, RPC and request timeouts; default {@link ClusterConfig#DEFAULTS}. */
  public ClusterMemberBuilder config(ClusterConfig config) {
    Objects.requireNonNull(config, "config");
    once("config", this.config);
    this.config = config;
    return this;
  }

  /**
   * Sets store options (chunk size, retention, ...) on the builder the member opens its store with;
   * the member sets the data directories and the slot count (the topology's), so {@code options}
   * must not. Default: the store's defaults.
   */
  public ClusterMemberBuilder storeOptions(UnaryOperator<BlobStoreBuilder> options) {
    Objects.requireNonNull(options, "storeOptions");
    once("storeOptions", storeOptions);
    this.storeOptions = options;
    return this;
  }

  /**
   * Threads of the scheduler that runs timers and the callbacks of the node, registry and transport
   * (they never block), 1 to 256; default {@value ClusterMember#DEFAULT_SCHEDULER_THREADS}.
   */
  public ClusterMemberBuilder schedulerThreads(int threads) {
    once("schedulerThreads", schedulerThreads);
    this.schedulerThreads = range("schedulerThreads", threads, 1, 256);
    return this;
  }

  /**
   * Threads running the store's blocking calls (reads, writes, fsyncs), 1 to 1024; default {@value
   * ClusterMember#DEFAULT_DISK_THREADS}.
   */
  public ClusterMemberBuilder diskThreads(int threads) {
    once("diskThreads", diskThreads);
    this.diskThreads = range("diskThreads", threads, 1, 1024);
    return this;
  }

  /**
   * Threads reading PUT bodies for {@link ClusterMember#blobStore()}, 1 to 10000: as many as PUTs
   * may run at once (more wait); default {@value ClusterMember#DEFAULT_BLOB_STORE_THREADS}. Idle
   * threads end.
   */
  public ClusterMemberBuilder blobStoreThreads(int threads) {
    once("blobStoreThreads", blobStoreThreads);
    this.blobStoreThreads = range("blobStoreThreads", threads, 1, 10_000);
    return this;
  }

  /** How long joining the cluster may take before the start is given up; default 2 minutes. */
  public ClusterMemberBuilder startTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "startTimeout");
    once("startTimeout", startTimeout);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive, was " + timeout);
    }
    this.startTimeout = timeout;
    return this;
  }

  /**
   * Opens the store, the threads, the registry client and the transport, and waits until the node
   * has joined its cluster. The builder cannot start a second member.
   *
   * @throws IllegalStateException if a required option is missing, or the member was already
   *     started
   * @throws IllegalArgumentException if the options do not fit together (the node is not in the
   *     topology, an in-memory registry for a cluster of several nodes)
   * @throws StartException if a part cannot be opened or the node cannot join; nothing is left
   *     running
   */
  public ClusterMember start() throws StartException {
    check();
    config = config == null ? ClusterConfig.DEFAULTS : config;
    storeOptions = storeOptions == null ? UnaryOperator.identity() : storeOptions;
    schedulerThreads =
        schedulerThreads == null ? ClusterMember.DEFAULT_SCHEDULER_THREADS : schedulerThreads;
    diskThreads = diskThreads == null ? ClusterMember.DEFAULT_DISK_THREADS : diskThreads;
    blobStoreThreads =
        blobStoreThreads == null ? ClusterMember.DEFAULT_BLOB_STORE_THREADS : blobStoreThreads;
    startTimeout = startTimeout == null ? ClusterMember.DEFAULT_START_TIMEOUT : startTimeout;
    started = true;
    return ClusterMember.start(this);
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
      throw new IllegalStateException(
          "a registry is required: etcd(endpoints), registry(registry) or inMemoryRegistry()");
    }
    if (topology.node(nodeId).isEmpty()) {
      throw new IllegalArgumentException(
          "nodeId '" + nodeId + "' is not in the topology " + topology.nodeIds());
    }
    int nodes = topology.nodes().size();
    if (secret == null && nodes > 1) {
      throw new IllegalStateException(
          "secret is required for a cluster of "
              + nodes
              + " nodes (only a one-node "
              + "cluster may run with a random one)");
    }
    if (inMemoryRegistry && nodes > 1) {
      throw new IllegalArgumentException(
          "inMemoryRegistry() serves a one-node cluster only, and the topology has "
              + nodes
              + " nodes: use etcd(endpoints), or registry(registry) shared by the members of one process");
    }
  }

  /** The address to bind: the one given, or every interface at this node's topology port. */
  InetSocketAddress listen() {
    if (clusterListen != null) {
      return clusterListen;
    }
    return new InetSocketAddress(
        PeerAddresses.parse(topology.node(nodeId).orElseThrow().address()).getPort());
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
      throw new IllegalArgumentException(
          option + " must be " + min + " to " + max + ", was " + value);
    }
    return value;
  }
}
