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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.transport.Request;
import io.amberio.cluster.transport.RequestHandler;
import io.amberio.cluster.transport.Response;
import io.amberio.cluster.transport.SendOptions;
import io.amberio.cluster.transport.TransportException;
import io.amberio.cluster.transport.TransportException.Reason;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connection pooling, failures to connect, peer restarts and the builder of {@link
 * NetworkTransport}.
 */
class NetworkTransportConnectionsTest {

  static final NodeId A = NodeId.of("a");
  static final NodeId B = NodeId.of("b");
  static final SendOptions TIMEOUT = SendOptions.timeout(Duration.ofSeconds(20));

  private NetworkFixture fixture;

  private NetworkFixture fixture(UnaryOperator<NetworkTransport.Builder> options) {
    fixture = new NetworkFixture(options);
    return fixture;
  }

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private static Request ping(String text) {
    return Request.of("ping", 1, text.getBytes(UTF_8));
  }

  private static RequestHandler echo() {
    return (from, r) -> CompletableFuture.completedFuture(Response.of(r.header()));
  }

  private static TransportException failure(CompletableFuture<?> f) throws Exception {
    try {
      f.get(30, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return (TransportException) e.getCause();
    }
  }

  @Test
  void sequentialRequestsReuseOneConnection() throws Exception {
    NetworkFixture f = fixture(b -> b);
    NetworkTransport a = f.transport(A);
    f.transport(B).serve(echo());

    for (int i = 0; i < 20; i++) {
      assertEquals(
          "r" + i,
          new String(a.send(B, ping("r" + i), TIMEOUT).get(30, TimeUnit.SECONDS).header(), UTF_8));
    }

    assertEquals(1, a.connectionsOpened());
  }

  @Test
  void concurrentRequestsOpenAtMostMaxConnectionsPerPeer() throws Exception {
    NetworkFixture f = fixture(b -> b.maxConnectionsPerPeer(3));
    NetworkTransport a = f.transport(A);
    List<CompletableFuture<Response>> parked = new ArrayList<>();
    f.transport(B)
        .serve(
            (from, r) -> {
              CompletableFuture<Response> reply = new CompletableFuture<>();
              synchronized (parked) {
                parked.add(reply);
              }
              return reply;
            });

    List<CompletableFuture<Response>> sent = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      sent.add(a.send(B, ping("r" + i), TIMEOUT));
    }
    NetworkFixture.eventually(
        () -> {
          synchronized (parked) {
            return parked.size() == 200;
          }
        },
        "all 200 requests reach the handler");
    synchronized (parked) {
      parked.forEach(p -> p.complete(Response.of(new byte[0])));
    }
    CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);

    assertThat(a.connectionsOpened()).isBetween(1, 3);
  }

  @Test
  void oneConnectionMultiplexesManyRequests() throws Exception {
    NetworkFixture f = fixture(b -> b.maxConnectionsPerPeer(1));
    NetworkTransport a = f.transport(A);
    f.transport(B).serve(echo());
    List<CompletableFuture<Response>> sent = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      sent.add(a.send(B, ping("r" + i), TIMEOUT));
    }
    for (int i = 0; i < 300; i++) {
      assertEquals("r" + i, new String(sent.get(i).get(30, TimeUnit.SECONDS).header(), UTF_8));
    }
    assertEquals(1, a.connectionsOpened());
  }

  @Test
  void closedPortIsUnreachable() throws Exception {
    NetworkFixture f = fixture(b -> b);
    NetworkTransport a = f.transport(A);
    InetSocketAddress nobodyHome;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      nobodyHome = (InetSocketAddress) s.getLocalSocketAddress();
    }
    f.addresses.put(B, nobodyHome);

    assertEquals(Reason.UNREACHABLE, failure(a.send(B, ping("x"), TIMEOUT)).reason());
  }

  @Test
  void silentListenerIsUnreachableAfterTheHandshakeTimeout() throws Exception {
    NetworkFixture f = fixture(b -> b.handshakeTimeout(Duration.ofMillis(300)));
    NetworkTransport a = f.transport(A);
    try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      f.addresses.put(B, (InetSocketAddress) silent.getLocalSocketAddress());

      TransportException e = failure(a.send(B, ping("x"), TIMEOUT));

      assertEquals(Reason.UNREACHABLE, e.reason());
      assertThat(e.getMessage()).contains("within");
    }
  }

  @Test
  void restartedPeerIsReachedOnANewConnection() throws Exception {
    NetworkFixture f = fixture(b -> b);
    NetworkTransport a = f.transport(A);
    NetworkTransport b = f.transport(B);
    b.serve(echo());
    a.send(B, ping("before"), TIMEOUT).get(30, TimeUnit.SECONDS);

    b.close();
    f.transport(B).serve(echo());

    String answer = null;
    for (int attempt = 0; attempt < 3 && answer == null; attempt++) {
      try {
        answer =
            new String(a.send(B, ping("after"), TIMEOUT).get(30, TimeUnit.SECONDS).header(), UTF_8);
      } catch (ExecutionException e) {
        // The old connection's GOAWAY may still be on its way: at most one attempt may land on it.
        assertThat(((TransportException) e.getCause()).reason())
            .isIn(Reason.CONNECTION_LOST, Reason.UNREACHABLE);
      }
    }
    assertEquals("after", answer);
    assertEquals(2, a.connectionsOpened());
  }

  @Test
  void builderChecksItsOptions() {
    NetworkFixture f = fixture(b -> b);
    byte[] secret = NetworkFixture.SECRET;
    assertThatThrownBy(() -> NetworkTransport.builder(A, new byte[15], f.scheduler))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 16 bytes");
    assertThatThrownBy(() -> NetworkTransport.builder(A, secret, f.scheduler).window(8).window(9))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("window was already set to 8");
    assertThatThrownBy(() -> NetworkTransport.builder(A, secret, f.scheduler).window(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> NetworkTransport.builder(A, secret, f.scheduler).resolver(n -> null).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bind");
    NetworkTransport a = f.transport(A);
    assertThatThrownBy(
            () ->
                NetworkTransport.builder(B, secret, f.scheduler)
                    .bind(a.localAddress())
                    .resolver(n -> null)
                    .build())
        .isInstanceOf(UncheckedIOException.class);
  }
}
