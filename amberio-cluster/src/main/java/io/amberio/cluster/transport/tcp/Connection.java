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
import io.amberio.cluster.transport.TransportException;
import io.amberio.cluster.transport.TransportException.Reason;
import io.amberio.core.Scheduler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import javax.crypto.Mac;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection of a {@link NetworkTransport}: framing, the handshake and per-frame
 * authentication. What the frames mean is the business of its {@link Listener} (a client or server
 * session). Confined to the {@link IoLoop} thread.
 *
 * <pre>
 *   client: CONNECTING --connected--> HANDSHAKE --HELLO_OK--> OPEN --+--> CLOSED
 *   server:                           HANDSHAKE --HELLO-----> OPEN   |
 *   any state --reject(..) / goAway()--> DRAINING --EOF or 2 s--> CLOSED
 * </pre>
 *
 * <p>The length prefix is checked before anything is allocated: at most {@link
 * Wire#MAX_HANDSHAKE_FRAME_LENGTH} before the peer has authenticated, {@link Wire#MAX_FRAME_LENGTH}
 * after. A frame that fails any check gets the peer a REJECT and the connection is drained and
 * closed: the output is shut down after the REJECT, and what the peer still sends is read into a
 * small scratch buffer and discarded, so the REJECT is not lost to a reset.
 */
final class Connection implements IoLoop.Handler {

  private static final Logger log = LoggerFactory.getLogger(NetworkTransport.class);
  private static final Duration DRAIN_TIME = Duration.ofSeconds(2);

  /** What every connection of a transport shares. */
  record Settings(
      NodeId self,
      byte[] secret,
      int window,
      Scheduler scheduler,
      Duration handshakeTimeout,
      SecureRandom random) {}

  /** The session on top of a connection; called on the loop thread. */
  interface Listener {
    /** The handshake completed; the peer is authenticated. */
    void opened(Connection c);

    /** An authenticated frame (not HELLO, HELLO_OK, REJECT or GOAWAY). */
    void frame(Connection c, byte kind, ByteBuffer payload) throws Wire.Malformed;

    /** The connection is no longer usable; called once, with why. */
    void closed(Connection c, TransportException cause);
  }

  private enum State {
    CONNECTING,
    HANDSHAKE,
    OPEN,
    DRAINING,
    CLOSED
  }

  private final IoLoop loop;
  private final Settings settings;
  private final SocketChannel channel;
  private final boolean client;
  private final SocketAddress remote;
  private Listener listener;
  private SelectionKey key;
  private State state;
  private NodeId peer;
  private int peerWindow;
  private byte[] clientNonce;
  private Mac inMac;
  private Mac outMac;
  private long inSeq;
  private long outSeq;
  private final ByteBuffer lengthBuffer = ByteBuffer.allocate(Wire.LENGTH_BYTES);
  private ByteBuffer frame;
  private final ArrayDeque<ByteBuffer[]> outbound = new ArrayDeque<>();
  private boolean outputShut;
  private Scheduler.Cancellable timer;

  private Connection(
      IoLoop loop,
      Settings settings,
      SocketChannel channel,
      boolean client,
      NodeId peer,
      SocketAddress remote,
      Listener listener) {
    this.loop = loop;
    this.settings = settings;
    this.channel = channel;
    this.client = client;
    this.peer = peer;
    this.remote = remote;
    this.listener = listener;
  }

  /**
   * Opens a connection to {@code peer} at {@code address}; failures arrive through the listener.
   */
  static Connection connect(
      IoLoop loop, Settings settings, NodeId peer, InetSocketAddress address, Listener listener) {
    SocketChannel channel;
    try {
      channel = SocketChannel.open();
    } catch (IOException e) {
      throw new IllegalStateException("cannot open a socket", e);
    }
    Connection c = new Connection(loop, settings, channel, true, peer, address, listener);
    c.state = State.CONNECTING;
    c.armTimer(
        settings.handshakeTimeout(),
        "no connection to " + peer + " at " + address + " within " + settings.handshakeTimeout());
    try {
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
      boolean connected = channel.connect(address);
      c.key = loop.register(channel, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c);
      if (connected) {
        c.sendHello();
      }
    } catch (IOException | RuntimeException e) {
      loop.execute(
          () ->
              c.close(
                  new TransportException(
                      Reason.UNREACHABLE,
                      "cannot connect to " + peer + " at " + address + ": " + e,
                      e)));
    }
    return c;
  }

  /**
   * Adopts an accepted channel; the peer has {@link Settings#handshakeTimeout()} to authenticate.
   */
  static Connection accept(IoLoop loop, Settings settings, SocketChannel channel, Listener listener)
      throws IOException {
    Connection c =
        new Connection(loop, settings, channel, false, null, channel.getRemoteAddress(), listener);
    c.state = State.HANDSHAKE;
    channel.configureBlocking(false);
    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
    c.key = loop.register(channel, SelectionKey.OP_READ, c);
    c.armTimer(
        settings.handshakeTimeout(),
        "no handshake from " + c.remote + " within " + settings.handshakeTimeout());
    return c;
  }

  /** The authenticated peer (for a client connection, the node it was opened to). */
  NodeId peer() {
    return peer;
  }

  /** The frames the peer accepts in flight per body. */
  int peerWindow() {
    return peerWindow;
  }

  @Override
  public String toString() {
    return (client ? "connection to " : "connection from ")
        + (peer == null ? "?" : peer)
        + " at "
        + remote;
  }

  // ---- writing
  // -----------------------------------------------------------------------------------

  /** Sends an authenticated frame; dropped unless the connection is open. */
  void write(byte kind, ByteBuffer... payload) {
    if (state != State.OPEN) {
      return;
    }
    byte[] mac =
        Wire.frameMac(
            outMac, client ? Wire.FROM_CLIENT : Wire.FROM_SERVER, outSeq++, kind, payload);
    enqueue(Wire.frame(kind, payload, mac));
  }

  private void enqueue(ByteBuffer[] frame) {
    outbound.add(frame);
    if (outbound.size() == 1) {
      flush();
    }
  }

  private void flush() {
    try {
      while (!outbound.isEmpty()) {
        ByteBuffer[] f = outbound.peek();
        channel.write(f);
        if (f[f.length - 1].hasRemaining()) {
          interest(SelectionKey.OP_WRITE, true);
          return;
        }
        outbound.poll();
      }
      interest(SelectionKey.OP_WRITE, false);
      if (state == State.DRAINING && !outputShut) {
        outputShut = true;
        channel.shutdownOutput();
      }
    } catch (IOException e) {
      close(lost("cannot write: " + e, e));
    }
  }

  private void interest(int op, boolean on) {
    if (key != null && key.isValid()) {
      int ops = key.interestOps();
      key.interestOps(on ? ops | op : ops & ~op);
    }
  }

  // ---- reading
  // -----------------------------------------------------------------------------------

  @Override
  public void ready(SelectionKey k) {
    if (!k.isValid() || state == State.CLOSED) {
      return;
    }
    try {
      if (state == State.CONNECTING && k.isConnectable()) {
        if (!channel.finishConnect()) {
          return;
        }
        k.interestOps(SelectionKey.OP_READ);
        sendHello();
      }
      if (state != State.CLOSED && k.isValid() && k.isReadable()) {
        read();
      }
      if (state != State.CLOSED && k.isValid() && k.isWritable()) {
        flush();
      }
    } catch (IOException e) {
      close(lost("I/O error: " + e, e));
    }
  }

  private void read() throws IOException {
    if (state == State.DRAINING) {
      ByteBuffer scratch = ByteBuffer.allocate(4096);
      int n;
      while ((n = channel.read(scratch)) > 0) {
        scratch.clear();
      }
      if (n < 0) {
        close(null);
      }
      return;
    }
    // A bounded number of frames per wake-up keeps one busy peer from starving the others.
    for (int frames = 0; frames < 64 && (state == State.HANDSHAKE || state == State.OPEN); ) {
      if (frame == null) {
        if (channel.read(lengthBuffer) < 0) {
          close(lost("the peer closed the connection", null));
          return;
        }
        if (lengthBuffer.hasRemaining()) {
          return;
        }
        long length = Integer.toUnsignedLong(lengthBuffer.getInt(0));
        lengthBuffer.clear();
        long max = state == State.OPEN ? Wire.MAX_FRAME_LENGTH : Wire.MAX_HANDSHAKE_FRAME_LENGTH;
        if (length > max) {
          reject(Wire.REJECT_TOO_LARGE, "a frame of " + length + " bytes exceeds " + max);
          return;
        }
        if (length < Wire.MIN_FRAME_LENGTH) {
          reject(
              Wire.REJECT_PROTOCOL,
              "a frame of " + length + " bytes is shorter than " + Wire.MIN_FRAME_LENGTH);
          return;
        }
        frame = ByteBuffer.allocate((int) length);
      }
      if (channel.read(frame) < 0) {
        close(lost("the peer closed the connection in the middle of a frame", null));
        return;
      }
      if (frame.hasRemaining()) {
        return;
      }
      ByteBuffer f = frame.flip();
      frame = null;
      frames++;
      received(f);
    }
  }

  private void received(ByteBuffer f) {
    byte kind = f.get(0);
    int payloadLength = f.limit() - 1 - Wire.MAC_BYTES;
    ByteBuffer payload = f.slice(1, payloadLength);
    byte[] mac = new byte[Wire.MAC_BYTES];
    f.get(1 + payloadLength, mac);
    if (kind == Wire.REJECT) {
      rejected(payload);
      return;
    }
    try {
      if (state == State.HANDSHAKE) {
        if (client) {
          receiveHelloOk(kind, payload, mac);
        } else {
          receiveHello(kind, payload, mac);
        }
        return;
      }
      byte[] expected =
          Wire.frameMac(
              inMac,
              client ? Wire.FROM_SERVER : Wire.FROM_CLIENT,
              inSeq,
              kind,
              new ByteBuffer[] {payload});
      if (!MessageDigest.isEqual(expected, mac)) {
        log.warn(
            "Rejected a frame (kind {}, sequence {}) from {} at {}: bad MAC (tampered, replayed or wrong key);"
                + " closing the connection",
            kind,
            inSeq,
            peer,
            remote);
        reject(Wire.REJECT_AUTH, "bad MAC on frame " + inSeq);
        return;
      }
      inSeq++;
      if (kind == Wire.GOAWAY) {
        close(lost("the peer closed its transport", null));
        return;
      }
      listener.frame(this, kind, payload);
    } catch (Wire.Malformed e) {
      reject(Wire.REJECT_PROTOCOL, "malformed frame of kind " + kind + ": " + e.getMessage());
    }
  }

  // ---- handshake
  // ---------------------------------------------------------------------------------

  private void sendHello() {
    state = State.HANDSHAKE;
    clientNonce = new byte[Wire.NONCE_BYTES];
    settings.random().nextBytes(clientNonce);
    ByteBuffer payload = Wire.hello(clientNonce, settings.self(), peer, settings.window());
    enqueue(
        Wire.frame(
            Wire.HELLO,
            new ByteBuffer[] {payload},
            Wire.helloMac(settings.secret(), Wire.HELLO, payload)));
  }

  private void receiveHello(byte kind, ByteBuffer payload, byte[] mac) throws Wire.Malformed {
    if (kind != Wire.HELLO) {
      reject(Wire.REJECT_PROTOCOL, "expected HELLO, got kind " + kind);
      return;
    }
    if (!MessageDigest.isEqual(Wire.helloMac(settings.secret(), kind, payload), mac)) {
      log.warn(
          "Rejected a connection from {}: its HELLO does not carry a valid MAC (wrong cluster secret?)",
          remote);
      reject(Wire.REJECT_AUTH, "HELLO not authenticated by the cluster secret");
      return;
    }
    Wire.Hello hello = Wire.parseHello(payload);
    if (hello.version() != Wire.VERSION) {
      reject(Wire.REJECT_PROTOCOL, "unsupported protocol version " + hello.version());
      return;
    }
    if (!hello.to().equals(settings.self())) {
      reject(Wire.REJECT_WRONG_NODE, "this is node " + settings.self() + ", not " + hello.to());
      return;
    }
    peer = hello.from();
    peerWindow = hello.window();
    byte[] serverNonce = new byte[Wire.NONCE_BYTES];
    settings.random().nextBytes(serverNonce);
    ByteBuffer ok = Wire.helloOk(serverNonce, settings.window());
    enqueue(
        Wire.frame(
            Wire.HELLO_OK,
            new ByteBuffer[] {ok},
            Wire.helloOkMac(settings.secret(), hello.clientNonce(), Wire.HELLO_OK, ok)));
    open(
        Wire.sessionKey(
            settings.secret(), hello.clientNonce(), serverNonce, peer, settings.self()));
  }

  private void receiveHelloOk(byte kind, ByteBuffer payload, byte[] mac) throws Wire.Malformed {
    if (kind != Wire.HELLO_OK) {
      reject(Wire.REJECT_PROTOCOL, "expected HELLO_OK, got kind " + kind);
      return;
    }
    if (!MessageDigest.isEqual(
        Wire.helloOkMac(settings.secret(), clientNonce, kind, payload), mac)) {
      log.warn(
          "Rejected node {} at {}: its HELLO_OK does not carry a valid MAC (wrong cluster secret?)",
          peer,
          remote);
      reject(Wire.REJECT_AUTH, "HELLO_OK not authenticated by the cluster secret");
      return;
    }
    Wire.HelloOk ok = Wire.parseHelloOk(payload);
    peerWindow = ok.window();
    open(Wire.sessionKey(settings.secret(), clientNonce, ok.serverNonce(), settings.self(), peer));
  }

  private void open(byte[] sessionKey) {
    inMac = Wire.mac(sessionKey);
    outMac = Wire.mac(sessionKey);
    state = State.OPEN;
    cancelTimer();
    listener.opened(this);
  }

  // ---- closing
  // -----------------------------------------------------------------------------------

  private void rejected(ByteBuffer payload) {
    int code = payload.hasRemaining() ? payload.get() : 0;
    String message = StandardCharsets.US_ASCII.decode(payload).toString();
    Reason reason;
    switch (code) {
      case Wire.REJECT_AUTH:
        reason = Reason.REJECTED_AUTH;
        break;
      case Wire.REJECT_TOO_LARGE:
        reason = Reason.FRAME_TOO_LARGE;
        break;
      case Wire.REJECT_WRONG_NODE:
      case Wire.REJECT_OVERLOADED:
        reason = state == State.OPEN ? Reason.CONNECTION_LOST : Reason.UNREACHABLE;
        break;
      default:
        reason = Reason.PROTOCOL_ERROR;
    }
    close(
        new TransportException(
            reason,
            (peer == null ? "the peer" : "node " + peer)
                + " at "
                + remote
                + " rejected the connection: "
                + message));
  }

  /** Rejects the peer: sends it an (unauthenticated) REJECT, then drains and closes. */
  void reject(byte code, String message) {
    Reason reason;
    switch (code) {
      case Wire.REJECT_AUTH:
        reason = Reason.REJECTED_AUTH;
        break;
      case Wire.REJECT_TOO_LARGE:
        reason = Reason.FRAME_TOO_LARGE;
        break;
      case Wire.REJECT_WRONG_NODE:
      case Wire.REJECT_OVERLOADED:
        reason = Reason.UNREACHABLE;
        break;
      default:
        reason = Reason.PROTOCOL_ERROR;
    }
    if (code != Wire.REJECT_AUTH) {
      log.debug("Rejecting {}: {}", this, message);
    }
    drain(
        Wire.frame(
            Wire.REJECT, new ByteBuffer[] {Wire.reject(code, message)}, new byte[Wire.MAC_BYTES]),
        new TransportException(reason, "rejected " + this + ": " + message));
  }

  /** Tells the peer this side is closing (GOAWAY), then drains and closes. */
  void goAway(TransportException cause) {
    if (state == State.OPEN) {
      write(Wire.GOAWAY);
    }
    drain(null, cause);
  }

  private void drain(ByteBuffer[] last, TransportException cause) {
    if (state == State.DRAINING || state == State.CLOSED) {
      return;
    }
    State was = state;
    state = State.DRAINING;
    frame = null;
    if (last != null) {
      outbound.clear();
      outbound.add(last);
    }
    Listener l = listener;
    listener = null;
    if (l != null) {
      l.closed(this, cause);
    }
    if (was == State.CONNECTING) {
      close(null);
      return;
    }
    armTimer(DRAIN_TIME, null);
    flush();
  }

  /** Closes at once; {@code cause} (if not null) goes to the listener unless it already heard. */
  void close(TransportException cause) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    cancelTimer();
    outbound.clear();
    if (key != null) {
      key.cancel();
    }
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("closing {}", this, e);
    }
    Listener l = listener;
    listener = null;
    if (l != null) {
      l.closed(this, cause != null ? cause : lost("closed", null));
    }
  }

  private TransportException lost(String message, Throwable cause) {
    boolean wasOpen = state == State.OPEN || (state == State.DRAINING && inMac != null);
    return new TransportException(
        wasOpen ? Reason.CONNECTION_LOST : Reason.UNREACHABLE, this + ": " + message, cause);
  }

  private void armTimer(Duration delay, String timeoutMessage) {
    cancelTimer();
    try {
      timer =
          settings
              .scheduler()
              .schedule(
                  delay,
                  () ->
                      loop.execute(
                          () -> {
                            if (state == State.DRAINING) {
                              close(null);
                            } else if (state != State.OPEN && state != State.CLOSED) {
                              close(
                                  new TransportException(
                                      client ? Reason.UNREACHABLE : Reason.PROTOCOL_ERROR,
                                      timeoutMessage));
                            }
                          }));
    } catch (RuntimeException e) {
      // The scheduler is shutting down; the transport is closing and will close this connection.
      timer = null;
    }
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }
}
