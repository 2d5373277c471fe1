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
package io.amberio.cluster.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.testkit.Bodies.Drained;
import io.amberio.cluster.testkit.Bodies.GeneratedSource;
import io.amberio.cluster.testkit.Bodies.Meter;
import io.amberio.cluster.transport.FrameSource;
import io.amberio.cluster.transport.HandlerException;
import io.amberio.cluster.transport.Request;
import io.amberio.cluster.transport.RequestHandler;
import io.amberio.cluster.transport.Response;
import io.amberio.cluster.transport.SendOptions;
import io.amberio.cluster.transport.Transport;
import io.amberio.cluster.transport.TransportException;
import io.amberio.cluster.transport.TransportException.Reason;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Transport} must do, written once and bound to each implementation by a tiny
 * subclass. Handlers here never block: the in-memory binding runs everything on one simulated-time
 * thread, where blocking would deadlock.
 */
public abstract class TransportContract {

  protected static final NodeId A = NodeId.of("node-a");
  protected static final NodeId B = NodeId.of("node-b");
  protected static final SendOptions LONG = SendOptions.timeout(Duration.ofSeconds(30));

  /**
   * A new transport for {@code node}, reachable by the others this test creates; closed after the
   * test.
   */
  protected abstract Transport transport(NodeId node);

  /** The window (frames in flight per body) the transports were created with. */
  protected abstract int window();

  /** Waits for {@code f} (driving the simulation if there is one) and returns its value. */
  protected abstract <T> T await(CompletableFuture<T> f) throws Exception;

  /** Waits, with a generous bound, until {@code condition} holds. */
  protected abstract void eventually(BooleanSupplier condition, String what);

  /** A timeout short enough for a test to wait out. */
  protected abstract Duration shortTimeout();

  /** The failure of {@code f}, which must fail with a {@link TransportException}. */
  protected TransportException failure(CompletableFuture<?> f) throws Exception {
    try {
      Object value = await(f);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(TransportException.class);
      return (TransportException) e.getCause();
    }
  }

  protected static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  protected static String string(byte[] b) {
    return new String(b, UTF_8);
  }

  /** A handler that records what it gets and never answers until told. */
  public static final class Parked implements RequestHandler {
    public final CompletableFuture<Request> request = new CompletableFuture<>();
    public final CompletableFuture<Response> reply = new CompletableFuture<>();

    @Override
    public CompletableFuture<Response> handle(NodeId from, Request r) {
      request.complete(r);
      return reply;
    }
  }

  @Test
  public void requestReachesTheHandlerWithTypeEpochHeaderAndSender() throws Exception {
    Transport a = transport(A);
    Transport b = transport(B);
    AtomicReference<String> seen = new AtomicReference<>();
    b.serve(
        (from, r) -> {
          seen.set(
              from
                  + " "
                  + r.type()
                  + " "
                  + r.epoch()
                  + " "
                  + string(r.header())
                  + " "
                  + r.hasBody());
          return CompletableFuture.completedFuture(Response.of(bytes("pong " + r.epoch())));
        });

    Response response = await(a.send(B, Request.of("txn.ping", 42, bytes("ping")), LONG));

    assertEquals("node-a txn.ping 42 ping false", seen.get());
    assertEquals("pong 42", string(response.header()));
    assertThat(response.hasBody()).isFalse();
    assertThat(await(response.body().next())).isEmpty();
  }

  @Test
  public void largeBodyStreamsThroughWholeWithBoundedFramesInFlight() throws Exception {
    Transport a = transport(A);
    Transport b = transport(B);
    Meter meter = new Meter();
    b.serve(
        (from, r) ->
            Bodies.drain(r.body(), meter)
                .thenApply(
                    d ->
                        Response.of(
                            ByteBuffer.allocate(40).putLong(d.bytes()).put(d.sha256()).array())));
    long size = 64L * 1024 * 1024;
    GeneratedSource source = new GeneratedSource(size, 64 * 1024, 1, meter);

    Response response = await(a.send(B, new Request("blob.put", 3, new byte[0], source), LONG));

    ByteBuffer h = ByteBuffer.wrap(response.header());
    assertEquals(size, h.getLong());
    byte[] digest = new byte[32];
    h.get(digest);
    assertThat(digest).isEqualTo(source.digest());
    assertEquals(1024, source.framesProduced());
    assertThat(meter.peak()).as("frames produced and not yet consumed").isBetween(1, window() + 2);
    eventually(source::closed, "the request body source is closed");
  }

