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
package io.amberio.cluster.transport.memory;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.sim.SimScheduler;
import io.amberio.cluster.testkit.Bodies;
import io.amberio.cluster.testkit.Bodies.GeneratedSource;
import io.amberio.cluster.testkit.TransportContract;
import io.amberio.cluster.transport.FrameSource;
import io.amberio.cluster.transport.Request;
import io.amberio.cluster.transport.RequestHandler;
import io.amberio.cluster.transport.Response;
import io.amberio.cluster.transport.SendOptions;
import io.amberio.cluster.transport.Transport;
import io.amberio.cluster.transport.TransportException;
import io.amberio.cluster.transport.TransportException.Reason;
import io.amberio.cluster.transport.internal.Failures;
import io.amberio.cluster.transport.memory.InMemoryNetwork.Faults;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The faults of {@link InMemoryNetwork}, on simulated time. */
class InMemoryTransportFaultsTest {

  static final NodeId A = NodeId.of("a");
  static final NodeId B = NodeId.of("b");
  static final NodeId C = NodeId.of("c");
  static final SendOptions ONE_SECOND = SendOptions.timeout(Duration.ofSeconds(1));

  private final SimScheduler scheduler = SimScheduler.create(1);

  private InMemoryNetwork network(long seed, Faults faults) {
    return InMemoryNetwork.builder(scheduler, new Random(seed)).faults(faults).window(4).build();
  }

  /** A handler counting calls and echoing the header. */
  static final class Echo implements RequestHandler {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public CompletableFuture<Response> handle(NodeId from, Request r) {
      calls.incrementAndGet();
      return CompletableFuture.completedFuture(Response.of(r.header()));
    }
  }

