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
package io.amberio.examples.node;

import io.amberio.cluster.ClusterMember;
import io.amberio.cluster.ClusterMemberBuilder;
import io.amberio.cluster.ClusterNode;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.core.BlobStoreBuilder;
import io.amberio.core.replica.ReplicaStore;
import io.amberio.examples.node.NodeConfig.RegistrySpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running cluster member with the HTTP API in front: {@code amberio node --config} runs one;
 * tests run several in one process. The member itself (store, threads, registry client, transport,
 * node) is the library's {@link ClusterMember}, configured from a {@link NodeConfig} by {@link
 * #builder}; this class adds the {@link AmberioServer} over {@link ClusterMember#blobStore()} on
 * {@code httpListen}, its body threads sized to the server's request threads.
 *
 * <p>{@link #stop()} drains the HTTP server first, then closes the member ({@link
 * ClusterMember#stop()}: leave the cluster, close the transport, the registry unless shared, the
 * threads and the store).
 */
public final class ClusterMemberServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterMember.class);

  private final NodeConfig config;
  private final ClusterMember member;
  private final AmberioServer server;
  private boolean closed;

  /** A failure to start, with a message for the log; whatever had started is closed again. */
  public static final class StartException extends Exception {
    private static final long serialVersionUID = 1L;

    StartException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private ClusterMemberServer(NodeConfig config, ClusterMember member, AmberioServer server) {
    this.config = config;
    this.member = member;
    this.server = server;
  }

  /**
   * Starts a member with its own registry client (etcd, or in memory for a one-node cluster).
   *
   * @param storeOptions sets store options other than the data directories and the slot count
   *     (which come from {@code config}); {@code b -> b} for the defaults
   * @param http the HTTP options; the bind address, port and node id come from {@code config}
   * @throws StartException if a part cannot be opened or the node cannot join; nothing is left
   *     running
   */
  public static ClusterMemberServer start(
      NodeConfig config, UnaryOperator<BlobStoreBuilder> storeOptions, ServerOptions http)
      throws StartException {
    return start(config, storeOptions, http, null);
  }

  /**
   * Starts a member that uses {@code sharedRegistry} (not closed by this member) instead of the one
   * its configuration names: for several members in one process over one {@link InMemoryRegistry}.
   *
   * @throws StartException if a part cannot be opened or the node cannot join; nothing is left
   *     running
   */
  public static ClusterMemberServer start(
      NodeConfig config,
      UnaryOperator<BlobStoreBuilder> storeOptions,
      ServerOptions http,
      Registry sharedRegistry)
      throws StartException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(storeOptions, "storeOptions");
    Objects.requireNonNull(http, "http");
    ClusterMember member;
    try {
      member =
          builder(config, sharedRegistry)
              .storeOptions(storeOptions)
              .blobStoreThreads(http.maxThreads())
              .start();
    } catch (ClusterMember.StartException e) {
      throw new StartException(e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new StartException("node " + config.nodeId() + " could not start: " + e, e);
    }
    ServerOptions options;
    try {
      options =
          http.withBindAddress(config.httpListen().host())
              .withPort(config.httpListen().port())
              .withNodeId(config.nodeId().value());
    } catch (RuntimeException e) {
      member.stop();
      throw new StartException("node " + config.nodeId() + " could not start: " + e, e);
    }
    AmberioServer server;
    try {
      server =
          AmberioServer.start(
              member.blobStore(), options, ClusterView.of(member.node(), adminToken(config)));
    } catch (IOException | RuntimeException e) {
      member.stop();
      throw new StartException("Cannot listen on " + config.httpListen() + ": " + e, e);
    }
    return new ClusterMemberServer(config, member, server);
  }

  /**
   * The library's member builder with everything {@code config} says: id, topology, data
   * directories, cluster listen address (resolved at start), secret, timings, and the registry it
   * names, or {@code sharedRegistry} instead when not null.
   */
  static ClusterMemberBuilder builder(NodeConfig config, Registry sharedRegistry) {
    HostPort listen = config.clusterListen();
    ClusterMemberBuilder b =
        ClusterMember.builder()
            .nodeId(config.nodeId())
            .topology(config.topology())
            .dataDirs(config.dataDirs())
            .clusterListen(InetSocketAddress.createUnresolved(listen.host(), listen.port()))
            .config(config.timings());
    config.secret().ifPresent(s -> b.secret(s.bytes()));
    if (sharedRegistry != null) {
      b.registry(sharedRegistry);
    } else if (config.registry() instanceof RegistrySpec.Etcd etcd) {
      b.etcd(etcd.endpoints());
    } else {
      b.inMemoryRegistry();
    }
    return b;
  }

  /**
   * The cluster's admin token, derived from its secret; a node without a secret (a one-node cluster
   * on a random one) gets a token nobody knows, so its topology cannot be changed over HTTP.
   */
  static AdminToken adminToken(NodeConfig config) {
    byte[] secret =
        config
            .secret()
            .map(NodeConfig.Secret::bytes)
            .orElseGet(
                () -> {
                  byte[] b = new byte[32];
                  new java.security.SecureRandom().nextBytes(b);
                  return b;
                });
    return AdminToken.fromSecret(secret);
  }

  /** The configuration this member runs. */
  public NodeConfig config() {
    return config;
  }

  /** The library's cluster member behind the HTTP server. */
  public ClusterMember member() {
    return member;
  }

  /** The cluster node. */
  public ClusterNode node() {
    return member.node();
  }

  /** This node's own store. */
  public ReplicaStore store() {
    return member.node().store();
  }

  /** The HTTP server. */
  public AmberioServer server() {
    return server;
  }

  /** Waits until the HTTP server has stopped. */
  public void join() throws InterruptedException {
    server.join();
  }

  /**
   * Drains the HTTP server, then stops the member (leaves the cluster, closes the transport, the
   * registry unless shared, the threads and the store). Idempotent.
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
    try {
      server.close();
    } catch (RuntimeException e) {
      clean = false;
      LOG.error("Stopping node {}: a part failed to close", config.nodeId(), e);
    }
    return member.stop() && clean;
  }

  @Override
  public void close() {
    stop();
  }
}