  @Test
  public void responseBodyStreamsBackWithBoundedFramesInFlight() throws Exception {
    Transport a = transport(A);
    Transport b = transport(B);
    Meter meter = new Meter();
    long size = 8L * 1024 * 1024 + 5;
    GeneratedSource source = new GeneratedSource(size, 32 * 1024, 2, meter);
    b.serve((from, r) -> CompletableFuture.completedFuture(new Response(bytes("here"), source)));

    Response response = await(a.send(B, Request.of("blob.get", 1, new byte[0]), LONG));
    assertThat(response.hasBody()).isTrue();
    Drained drained = await(Bodies.drain(response.body(), meter));

    assertEquals(size, drained.bytes());
    assertThat(drained.sha256()).isEqualTo(source.digest());
    assertThat(meter.peak()).isBetween(1, window() + 2);
    eventually(source::closed, "the response body source is closed");
  }

  @Test
  public void smallBodiesOfManyFramesArriveInOrder() throws Exception {
    Transport a = transport(A);
    Transport b = transport(B);
    b.serve(
        (from, r) -> {
          StringBuilder sb = new StringBuilder();
          return r.body()
              .forEach(f -> sb.append(UTF_8.decode(f)))
              .thenApply(n -> Response.of(bytes(sb.toString())));
        });
    ByteBuffer[] frames = new ByteBuffer[50];
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < frames.length; i++) {
      frames[i] = ByteBuffer.wrap(bytes(i + ","));
      expected.append(i).append(',');
    }
    frames[10] = ByteBuffer.allocate(0);
    expected.replace(expected.indexOf("10,"), expected.indexOf("10,") + 3, "");

    Response response =
        await(a.send(B, new Request("t", 0, new byte[0], FrameSource.of(frames)), LONG));

