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
package io.amberio.cluster.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.amberio.cluster.testkit.Bodies.GeneratedSource;
import io.amberio.cluster.transport.FrameSource;
import io.amberio.cluster.transport.TransportException;
import io.amberio.cluster.transport.TransportException.Reason;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The receiving ({@link InboundBody}) and sending ({@link BodyPump}) ends of a body, alone. */
class TransportStreamsTest {

  /** An executor that runs tasks only when told. */
  static final class Queue implements Executor {
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable r) {
      tasks.add(r);
    }

    void runAll() {
      Runnable r;
      while ((r = tasks.poll()) != null) {
        r.run();
      }
    }
  }

  static final class Recorder implements InboundBody.Listener {
    final AtomicInteger consumed = new AtomicInteger();
    final AtomicInteger abandoned = new AtomicInteger();

    @Override
    public void consumed() {
      consumed.incrementAndGet();
    }

    @Override
    public void abandoned() {
      abandoned.incrementAndGet();
    }
  }

  static ByteBuffer frame(int n) {
    return ByteBuffer.wrap(new byte[] {(byte) n});
  }

  @Test
  void inboundBodyHoldsAtMostItsWindowAndCreditsEachFrameTaken() throws Exception {
    Queue executor = new Queue();
    Recorder listener = new Recorder();
    InboundBody body = new InboundBody(executor, listener, 2);

    assertThat(body.offer(frame(1))).isTrue();
    assertThat(body.offer(frame(2))).isTrue();
    assertThat(body.offer(frame(3))).as("a third frame overruns a window of 2").isFalse();
    assertEquals(1, body.next().get().orElseThrow().get());
    assertEquals(1, listener.consumed.get());
    assertThat(body.offer(frame(3))).isTrue();
    assertEquals(2, body.next().get().orElseThrow().get());
    assertEquals(3, body.next().get().orElseThrow().get());

    CompletableFuture<Optional<ByteBuffer>> pending = body.next();
    assertThatThrownBy(body::next).isInstanceOf(IllegalStateException.class);
    body.offer(frame(4));
    assertThat(pending).as("completed on the executor, not the arriving thread").isNotDone();
    executor.runAll();
    assertEquals(4, pending.get().orElseThrow().get());
    body.end();
    assertThat(body.next().get()).isEmpty();
    body.close();
    assertEquals(4, listener.consumed.get());
    assertEquals(0, listener.abandoned.get(), "closing after the end abandons nothing");
  }

  @Test
  void closingBeforeTheEndAbandonsAndFailsLaterReads() {
    Recorder listener = new Recorder();
    InboundBody body = new InboundBody(Runnable::run, listener, 4);
    body.offer(frame(1));

    body.close();
    body.close();

    assertEquals(1, listener.abandoned.get());
    assertThat(body.offer(frame(2))).isTrue();
    assertReason(body.next(), Reason.CANCELLED);
  }

  @Test
  void failureDropsQueuedFramesButNotAnEndAlreadyRead() {
    InboundBody body = new InboundBody(Runnable::run, new Recorder(), 4);
    body.offer(frame(1));
    body.fail(new TransportException(Reason.TIMEOUT, "late"));
    assertReason(body.next(), Reason.TIMEOUT);

    InboundBody ended = new InboundBody(Runnable::run, new Recorder(), 4);
    ended.end();
    ended.fail(new TransportException(Reason.TIMEOUT, "late"));
    assertThat(ended.next().join()).isEmpty();
  }

  @Test
  void detachedBodyFailsItsReaderWithCancelledAndTellsNoOne() {
    Recorder listener = new Recorder();
    InboundBody body = new InboundBody(Runnable::run, listener, 4);
    CompletableFuture<Optional<ByteBuffer>> pending = body.next();

    body.detach();

    assertReason(pending, Reason.CANCELLED);
    body.close();
    assertEquals(0, listener.abandoned.get());
  }

  /** A sink recording what a pump delivers. */
  static class Sink implements BodyPump.Sink {
    final List<ByteBuffer> frames = new ArrayList<>();
    int ends;
    TransportException failure;

    @Override
    public void frame(ByteBuffer frame) {
      frames.add(frame);
    }

    @Override
    public void end() {
      ends++;
    }

    @Override
    public void failed(TransportException e) {
      failure = e;
    }
  }

  @Test
  void pumpPullsNoMoreThanItsCredits() {
    GeneratedSource source = new GeneratedSource(100 * 10, 10, 1, null);
    Sink sink = new Sink();
    BodyPump pump = new BodyPump(source, 3, Runnable::run, sink);

    pump.start();
    assertEquals(3, source.framesProduced());
    pump.credit(2);
    assertEquals(5, source.framesProduced());
    pump.credit(1000);

    assertEquals(100, sink.frames.size());
    assertEquals(1, sink.ends);
    assertThat(source.closed()).isTrue();
    assertThat(pump.finished()).isTrue();
  }

  @Test
  void pumpSkipsEmptyFramesWithoutSpendingCredit() {
    Sink sink = new Sink();
    BodyPump pump =
        new BodyPump(
            FrameSource.of(ByteBuffer.allocate(0), frame(1), ByteBuffer.allocate(0), frame(2)),
            2,
            Runnable::run,
            sink);
    pump.start();

    assertEquals(2, sink.frames.size());
    assertEquals(0, sink.ends, "learning of the end takes a pull, and a pull takes a credit");
    pump.credit(1);
    assertEquals(1, sink.ends);
  }

  @Test
  void pumpReportsAFailingSourceAndAnOversizedFrame() {
    Sink failing = new Sink();
    GeneratedSource source = new GeneratedSource(-1, 10, 1, null, 2);
    new BodyPump(source, 10, Runnable::run, failing).start();
    assertEquals(Reason.SOURCE_FAILED, failing.failure.reason());
    assertEquals(2, failing.frames.size());
    assertThat(source.closed()).isTrue();

    Sink big = new Sink();
    new BodyPump(
            FrameSource.of(ByteBuffer.allocate(FrameSource.MAX_FRAME_BYTES + 1)),
            10,
            Runnable::run,
            big)
        .start();
    assertEquals(Reason.FRAME_TOO_LARGE, big.failure.reason());
    assertThat(big.frames).isEmpty();
  }

  @Test
  void stoppedPumpClosesItsSourceOnceAndDropsLateFrames() {
    AtomicInteger closes = new AtomicInteger();
    CompletableFuture<Optional<ByteBuffer>> slow = new CompletableFuture<>();
    FrameSource source =
        new FrameSource() {
          @Override
          public CompletableFuture<Optional<ByteBuffer>> next() {
            return slow;
          }

          @Override
          public void close() {
            closes.incrementAndGet();
          }
        };
    Sink sink = new Sink();
    BodyPump pump = new BodyPump(source, 5, Runnable::run, sink);
    pump.start();

    pump.stop();
    pump.stop();
    slow.complete(Optional.of(frame(1)));

    assertEquals(1, closes.get());
    assertThat(sink.frames).isEmpty();
    assertEquals(0, sink.ends);
  }

  @Test
  void millionsOfReadyFramesDoNotOverflowTheStack() throws Exception {
    GeneratedSource source = new GeneratedSource(2_000_000, 1, 1, null);
    Sink sink =
        new Sink() {
          @Override
          public void frame(ByteBuffer frame) {}
        };
    new BodyPump(source, Integer.MAX_VALUE, Runnable::run, sink).start();
    assertEquals(1, sink.ends);

    assertEquals(2_000_000L, new GeneratedSource(2_000_000, 1, 1, null).forEach(b -> {}).get());
  }

  @Test
  void forEachStopsAndClosesWhenTheActionThrows() {
    GeneratedSource source = new GeneratedSource(100, 10, 1, null);
    CompletableFuture<Long> f =
        source.forEach(
            b -> {
              throw new IllegalStateException("no room");
            });

    assertThatThrownBy(f::join).hasRootCauseMessage("no room");
    assertThat(source.closed()).isTrue();
  }

  static void assertReason(CompletableFuture<?> f, Reason reason) {
    try {
      f.get();
      throw new AssertionError("expected " + reason);
    } catch (ExecutionException e) {
      assertEquals(reason, ((TransportException) e.getCause()).reason());
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
