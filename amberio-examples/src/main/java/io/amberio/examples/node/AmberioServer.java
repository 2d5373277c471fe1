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

import io.amberio.core.BlobStore;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Objects;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running single-node HTTP server for one {@link BlobStore}: the whole HTTP API of the contract
 * (objects, listing, {@code /health}, {@code /nodes}, {@code /slots/{id}}, {@code /metrics}) with
 * this node holding every slot.
 *
 * <pre>{@code
 * try (BlobStore store = BlobStore.builder().dataDir(dir).build();
 *     AmberioServer server = AmberioServer.start(store, ServerOptions.defaults().withPort(0))) {
 *   URI base = server.uri(); // http://127.0.0.1:<port>
 * }
 * }</pre>
 *
 * <p>The caller owns the store: {@link #close()} stops serving (letting requests in flight finish,
 * up to {@link ServerOptions#drainTimeout()}) but does not close the store; close it after the
 * server.
 *
 * <p>Jetty sits in front with its URI checks relaxed ({@link UriCompliance#UNSAFE}) and no handler
 * that normalizes paths, so the node judges every path exactly as the client sent it. Handlers,
 * outermost first: {@link DrainingHandler} (graceful stop), Jetty's minimum data rate check (which
 * also counts bytes for the metrics), then the {@link Router}.
 */
public final class AmberioServer implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(AmberioServer.class);

  private final Server jetty;
  private final ServerConnector connector;
  private final NodeStatus node;
  private final HttpMetrics metrics;
  private final String host;

  private AmberioServer(
      Server jetty, ServerConnector connector, NodeStatus node, HttpMetrics metrics, String host) {
    this.jetty = jetty;
    this.connector = connector;
    this.node = node;
    this.metrics = metrics;
    this.host = host;
  }

  /**
   * Starts serving {@code store}; returns once the server listens.
   *
   * @throws IOException if the address cannot be bound (in use, not local)
   */
  public static AmberioServer start(BlobStore store, ServerOptions options) throws IOException {
    return start(store, options, null);
  }

  /**
   * Starts serving {@code store} for a cluster member: the same API, with {@code /health}, {@code
   * /nodes} and {@code /slots/{id}} showing {@code cluster} (null: a single node, as {@link
   * #start(BlobStore, ServerOptions)}). {@code store} is usually {@link
   * io.amberio.cluster.ClusterNode#asBlobStore}.
   *
   * @throws IOException if the address cannot be bound (in use, not local)
   */
  public static AmberioServer start(BlobStore store, ServerOptions options, ClusterView cluster)
      throws IOException {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(options, "options");

    QueuedThreadPool threads =
        new QueuedThreadPool(options.maxThreads(), Math.min(8, options.maxThreads()));
    threads.setName("amberio-http");
    Server jetty = new Server(threads);
    ServerConnector connector =
        new ServerConnector(jetty, new HttpConnectionFactory(httpConfiguration(options)));
    connector.setHost(options.bindAddress());
    connector.setPort(options.port());
    connector.setIdleTimeout(options.idleTimeout().toMillis());
    jetty.addConnector(connector);
    jetty.addBean(new NetworkConnectionLimit(options.maxConnections(), connector));
    jetty.setErrorHandler(new JsonErrorHandler());
    jetty.setStopTimeout(options.drainTimeout().toMillis());
    jetty.setStopAtShutdown(false);

    // Bind first: the node id defaults to the address, which needs the actual port.
    connector.open();
    String host = publicHost(options.bindAddress());
    String address =
        (host.contains(":") ? "[" + host + "]" : host) + ":" + connector.getLocalPort();
    NodeStatus node =
        new NodeStatus(options.nodeId() == null ? address : options.nodeId(), address);
    HttpMetrics metrics = new HttpMetrics();
    metrics.bind(store);
    Router router = new Router(store, node, cluster, metrics, options.maxBlobSize());
    MinimumDataRateHandler rateAndStats =
        new MinimumDataRateHandler(router, options.minRequestRate(), 0);
    metrics.bind(rateAndStats);
    jetty.setHandler(new DrainingHandler(rateAndStats));

    AmberioServer server = new AmberioServer(jetty, connector, node, metrics, host);
    try {
      jetty.start();
    } catch (Exception e) {
      server.close();
      if (e instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException("the HTTP server did not start", e);
    }
    node.moveTo(NodeStatus.State.UP);
    LOG.info("Node {} serving {} ({} slots)", node.id(), server.uri(), store.slotCount());
    return server;
  }

  private static HttpConfiguration httpConfiguration(ServerOptions options) {
    HttpConfiguration http = new HttpConfiguration();
    // The node judges paths itself (PercentDecoder + the store's rules): let every URI through to
    // it.
    http.setUriCompliance(UriCompliance.UNSAFE);
    http.setRequestHeaderSize(options.maxHeaderSize());
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    return http;
  }

  /**
   * The host name clients use: the bind address, or this machine's name when bound to every
   * interface.
   */
  private static String publicHost(String bindAddress) {
    try {
      InetAddress address = InetAddress.getByName(bindAddress);
      if (address.isAnyLocalAddress()) {
        return InetAddress.getLocalHost().getHostName();
      }
      return address.getHostAddress();
    } catch (UnknownHostException e) {
      return bindAddress;
    }
  }

  /** The port the server listens on (the one picked when the options asked for port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** The base URI of the API, e.g. {@code http://127.0.0.1:7480}. */
  public URI uri() {
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
  }

  /** The node id, as {@code /health} and {@code /nodes} report it. */
  public String nodeId() {
    return node.id();
  }

  /** Waits until the server has stopped. */
  public void join() throws InterruptedException {
    jetty.join();
  }

  /**
   * Stops serving: stops accepting connections, lets requests in flight finish for up to the drain
   * timeout (new requests on open connections get 503), then closes every connection. Does not
   * close the store. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (node.state() == NodeStatus.State.STOPPED) {
        return;
      }
      node.moveTo(NodeStatus.State.DRAINING);
    }
    try {
      jetty.stop();
    } catch (Exception e) {
      LOG.warn("Stopping the HTTP server of node {} failed", node.id(), e);
    } finally {
      metrics.close();
      node.moveTo(NodeStatus.State.STOPPED);
    }
    LOG.info("Node {} stopped serving", node.id());
  }
}