    assertEquals(expected.toString(), string(response.header()));
  }

  @Test
  public void concurrentRequestsAreAllInFlightAtOnce() throws Exception {
    Transport a = transport(A);
    Transport b = transport(B);
    int n = 100;
    List<CompletableFuture<Response>> parked = new ArrayList<>();
    List<byte[]> headers = new ArrayList<>();
    b.serve(
        (from, r) -> {
          CompletableFuture<Response> reply = new CompletableFuture<>();
          List<CompletableFuture<Response>> release = null;
          List<byte[]> hs = null;
          synchronized (parked) {
            parked.add(reply);
            headers.add(r.header());
            if (parked.size() == n) {
              release = new ArrayList<>(parked);
              hs = new ArrayList<>(headers);
            }
          }
          if (release != null) {
            // Only once every request is in, answer them all, last first.
            for (int i = n - 1; i >= 0; i--) {
              release.get(i).complete(Response.of(hs.get(i)));
            }
          }
          return reply;
        });

    List<CompletableFuture<Response>> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sent.add(a.send(B, Request.of("t", i, bytes("r" + i)), LONG));
    }
    for (int i = 0; i < n; i++) {
      assertEquals("r" + i, string(await(sent.get(i)).header()));
    }
  }

  @Test
  public void noAnswerWithinTheTimeoutFailsWithTimeoutAndTheFarSideIsCancelled() throws Exception {
    Transport a = transport(A);
    Transport b = transport(B);
    Parked handler = new Parked();
    b.serve(handler);

    CompletableFuture<Response> f =
        a.send(B, Request.of("slow", 1, new byte[0]), SendOptions.timeout(shortTimeout()));
    await(handler.request);

    assertEquals(Reason.TIMEOUT, failure(f).reason());
    eventually(handler.reply::isCancelled, "the handler's future is cancelled");
  }

  @Test
  public void handlerFailureIsRemoteErrorCarryingItsCode() throws Exception {
    Transport a = transport(A);
    Transport b = transport(B);
    b.serve(
        (from, r) -> {
          switch (r.type()) {
            case "typed":
              return CompletableFuture.failedFuture(
                  new HandlerException("version-conflict", "expected 3, have 4"));
            case "thrown":
              throw new IllegalStateException("handler bug");
            default:
              return null;
          }
        });

    TransportException typed = failure(a.send(B, Request.of("typed", 1, new byte[0]), LONG));
    TransportException thrown = failure(a.send(B, Request.of("thrown", 1, new byte[0]), LONG));
    TransportException nothing = failure(a.send(B, Request.of("null", 1, new byte[0]), LONG));

    assertEquals(Reason.REMOTE_ERROR, typed.reason());
    assertEquals(Optional.of("version-conflict"), typed.remoteCode());
    assertThat(typed.getMessage()).contains("expected 3, have 4");
    assertEquals(Optional.of(TransportException.INTERNAL), thrown.remoteCode());
    assertThat(thrown.getMessage()).contains("handler bug");
    assertEquals(Optional.of(TransportException.INTERNAL), nothing.remoteCode());
  }

  @Test
  public void nodeWithoutHandlerAnswersRemoteErrorNoHandler() throws Exception {
    Transport a = transport(A);
    transport(B);

    TransportException e = failure(a.send(B, Request.of("t", 1, new byte[0]), LONG));

    assertEquals(Reason.REMOTE_ERROR, e.reason());
    assertEquals(Optional.of(TransportException.NO_HANDLER), e.remoteCode());
  }

  @Test
  public void cancellingTheFutureReachesTheFarSide() throws Exception {
    Transport a = transport(A);
    Transport b = transport(B);
    Parked handler = new Parked();
    b.serve(handler);
    GeneratedSource source = GeneratedSource.endless(1024, null);

    CompletableFuture<Response> f = a.send(B, new Request("put", 1, new byte[0], source), LONG);
    Request received = await(handler.request);
    assertThat(await(received.body().next())).isPresent();
    f.cancel(true);

    eventually(handler.reply::isCancelled, "the handler's future is cancelled");
    eventually(source::closed, "the caller's body source is closed");
    TransportException e = failure(drainAll(received.body()));
    assertEquals(Reason.CANCELLED, e.reason());
  }

  @Test
  public void handlerAnsweringBeforeReadingTheBodyStopsTheSender() throws Exception {
    Transport a = transport(A);
    Transport b = transport(B);
    b.serve((from, r) -> CompletableFuture.completedFuture(Response.of(bytes("no thanks"))));
    GeneratedSource source = GeneratedSource.endless(4096, null);

    Response response = await(a.send(B, new Request("put", 1, new byte[0], source), LONG));

    assertEquals("no thanks", string(response.header()));
    eventually(source::closed, "the endless source is closed");
    assertThat(source.framesProduced()).isLessThanOrEqualTo(window() + 1);
  }

  @Test
  public void handlerClosingTheBodyStopsTheSenderBeforeItAnswers() throws Exception {
    Transport a = transport(A);
    Transport b = transport(B);
    Parked handler = new Parked();
    b.serve(handler);
    GeneratedSource source = GeneratedSource.endless(4096, null);

    CompletableFuture<Response> f = a.send(B, new Request("put", 1, new byte[0], source), LONG);
    Request received = await(handler.request);
    received.body().close();

    eventually(source::closed, "the sender's source is closed");
    assertThat(f).isNotDone();
    handler.reply.complete(Response.of(bytes("closed it")));
    assertEquals("closed it", string(await(f).header()));
  }

  @Test
  public void callerClosingTheResponseBodyStopsTheServer() throws Exception {
    Transport a = transport(A);
    Transport b = transport(B);
    GeneratedSource source = GeneratedSource.endless(4096, null);
    b.serve((from, r) -> CompletableFuture.completedFuture(new Response(new byte[0], source)));

    Response response = await(a.send(B, Request.of("get", 1, new byte[0]), LONG));
    assertThat(await(response.body().next())).isPresent();
    response.body().close();

    eventually(source::closed, "the server's response source is closed");
    assertThatThrownBy(() -> await(response.body().next()))
        .hasCauseInstanceOf(TransportException.class);
  }

  @Test
  public void responseBodyFailingMidwayFailsTheCallersBody() throws Exception {
    Transport a = transport(A);
    Transport b = transport(B);
    b.serve(
        (from, r) ->
            CompletableFuture.completedFuture(
                new Response(new byte[0], new GeneratedSource(-1, 1000, 3, null, 5))));

    Response response = await(a.send(B, Request.of("get", 1, new byte[0]), LONG));
    TransportException e = failure(drainAll(response.body()));

    assertEquals(Reason.REMOTE_ERROR, e.reason());
    assertEquals(Optional.of("body-failed"), e.remoteCode());
  }

  @Test
  public void requestBodyFailingFailsTheSendWithSourceFailedAndCancelsTheFarSide()
      throws Exception {
    Transport a = transport(A);
    Transport b = transport(B);
    CompletableFuture<Long> farSide = new CompletableFuture<>();
    b.serve(
        (from, r) -> {
          drainAll(r.body())
              .whenComplete(
                  (n, t) -> {
                    if (t != null) {
                      farSide.completeExceptionally(t);
                    } else {
                      farSide.complete(n);
                    }
                  });
          return new CompletableFuture<>();
        });
    // Failing after a window and one frame means the handler has read a frame (and so was called).
    GeneratedSource source = new GeneratedSource(-1, 100, 4, null, window() + 1);

    TransportException e = failure(a.send(B, new Request("put", 1, new byte[0], source), LONG));

    assertEquals(Reason.SOURCE_FAILED, e.reason());
    assertThat(e.getCause()).hasMessageContaining("disk on fire");
    assertEquals(Reason.CANCELLED, failure(farSide).reason());
    eventually(source::closed, "the failed source is closed");
  }

  @Test
  public void oversizedBodyFrameFailsWithFrameTooLarge() throws Exception {
    Transport a = transport(A);
    Transport b = transport(B);
    Parked handler = new Parked();
    b.serve(handler);
    ByteBuffer big = ByteBuffer.allocate(FrameSource.MAX_FRAME_BYTES + 1);

    TransportException e =
        failure(a.send(B, new Request("put", 1, new byte[0], FrameSource.of(big)), LONG));

    assertEquals(Reason.FRAME_TOO_LARGE, e.reason());
  }

  @Test
  public void unknownNodeIsUnreachable() throws Exception {
    Transport a = transport(A);
    GeneratedSource source = new GeneratedSource(10, 10, 1, null);

    TransportException e =
        failure(a.send(NodeId.of("nobody"), new Request("t", 1, new byte[0], source), LONG));

    assertEquals(Reason.UNREACHABLE, e.reason());
    eventually(source::closed, "the body of a request that was never sent is closed");
  }

  @Test
  public void closingFailsPendingAndLaterSendsWithClosedAndReleasesTheFarSide() throws Exception {
    Transport a = transport(A);
    Transport b = transport(B);
    Parked handler = new Parked();
    b.serve(handler);
    CompletableFuture<Response> pending = a.send(B, Request.of("t", 1, new byte[0]), LONG);
    await(handler.request);

    a.close();
    a.close();

    assertEquals(Reason.CLOSED, failure(pending).reason());
    GeneratedSource source = new GeneratedSource(10, 10, 1, null);
    assertEquals(
        Reason.CLOSED, failure(a.send(B, new Request("t", 1, new byte[0], source), LONG)).reason());
    assertThat(source.closed()).isTrue();
    eventually(handler.reply::isCancelled, "the far side's handler is cancelled");
  }

  @Test
  public void farSideClosingFailsPendingWithConnectionLost() throws Exception {
    Transport a = transport(A);
    Transport b = transport(B);
    Parked handler = new Parked();
    b.serve(handler);
    CompletableFuture<Response> pending = a.send(B, Request.of("t", 1, new byte[0]), LONG);
    await(handler.request);

    b.close();

    assertEquals(Reason.CONNECTION_LOST, failure(pending).reason());
    eventually(handler.reply::isCancelled, "the closed side's handler is cancelled");
  }

  @Test
  public void aNodeCanSendToItself() throws Exception {
    Transport a = transport(A);
    a.serve((from, r) -> CompletableFuture.completedFuture(Response.of(bytes("me too, " + from))));

    assertEquals(
        "me too, node-a", string(await(a.send(A, Request.of("t", 0, new byte[0]), LONG)).header()));
  }

  @Test
  public void serveTwiceIsRejected() {
    Transport a = transport(A);
    a.serve((from, r) -> null);

    assertThatThrownBy(() -> a.serve((from, r) -> null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already has a handler");
  }

  @Test
  public void manyExchangesWithBodiesBothWaysInterleave() throws Exception {
    Transport a = transport(A);
    Transport b = transport(B);
    a.serve(TransportContract::digestAndReply);
    b.serve(TransportContract::digestAndReply);
    List<CompletableFuture<Response>> responses = new ArrayList<>();
    List<GeneratedSource> sources = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      GeneratedSource s = new GeneratedSource(100_000 + i * 1000, 4000 + i, i, null);
      sources.add(s);
      Transport from = i % 2 == 0 ? a : b;
      NodeId to = i % 2 == 0 ? B : A;
      responses.add(from.send(to, new Request("digest", i, new byte[0], s), LONG));
    }
    for (int i = 0; i < 20; i++) {
      Response r = await(responses.get(i));
      assertThat(r.header()).as("request body of exchange " + i).isEqualTo(sources.get(i).digest());
      Drained back = await(Bodies.drain(r.body(), null));
      assertEquals(50_000L + i, back.bytes());
      assertThat(back.sha256())
          .isEqualTo(new GeneratedSource(50_000 + i, 3000, i, null).drainDigest());
    }
  }

  /**
   * Reads the request body, then answers its digest and a body of 50,000 + epoch bytes seeded by
   * the epoch.
   */
  private static CompletableFuture<Response> digestAndReply(NodeId from, Request r) {
    long i = r.epoch();
    return Bodies.drain(r.body(), null)
        .thenApply(d -> new Response(d.sha256(), new GeneratedSource(50_000 + i, 3000, i, null)));
  }

  /** Reads a body to its end, ignoring frames; fails as the body fails. */
  protected static CompletableFuture<Long> drainAll(FrameSource body) {
    return body.forEach(f -> {});
  }
}
