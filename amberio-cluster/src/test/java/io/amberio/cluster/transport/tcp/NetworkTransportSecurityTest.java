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

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.transport.FrameSource;
import io.amberio.cluster.transport.Request;
import io.amberio.cluster.transport.Response;
import io.amberio.cluster.transport.SendOptions;
import io.amberio.cluster.transport.TransportException;
import io.amberio.cluster.transport.TransportException.Reason;
import java.io.DataInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link NetworkTransport} against peers that lack the secret, replay, tamper, or send garbage. */
class NetworkTransportSecurityTest {

  static final NodeId SERVER = NodeId.of("guarded");
  static final SendOptions TIMEOUT = SendOptions.timeout(Duration.ofSeconds(20));

  private final NetworkFixture fixture =
      new NetworkFixture(b -> b.window(4).handshakeTimeout(Duration.ofSeconds(1)));
  private final AtomicInteger handled = new AtomicInteger();
  private final AtomicInteger probes = new AtomicInteger();
  private NetworkTransport server;

  @BeforeEach
  void startServer() {
    server = fixture.transport(SERVER);
    server.serve(
        (from, r) -> {
          handled.incrementAndGet();
          if (r.type().equals("park")) {
            return new CompletableFuture<>();
          }
          return CompletableFuture.completedFuture(Response.of(r.header()));
        });
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  private static Request ping(String text) {
    return Request.of("ping", 1, text.getBytes(UTF_8));
  }

  private static TransportException failure(CompletableFuture<?> f) throws Exception {
    try {
      f.get(30, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return (TransportException) e.getCause();
    }
  }

  /** A fresh client on a fresh connection still gets answers. */
  private void assertServerStillServes() throws Exception {
    int before = handled.get();
    NetworkTransport probe = fixture.transport(NodeId.of("probe-" + probes.incrementAndGet()));
    Response r = probe.send(SERVER, ping("still here"), TIMEOUT).get(30, TimeUnit.SECONDS);
    assertEquals("still here", new String(r.header(), UTF_8));
    assertEquals(before + 1, handled.get());
  }

  private RawPeer raw() throws IOException {
    return new RawPeer(server.localAddress());
  }

  @Test
  void clientWithTheWrongSecretIsRejected() throws Exception {
    NetworkTransport intruder =
        fixture.transport(
            NodeId.of("intruder"), "not the cluster secret, 32 bytes".getBytes(UTF_8));

    TransportException e = failure(intruder.send(SERVER, ping("let me in"), TIMEOUT));

    assertEquals(Reason.REJECTED_AUTH, e.reason());
    assertEquals(0, handled.get());
    assertServerStillServes();
  }

  @Test
  void serverThatDoesNotKnowTheSecretIsNotTrusted() throws Exception {
    try (ServerSocket impostor = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      NodeId fake = NodeId.of("impostor");
      fixture.addresses.put(fake, (InetSocketAddress) impostor.getLocalSocketAddress());
      NetworkTransport client = fixture.transport(NodeId.of("client"));
      CompletableFuture<Response> f = client.send(fake, ping("secret stuff"), TIMEOUT);
      try (Socket s = impostor.accept()) {
        // Read the HELLO and answer with a HELLO_OK MACed under a guessed secret.
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] hello = new byte[in.readInt()];
        in.readFully(hello);
        byte[] clientNonce = new byte[Wire.NONCE_BYTES];
        System.arraycopy(hello, 2, clientNonce, 0, Wire.NONCE_BYTES);
        ByteBuffer ok = Wire.helloOk(new byte[Wire.NONCE_BYTES], 4);
        byte[] guessed = "a guessed secret of many bytes!!".getBytes(UTF_8);
        s.getOutputStream()
            .write(
                RawPeer.bytes(
                    Wire.frame(
                        Wire.HELLO_OK,
                        new ByteBuffer[] {ok},
                        Wire.helloOkMac(guessed, clientNonce, Wire.HELLO_OK, ok))));

        assertEquals(Reason.REJECTED_AUTH, failure(f).reason());
        // The client sent nothing after its HELLO but a REJECT: the request never left.
        int length = in.readInt();
        assertEquals(Wire.REJECT, in.readByte());
        in.skipNBytes(length - 1);
        assertEquals(-1, in.read());
      }
    }
  }

  @Test
  void garbageIsRejectedAndTheServerGoesOn() throws Exception {
    byte[] garbage = new byte[100];
    new Random(7).nextBytes(garbage);
    garbage[0] = 42; // a kind that does not exist
    try (RawPeer peer = raw()) {
      peer.write(
          ByteBuffer.allocate(4 + garbage.length).putInt(garbage.length).put(garbage).array());
      assertEquals(Wire.REJECT_PROTOCOL, peer.readReject());
      assertTrue(peer.closedByServer());
    }
    garbage[0] = Wire.HELLO; // a HELLO whose MAC is noise
    try (RawPeer peer = raw()) {
      peer.write(
          ByteBuffer.allocate(4 + garbage.length).putInt(garbage.length).put(garbage).array());
      assertEquals(Wire.REJECT_AUTH, peer.readReject());
      assertTrue(peer.closedByServer());
    }
    byte[] noise = new byte[256 * 1024];
    new Random(8).nextBytes(noise);
    try (RawPeer peer = raw()) {
      try {
        peer.write(noise);
      } catch (IOException e) {
        // The server may close before all the noise is written.
      }
      assertTrue(peer.closedByServer());
    }
    assertServerStillServes();
    assertEquals(1, handled.get());
  }

  @Test
  void hugeLengthPrefixIsRefusedWithoutAllocatingIt() throws Exception {
    long ioThread = ioThreadId("amberio-transport-io-" + SERVER);
    long before = allocatedBytes(ioThread);
    try (RawPeer stranger = raw()) {
      stranger.write(ByteBuffer.allocate(4).putInt(256 << 20).array());
      assertEquals(Wire.REJECT_TOO_LARGE, stranger.readReject());
      assertTrue(stranger.closedByServer());
    }
    try (RawPeer member = raw()) {
      member.handshake(NodeId.of("member"), SERVER, NetworkFixture.SECRET);
      member.write(ByteBuffer.allocate(4).putInt(256 << 20).array());
      assertEquals(Wire.REJECT_TOO_LARGE, member.readReject());
      assertTrue(member.closedByServer());
    }
    try (RawPeer negative = raw()) {
      negative.write(ByteBuffer.allocate(4).putInt(-1).array());
      assertEquals(Wire.REJECT_TOO_LARGE, negative.readReject());
    }
    long allocated = allocatedBytes(ioThread) - before;
    assertThat(allocated).as("bytes allocated by the I/O thread").isLessThan(16L << 20);
    assertServerStillServes();
  }

  @Test
  void truncatedFramesAreDroppedAndDoNotStallOthers() throws Exception {
    try (RawPeer stalled = raw()) {
      stalled.write(ByteBuffer.allocate(14).putInt(100).put(new byte[10]).array());
      assertServerStillServes();
      assertTrue(
          stalled.closedByServer(), "a half-sent HELLO is dropped after the handshake timeout");
    }
    try (RawPeer cutShort = raw()) {
      cutShort.handshake(NodeId.of("member"), SERVER, NetworkFixture.SECRET);
      byte[] frame = cutShort.seal(Wire.REQUEST, Wire.request(1, ping("half"), 5000));
      cutShort.write(Arrays.copyOf(frame, frame.length / 2));
    }
    assertServerStillServes();
    assertEquals(2, handled.get(), "only the two probes were handled, not the half request");
  }

  @Test
  void replayedFrameIsRejectedOnTheSameAndOnAnotherConnection() throws Exception {
    byte[] captured;
    try (RawPeer first = raw()) {
      first.handshake(NodeId.of("member"), SERVER, NetworkFixture.SECRET);
      captured = first.seal(Wire.REQUEST, Wire.request(1, ping("once"), 5000));
      first.write(captured);
      RawPeer.Frame response = first.read();
      assertEquals(Wire.RESPONSE, response.kind());
      assertEquals(1, handled.get());

      first.write(captured);
      assertEquals(Wire.REJECT_AUTH, first.readReject());
      assertTrue(first.closedByServer());
    }
    try (RawPeer second = raw()) {
      second.handshake(NodeId.of("member"), SERVER, NetworkFixture.SECRET);
      second.write(captured);
      assertEquals(Wire.REJECT_AUTH, second.readReject());
      assertTrue(second.closedByServer());
    }
    assertEquals(1, handled.get(), "the replays never reached the handler");
    assertServerStillServes();
  }

  @Test
  void tamperedFrameIsRejected() throws Exception {
    try (RawPeer peer = raw()) {
      peer.handshake(NodeId.of("member"), SERVER, NetworkFixture.SECRET);
      byte[] frame = peer.seal(Wire.REQUEST, Wire.request(1, ping("pay 10"), 5000));
      frame[frame.length - Wire.MAC_BYTES - 1] ^=
          1; // last byte of the header: "pay 10" becomes "pay 11"
      peer.write(frame);
      assertEquals(Wire.REJECT_AUTH, peer.readReject());
      assertTrue(peer.closedByServer());
    }
    assertEquals(0, handled.get());
    assertServerStillServes();
  }

  @Test
  void overrunningTheWindowIsAProtocolError() throws Exception {
    try (RawPeer peer = raw()) {
      int window = peer.handshake(NodeId.of("member"), SERVER, NetworkFixture.SECRET);
      peer.send(
          Wire.REQUEST,
          Wire.request(1, new Request("park", 1, new byte[0], FrameSource.of()), 5000));
      for (int i = 0; i <= window; i++) {
        peer.send(Wire.DATA, ByteBuffer.allocate(Wire.ID_BYTES + 10).putLong(1).flip());
      }
      assertEquals(Wire.REJECT_PROTOCOL, peer.readReject());
    }
    assertServerStillServes();
  }

  @Test
  void requestAddressedToAnotherNodeIsRefused() throws Exception {
    NodeId other = NodeId.of("someone-else");
    fixture.addresses.put(other, server.localAddress());
    NetworkTransport client = fixture.transport(NodeId.of("client"));

    TransportException e = failure(client.send(other, ping("hello?"), TIMEOUT));

    assertEquals(Reason.UNREACHABLE, e.reason());
    assertThat(e.getMessage()).contains("not someone-else");
    assertEquals(0, handled.get());
  }

  private static long ioThreadId(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no thread " + name))
        .getId();
  }

  private static long allocatedBytes(long threadId) {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(
        bean instanceof com.sun.management.ThreadMXBean, "per-thread allocation is measurable");
    com.sun.management.ThreadMXBean sun = (com.sun.management.ThreadMXBean) bean;
    Assumptions.assumeTrue(
        sun.isThreadAllocatedMemorySupported() && sun.isThreadAllocatedMemoryEnabled());
    return sun.getThreadAllocatedBytes(threadId);
  }
}
