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
package io.amberio.cluster.transport.tcp;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.transport.Request;
import io.amberio.cluster.transport.RequestHandler;
import io.amberio.cluster.transport.Response;
import io.amberio.cluster.transport.SendOptions;
import io.amberio.cluster.transport.Transport;
import io.amberio.cluster.transport.TransportException;
import io.amberio.cluster.transport.TransportException.Reason;
import io.amberio.cluster.transport.internal.Failures;
import io.amberio.core.Scheduler;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Transport} over TCP: a server socket per node, pooled client connections per peer,
 * requests multiplexed on each connection, every frame authenticated with HMAC-SHA256 under the
 * cluster secret.
 *
 * <h2>Design note</h2>
 *
 * <p><b>Frames.</b> Everything on the wire is a frame:
 *
 * <pre>
 *  0        4      5                              5+n               5+n+32
 *  +--------+------+------------------------------+-----------------+
 *  | length | kind | payload (n bytes)            | MAC (32 bytes)  |
 *  | u32 BE | u8   |                              | HMAC-SHA256     |
 *  +--------+------+------------------------------+-----------------+
 *  length = 1 + n + 32, at most 1 KiB before the handshake, 1 MiB + 1 KiB after
 *
 *  payloads (ids are u64, per connection, chosen by the client: 1, 2, 3...)
 *  HELLO    c->s  version u8 | client nonce 16 | from len u8, id | to len u8, id | window u32
 *  HELLO_OK s->c  server nonce 16 | window u32
 *  REQUEST  c->s  id | epoch i64 | timeout ms i64 | flags u8 (1 = body follows) | type len u8, type | header
 *  RESPONSE s->c  id | flags u8 (1 = body follows) | header
 *  FAILURE  s->c  id | code len u8, code | message UTF-8          (REMOTE_ERROR; also ends a reply body)
 *  DATA     both  id | body bytes (1 B to 1 MiB)
 *  END      both  id                                              (end of a body)
 *  CREDIT   both  id | frames u32                                 (the body's receiver consumed frames)
 *  CANCEL   c->s  id                                              (the caller gave up on the exchange)
 *  STOP     s->c  id                                              (the handler closed the request body)
 *  GOAWAY   both  -                                               (closing; fail what is in flight)
 *  REJECT   both  code u8 | ASCII reason; MAC field all zeros     (sent just before closing)
 * </pre>
 *
 * <p>The length is checked against the limit before any buffer is allocated, and then exactly that
 * many bytes are allocated (the limit is small until the peer has authenticated). Oversized,
 * undersized, malformed or unexpected frames get a REJECT (FRAME_TOO_LARGE or PROTOCOL_ERROR) and
 * the connection is closed; the server goes on serving every other connection.
 *
 * <p><b>Authentication.</b> The client sends HELLO with a fresh random nonce, its node id and the
 * node id it means to reach, MACed with the cluster secret; the server checks the MAC and that it
 * is the node asked for, and answers HELLO_OK with its own nonce, MACed with the secret over the
 * client's nonce too (so the client knows the server holds the secret, for this connection). Both
 * derive a session key {@code K = HMAC(secret, label | client nonce | server nonce | client id | 0
 * | server id)}, and every later frame carries {@code HMAC(K, direction | sequence u64 | kind |
 * payload)} where the sequence counts the frames sent in that direction on that connection and is
 * implicit (never on the wire). So a frame replayed on another connection (other nonces, other
 * key), replayed or reordered on the same one (other sequence), reflected back (other direction) or
 * altered fails its MAC: the receiver logs a warning, sends REJECT and closes the connection; the
 * peer fails its exchanges with REJECTED_AUTH. Frames are authenticated, not encrypted.
 *
 * <p><b>Flow control.</b> HELLO and HELLO_OK carry each side's window: how many DATA frames it
 * accepts in flight per body. A body's sender spends one credit per DATA frame and gets it back by
 * CREDIT when the receiver's consumer takes the frame, so at most a window of frames per body is
 * ever buffered; a sender that overruns the window breaks the protocol.
 *
 * <p><b>Threads.</b> One I/O thread per transport, named {@code amberio-transport-io-<node>}, runs
 * a selector over the server socket and every connection; it accepts, connects, reads, writes,
 * checks and computes MACs, and owns every connection's and exchange's state, so none of that needs
 * a lock. It never runs user code: handlers run, futures complete, and body sources are pulled on
 * the injected {@link Scheduler}, which hands work back to the I/O thread through a task queue.
 * Timeouts are scheduled on the Scheduler too.
 *
 * <p><b>Connections.</b> Up to {@code maxConnectionsPerPeer} connections per peer, opened on
 * demand: a request goes on the least loaded one, and a new connection is opened only when every
 * existing one is busy. An exchange waiting for a connection that never opens fails with
 * UNREACHABLE (nothing was sent); once sent, a lost connection fails it with CONNECTION_LOST
 * (outcome unknown).
 *
 * <p><b>Lifecycle.</b> {@link #close()} fails later sends with CLOSED, ends every exchange in
 * progress with CLOSED, sends GOAWAY on every connection, closes the server socket and stops the
 * I/O thread.
 */
public final class NetworkTransport implements Transport {

  private static final Logger log = LoggerFactory.getLogger(NetworkTransport.class);

  /** The default window: DATA frames a body's sender may have in flight. */
  public static final int DEFAULT_WINDOW = 16;

  private final NodeId self;
  private final Scheduler scheduler;
  private final Function<NodeId, InetSocketAddress> resolver;
  private final int window;
  private final int maxConnectionsPerPeer;
  private final int maxInboundConnections;
  private final Connection.Settings settings;
  private final IoLoop loop;
  private final ServerSocketChannel server;
  private final InetSocketAddress localAddress;
  private final AtomicInteger connectionsOpened = new AtomicInteger();
  private volatile RequestHandler handler;
  private final byte[] credentialCheck;
  private volatile boolean closed;

  // Confined to the I/O loop.
  private final Map<NodeId, List<ClientSession>> pool = new HashMap<>();
  private final Set<ServerSession> inbound = new LinkedHashSet<>();

  private NetworkTransport(Builder b) {
    this.credentialCheck =
        Wire.mac(b.secret).doFinal(CREDENTIAL_CHECK_LABEL.getBytes(StandardCharsets.UTF_8));
    this.self = b.self;
    this.scheduler = b.scheduler;
    this.resolver = b.resolver;
    this.window = b.window == null ? DEFAULT_WINDOW : b.window;
    this.maxConnectionsPerPeer = b.maxConnectionsPerPeer == null ? 2 : b.maxConnectionsPerPeer;
    this.maxInboundConnections = b.maxInboundConnections == null ? 256 : b.maxInboundConnections;
    Duration handshakeTimeout =
        b.handshakeTimeout == null ? Duration.ofSeconds(5) : b.handshakeTimeout;
    this.settings =
        new Connection.Settings(
            self, b.secret, window, scheduler, handshakeTimeout, new SecureRandom());
    this.loop = new IoLoop("amberio-transport-io-" + self);
    try {
      this.server = ServerSocketChannel.open();
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(b.bind);
      server.configureBlocking(false);
      this.localAddress = (InetSocketAddress) server.getLocalAddress();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + b.bind + " for node " + self, e);
    }
    loop.execute(
        () -> {
          try {
            loop.register(server, SelectionKey.OP_ACCEPT, key -> accept());
          } catch (IOException e) {
            log.error("node {} cannot accept connections", self, e);
          }
        });
    loop.start();
  }

  /**
   * A builder for the transport of {@code self}.
   *
   * @param secret the cluster secret shared by every node, at least 16 bytes (32 random bytes
   *     advised)
   * @param scheduler where handlers run and futures complete
   */
  public static Builder builder(NodeId self, byte[] secret, Scheduler scheduler) {
    return new Builder(self, secret, scheduler);
  }

  /**
   * Builds a {@link NetworkTransport}; each option may be set once; {@link #bind} and {@link
   * #resolver} are required.
   */
  public static final class Builder {
    private final NodeId self;
    private final byte[] secret;
    private final Scheduler scheduler;
    private InetSocketAddress bind;
    private Function<NodeId, InetSocketAddress> resolver;
    private Integer window;
    private Integer maxConnectionsPerPeer;
    private Integer maxInboundConnections;
    private Duration handshakeTimeout;

    private Builder(NodeId self, byte[] secret, Scheduler scheduler) {
      this.self = Objects.requireNonNull(self, "self");
      Objects.requireNonNull(secret, "secret");
      if (secret.length < 16) {
        throw new IllegalArgumentException(
            "the cluster secret must be at least 16 bytes, was " + secret.length);
      }
      this.secret = secret.clone();
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /**
     * The address to listen on (port 0 picks a free port; see {@link
     * NetworkTransport#localAddress()}).
     */
    public Builder bind(InetSocketAddress address) {
      check(bind, "bind");
      bind = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Where each peer listens; returning null (or throwing) makes sends to that node fail with
     * UNREACHABLE. Called on the sending thread for every send, so it must be quick and must not
     * block.
     */
    public Builder resolver(Function<NodeId, InetSocketAddress> resolver) {
      check(this.resolver, "resolver");
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /**
     * DATA frames a peer may have in flight per body to this node (default {@value
     * NetworkTransport#DEFAULT_WINDOW}), 1 to 1024.
     */
    public Builder window(int frames) {
      check(window, "window");
      window = range("window", frames, 1, 1024);
      return this;
    }

    /** Connections opened to one peer at most (default 2), 1 to 64. */
    public Builder maxConnectionsPerPeer(int n) {
      check(maxConnectionsPerPeer, "maxConnectionsPerPeer");
      maxConnectionsPerPeer = range("maxConnectionsPerPeer", n, 1, 64);
      return this;
    }

    /** Incoming connections accepted at once (default 256); more are closed at once. */
    public Builder maxInboundConnections(int n) {
      check(maxInboundConnections, "maxInboundConnections");
      maxInboundConnections = range("maxInboundConnections", n, 1, 65536);
      return this;
    }

    /** How long a connection may take to connect and authenticate (default 5 s). */
    public Builder handshakeTimeout(Duration timeout) {
      check(handshakeTimeout, "handshakeTimeout");
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("handshakeTimeout must be positive, was " + timeout);
      }
      handshakeTimeout = timeout;
      return this;
    }

    /**
     * Listens and starts the I/O thread.
     *
     * @throws UncheckedIOException if the address cannot be bound
     */
    public NetworkTransport build() {
      if (bind == null) {
        throw new IllegalStateException("bind(address) is required");
      }
      if (resolver == null) {
        throw new IllegalStateException("resolver(function) is required");
      }
      return new NetworkTransport(this);
    }

    private static void check(Object previous, String option) {
      if (previous != null) {
        throw new IllegalStateException(option + " was already set to " + previous);
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

  /** The address this node listens on. */
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  @Override
  public NodeId self() {
    return self;
  }

  @Override
  public synchronized void serve(RequestHandler handler) {
    this.handler = Failures.checkServe(self, this.handler, handler);
  }

  @Override
  public CompletableFuture<Response> send(NodeId to, Request request, SendOptions options) {
    TransportException refused = Failures.checkSend(self, closed, to, request, options);
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    CompletableFuture<Response> future = new CompletableFuture<>();
    InetSocketAddress address;
    try {
      address = resolver.apply(to);
    } catch (RuntimeException e) {
      request.body().close();
      future.completeExceptionally(
          new TransportException(Reason.UNREACHABLE, "cannot resolve node " + to, e));
      return future;
    }
    if (address == null) {
      request.body().close();
      future.completeExceptionally(
          new TransportException(Reason.UNREACHABLE, "no address for node " + to));
      return future;
    }
    ClientExchange x = new ClientExchange(this, to, request, options.timeout(), future);
    future.whenComplete(
        (r, t) -> {
          if (future.isCancelled()) {
            loop.execute(x::cancelledByCaller);
          }
        });
    x.armTimer();
    loop.execute(() -> dispatch(x, to, address));
    return future;
  }

  private void dispatch(ClientExchange x, NodeId to, InetSocketAddress address) {
    if (x.finished()) {
      return;
    }
    if (closed) {
      x.abort(
          new TransportException(Reason.CLOSED, "the transport of " + self + " is closed"), false);
      return;
    }
    List<ClientSession> sessions = pool.computeIfAbsent(to, k -> new ArrayList<>());
    ClientSession best = null;
    for (ClientSession s : sessions) {
      if (best == null || s.load() < best.load()) {
        best = s;
      }
    }
    if (best == null || (best.load() > 0 && sessions.size() < maxConnectionsPerPeer)) {
      best = new ClientSession(this, to);
      sessions.add(best);
      connectionsOpened.incrementAndGet();
      best.connect(address);
    }
    best.submit(x);
  }

  private void accept() {
    while (true) {
      SocketChannel channel;
      try {
        channel = server.accept();
      } catch (IOException e) {
        log.warn("node {} failed to accept a connection", self, e);
        return;
      }
      if (channel == null) {
        return;
      }
      if (closed || inbound.size() >= maxInboundConnections) {
        log.warn(
            "node {} refused a connection: {} open, at most {}",
            self,
            inbound.size(),
            maxInboundConnections);
        closeQuietly(channel);
        continue;
      }
      ServerSession session = new ServerSession(this);
      try {
        session.attach(Connection.accept(loop, settings, channel, session));
        inbound.add(session);
      } catch (IOException e) {
        log.debug("node {} could not set up an accepted connection", self, e);
        closeQuietly(channel);
      }
    }
  }

  /** Closes the transport; waits up to 5 s for the I/O thread to end (not when called on it). */
  /** The label MACed under the secret for {@link #credentialCheck()}; never used on the wire. */
  static final String CREDENTIAL_CHECK_LABEL = "amberio cluster credential check v1";

  /** HMAC-SHA256 of a fixed label under the cluster secret. */
  @Override
  public Optional<byte[]> credentialCheck() {
    return Optional.of(credentialCheck.clone());
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    loop.execute(
        () -> {
          TransportException e =
              new TransportException(Reason.CLOSED, "the transport of " + self + " closed");
          for (List<ClientSession> sessions : new ArrayList<>(pool.values())) {
            for (ClientSession s : new ArrayList<>(sessions)) {
              s.shutdown(e);
            }
          }
          for (ServerSession s : new ArrayList<>(inbound)) {
            s.shutdown(e);
          }
          closeQuietly(server);
          loop.stop();
        });
    try {
      if (!loop.awaitTermination(Duration.ofSeconds(5)) && !loop.inLoop()) {
        log.warn("the I/O thread of node {} did not stop within 5 s", self);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "NetworkTransport[" + self + " at " + localAddress + (closed ? ", closed]" : "]");
  }

  // ---- for the sessions and exchanges
  // ------------------------------------------------------------

  Scheduler scheduler() {
    return scheduler;
  }

  IoLoop loop() {
    return loop;
  }

  Connection.Settings settings() {
    return settings;
  }

  int window() {
    return window;
  }

  RequestHandler handler() {
    return handler;
  }

  void forget(ClientSession session, NodeId peer) {
    List<ClientSession> sessions = pool.get(peer);
    if (sessions != null) {
      sessions.remove(session);
      if (sessions.isEmpty()) {
        pool.remove(peer);
      }
    }
  }

  void forget(ServerSession session) {
    inbound.remove(session);
  }

  /** Client connections opened since the start (for tests of pooling). */
  int connectionsOpened() {
    return connectionsOpened.get();
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      log.debug("closing {}", c, e);
    }
  }
}