  private String outcome(CompletableFuture<Response> f) {
    assertTrue(
        scheduler.runUntil(f::isDone, InMemoryTransportTest.IDLE),
        "the simulation went idle with the future pending");
    try {
      return "ok " + new String(f.get().header(), UTF_8);
    } catch (ExecutionException e) {
      return ((TransportException) e.getCause()).reason().name();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static Request ping(String text) {
    return Request.of("ping", 1, text.getBytes(UTF_8));
  }

  @Test
  void partitionBlocksBothDirectionsUntilHealed() {
    InMemoryNetwork net = network(1, Faults.NONE);
    Transport a = net.join(A);
    Transport b = net.join(B);
    Echo atA = new Echo();
    Echo atB = new Echo();
    a.serve(atA);
    b.serve(atB);

    net.partition(A, B);
    assertEquals("TIMEOUT", outcome(a.send(B, ping("x"), ONE_SECOND)));
    assertEquals("TIMEOUT", outcome(b.send(A, ping("y"), ONE_SECOND)));
    assertEquals(0, atA.calls.get() + atB.calls.get());

    net.heal(A, B);
    assertEquals("ok x", outcome(a.send(B, ping("x"), ONE_SECOND)));
    assertEquals("ok y", outcome(b.send(A, ping("y"), ONE_SECOND)));
  }

  @Test
  void oneWayCutLosesRequestsOneWayAndResponsesTheOther() {
    InMemoryNetwork net = network(1, Faults.NONE);
    Transport a = net.join(A);
    Transport b = net.join(B);
    Echo atA = new Echo();
    Echo atB = new Echo();
    a.serve(atA);
    b.serve(atB);

    net.cut(A, B);

    assertEquals("TIMEOUT", outcome(a.send(B, ping("to b"), ONE_SECOND)));
    assertEquals(0, atB.calls.get(), "a request over the cut direction never arrives");
    assertEquals("TIMEOUT", outcome(b.send(A, ping("to a"), ONE_SECOND)));
    assertEquals(1, atA.calls.get(), "the request crossed; only its response was lost");
  }

  @Test
  void disconnectedNodeIsSilentUntilReconnected() {
    InMemoryNetwork net = network(1, Faults.NONE);
    Transport a = net.join(A);
    Transport c = net.join(C);
    net.join(B).serve(new Echo());
    c.serve(new Echo());

    net.disconnect(B);
    assertEquals("TIMEOUT", outcome(a.send(B, ping("x"), ONE_SECOND)));
    assertEquals("ok x", outcome(a.send(C, ping("x"), ONE_SECOND)));

    net.reconnect(B);
    assertEquals("ok x", outcome(a.send(B, ping("x"), ONE_SECOND)));
  }

  @Test
  void crashedNodeIsSilentItsOwnExchangesFailClosedAndItCanRejoin() {
    InMemoryNetwork net = network(1, Faults.NONE);
    Transport a = net.join(A);
    Transport b = net.join(B);
    TransportContract.Parked parkedAtA = new TransportContract.Parked();
    a.serve(parkedAtA);
    b.serve(new Echo());
    CompletableFuture<Response> fromB =
        b.send(A, ping("pending"), SendOptions.timeout(Duration.ofSeconds(30)));
    scheduler.runUntil(parkedAtA.request::isDone, InMemoryTransportTest.IDLE);

    net.crash(B);

    assertEquals("CLOSED", outcome(fromB));
    assertEquals(
        "TIMEOUT",
        outcome(a.send(B, ping("x"), ONE_SECOND)),
        "a crashed node is silent, not refused");
    scheduler.runUntil(parkedAtA.reply::isCancelled, InMemoryTransportTest.IDLE);
    assertThat(parkedAtA.reply)
        .as("a crash tells nobody: A's handler waits for its deadline")
        .isCancelled();

    Transport b2 = net.join(B);
    b2.serve(new Echo());
    assertEquals("ok again", outcome(a.send(B, ping("again"), ONE_SECOND)));
  }

  @Test
  void duplicatesReachTheHandlerTwiceAndTheCallerHearsOnce() throws Exception {
    InMemoryNetwork net = network(3, new Faults(0, 1, Duration.ofMillis(1), Duration.ofMillis(20)));
    Transport a = net.join(A);
    Transport b = net.join(B);
    List<String> seen = new ArrayList<>();
    b.serve(
        (from, r) -> {
          String header = new String(r.header(), UTF_8);
          if (!r.hasBody()) {
            seen.add(header);
            return CompletableFuture.completedFuture(Response.of(r.header()));
          }
          return Bodies.drain(r.body(), null)
              .handle(
                  (d, failure) -> {
                    seen.add(
                        header
                            + (failure == null
                                ? " body " + d.bytes()
                                : " body "
                                    + ((TransportException) Failures.unwrap(failure)).reason()));
                    return Response.of(r.header());
                  });
        });

    assertEquals("ok once", outcome(a.send(B, ping("once"), ONE_SECOND)));
    GeneratedSource body = new GeneratedSource(10_000, 1000, 1, null);
    CompletableFuture<Response> withBody =
        a.send(B, new Request("put", 1, "put".getBytes(UTF_8), body), ONE_SECOND);
    assertEquals("ok put", outcome(withBody));
    scheduler.runUntilIdle();

    assertThat(seen)
        .containsExactlyInAnyOrder("once", "once", "put body 10000", "put body CONNECTION_LOST");
  }

  @Test
  void sameSeedGivesTheSameScheduleAndAnotherSeedAnother() {
    List<String> first = lossyRun(42);
    List<String> again = lossyRun(42);
    List<String> other = lossyRun(43);

    assertEquals(first, again);
    assertNotEquals(first, other);
    assertThat(first).anyMatch(s -> s.contains("TIMEOUT")).anyMatch(s -> s.contains("-> ok"));
  }

  /**
   * 40 pings over a lossy, duplicating, delaying network; the log of everything that happened, with
   * times.
   */
  private List<String> lossyRun(long seed) {
    SimScheduler s = SimScheduler.create(seed);
    InMemoryNetwork net =
        InMemoryNetwork.builder(s, new Random(seed))
            .faults(new Faults(0.2, 0.2, Duration.ofMillis(1), Duration.ofMillis(50)))
            .build();
    Transport a = net.join(A);
    Transport b = net.join(B);
    List<String> log = new ArrayList<>();
    b.serve(
        (from, r) -> {
          log.add("handled " + new String(r.header(), UTF_8) + " at " + s.elapsed().toNanos());
          return CompletableFuture.completedFuture(Response.of(r.header()));
        });
    for (int i = 0; i < 40; i++) {
      String name = "m" + i;
      a.send(B, ping(name), ONE_SECOND)
          .whenComplete(
              (r, t) ->
                  log.add(
                      name
                          + " -> "
                          + (t == null ? "ok" : ((TransportException) t).reason())
                          + " at "
                          + s.elapsed().toNanos()));
    }
    s.runUntilIdle();
    return log;
  }

  @Test
  void lossyRunDropsDuplicatesAndReorders() {
    List<String> log = lossyRun(42);
    List<String> handled =
        log.stream().filter(s -> s.startsWith("handled")).map(s -> s.split(" ")[1]).toList();
    List<Integer> order =
        handled.stream().map(h -> Integer.parseInt(h.substring(1))).distinct().toList();
    List<Integer> sorted = new ArrayList<>(order);
    Collections.sort(sorted);

    assertThat(handled.size()).as("duplicates were handled twice").isGreaterThan(order.size());
    assertThat(order.size()).as("some requests were dropped").isLessThan(40);
    assertNotEquals(sorted, order, "random delays reorder independent requests");
    assertEquals(
        40,
        log.stream().filter(s -> s.contains(" -> ")).count(),
        "every send completed exactly once");
  }

  @Test
  void delayedFramesOfOneBodyKeepTheirOrder() throws Exception {
    InMemoryNetwork net = network(5, new Faults(0, 0, Duration.ZERO, Duration.ofMillis(30)));
    Transport a = net.join(A);
    Transport b = net.join(B);
    b.serve((from, r) -> Bodies.drain(r.body(), null).thenApply(d -> Response.of(d.sha256())));
    GeneratedSource source = new GeneratedSource(1_000_000, 1000, 9, null);

    CompletableFuture<Response> f =
        a.send(
            B,
            new Request("put", 1, new byte[0], source),
            SendOptions.timeout(Duration.ofHours(1)));

    assertTrue(scheduler.runUntil(f::isDone, InMemoryTransportTest.IDLE));
    assertThat(f.get().header()).isEqualTo(source.digest());
  }

  @Test
  void linkCutInTheMiddleOfABodyStallsItUntilBothSidesTimeOut() throws Exception {
    InMemoryNetwork net = network(1, Faults.NONE);
    Transport a = net.join(A);
    Transport b = net.join(B);
    TransportContract.Parked parked = new TransportContract.Parked();
    b.serve(parked);
    GeneratedSource source = GeneratedSource.endless(1000, null);
    CompletableFuture<Response> f =
        a.send(B, new Request("put", 1, new byte[0], source), ONE_SECOND);
    scheduler.runUntil(parked.request::isDone, InMemoryTransportTest.IDLE);
    FrameSource body = parked.request.get().body();
    CompletableFuture<Long> read =
        body.forEach(frame -> net.cut(A, B)); // cut once the first frame is read

    assertEquals("TIMEOUT", outcome(f));
    assertTrue(scheduler.runUntil(read::isDone, InMemoryTransportTest.IDLE));
    ExecutionException e = assertThrows(ExecutionException.class, read::get);
    assertEquals(Reason.TIMEOUT, ((TransportException) e.getCause()).reason());
    assertTrue(scheduler.runUntil(source::closed, InMemoryTransportTest.IDLE));
  }

  @Test
  void dropRateOneLosesEveryRequestAndZeroNone() {
    InMemoryNetwork net = network(1, new Faults(1, 0, Duration.ZERO, Duration.ZERO));
    Transport a = net.join(A);
    Echo echo = new Echo();
    net.join(B).serve(echo);

    assertEquals("TIMEOUT", outcome(a.send(B, ping("x"), ONE_SECOND)));
    net.faults(Faults.NONE);
    assertEquals("ok x", outcome(a.send(B, ping("x"), ONE_SECOND)));
    assertEquals(1, echo.calls.get());
  }

  @Test
  void nothingRunsOutsideTheScheduler() {
    InMemoryNetwork net = network(1, Faults.NONE);
    Transport a = net.join(A);
    Echo echo = new Echo();
    net.join(B).serve(echo);

    CompletableFuture<Response> f =
        a.send(
            B,
            new Request("put", 1, new byte[0], FrameSource.of(ByteBuffer.allocate(10))),
            ONE_SECOND);

    assertThat(f).isNotDone();
    assertEquals(0, echo.calls.get(), "nothing happens until the scheduler runs");
    assertEquals("ok ", outcome(f));
  }

  @Test
  void joiningTwiceWhileOpenIsRejected() {
    InMemoryNetwork net = network(1, Faults.NONE);
    net.join(A);

    assertThatThrownBy(() -> net.join(A))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already has an open transport");
  }

  @Test
  void faultsAreValidated() {
    assertThatThrownBy(() -> new Faults(1.5, 0, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Faults(0, 0, Duration.ofMillis(2), Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InMemoryNetwork.builder(scheduler, new Random()).window(2).window(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set to 2");
  }
}
