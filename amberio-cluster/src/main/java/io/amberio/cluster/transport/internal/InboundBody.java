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

import io.amberio.cluster.transport.FrameSource;
import io.amberio.cluster.transport.TransportException;
import io.amberio.cluster.transport.TransportException.Reason;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The receiving end of a body, shared by both transports: the transport {@linkplain #offer offers}
 * frames as they arrive and the consumer pulls them with {@link #next()}.
 *
 * <p>Flow control is by credit: the sender starts with {@code window} credits, spends one per
 * frame, and gets one back ({@link Listener#consumed()}) each time the consumer takes a frame. So
 * at most {@code window} frames are queued here, and a sender that offers more breaks the protocol
 * ({@link #offer} returns false).
 *
 * <p>Thread-safe: frames arrive on a transport thread while the consumer calls from anywhere. A
 * pending {@link #next()} is completed through {@code completer} (the scheduler), never on the
 * arriving thread, and listener callbacks run outside the lock.
 */
public final class InboundBody implements FrameSource {

  /** What the transport hears back from the consumer. */
  public interface Listener {
    /** The consumer took a frame: grant the sender one more credit. */
    void consumed();

    /** The consumer closed the body before its end: the sender should stop. */
    void abandoned();
  }

  private final Executor completer;
  private final Listener listener;
  private final int window;

  // @GuardedBy("this")
  private final ArrayDeque<ByteBuffer> frames = new ArrayDeque<>();
  private CompletableFuture<Optional<ByteBuffer>> pending;
  private boolean ended;
  private TransportException failure;
  private boolean closed;
  private boolean detached;

  public InboundBody(Executor completer, Listener listener, int window) {
    this.completer = completer;
    this.listener = listener;
    this.window = window;
  }

  /**
   * Adds a frame from the sender. Frames after the end, a failure, a close or a detach are dropped.
   *
   * @return false if the sender overran its window (a protocol violation)
   */
  public boolean offer(ByteBuffer frame) {
    CompletableFuture<Optional<ByteBuffer>> waiter;
    synchronized (this) {
      if (ended || failure != null || closed || detached) {
        return true;
      }
      if (pending == null) {
        if (frames.size() >= window) {
          return false;
        }
        frames.add(frame);
        return true;
      }
      waiter = pending;
      pending = null;
    }
    listener.consumed();
    completer.execute(() -> waiter.complete(Optional.of(frame)));
    return true;
  }

  /** Marks the end of the body; the consumer reads it after the queued frames. */
  public void end() {
    CompletableFuture<Optional<ByteBuffer>> waiter;
    synchronized (this) {
      if (ended || failure != null || closed || detached) {
        return;
      }
      ended = true;
      waiter = pending;
      pending = null;
    }
    if (waiter != null) {
      completer.execute(() -> waiter.complete(Optional.empty()));
    }
  }

  /**
   * Fails the body: queued frames are dropped and the consumer's next read fails with {@code e}. No
   * effect once the consumer has read the end or closed the body.
   */
  public void fail(TransportException e) {
    CompletableFuture<Optional<ByteBuffer>> waiter;
    synchronized (this) {
      if (closed || failure != null || (ended && frames.isEmpty())) {
        return;
      }
      failure = e;
      frames.clear();
      waiter = pending;
      pending = null;
    }
    if (waiter != null) {
      completer.execute(() -> waiter.completeExceptionally(e));
    }
  }

  /**
   * Stops accepting frames because the exchange no longer needs them (the handler has answered);
   * the consumer, if it still reads, sees {@link Reason#CANCELLED}. The listener is not told.
   */
  public void detach() {
    CompletableFuture<Optional<ByteBuffer>> waiter;
    synchronized (this) {
      if (detached || closed || failure != null || (ended && frames.isEmpty())) {
        return;
      }
      detached = true;
      failure =
          new TransportException(
              Reason.CANCELLED, "the exchange was answered before the body was read");
      frames.clear();
      waiter = pending;
      pending = null;
    }
    if (waiter != null) {
      TransportException e = failure;
      completer.execute(() -> waiter.completeExceptionally(e));
    }
  }

  @Override
  public CompletableFuture<Optional<ByteBuffer>> next() {
    ByteBuffer frame;
    synchronized (this) {
      if (pending != null) {
        throw new IllegalStateException("next() called while a previous next() is still pending");
      }
      if (closed) {
        return CompletableFuture.failedFuture(
            new TransportException(Reason.CANCELLED, "the body was closed"));
      }
      frame = frames.poll();
      if (frame == null) {
        if (failure != null) {
          return CompletableFuture.failedFuture(failure);
        }
        if (ended) {
          return CompletableFuture.completedFuture(Optional.empty());
        }
        pending = new CompletableFuture<>();
        return pending;
      }
    }
    listener.consumed();
    return CompletableFuture.completedFuture(Optional.of(frame));
  }

  @Override
  public void close() {
    CompletableFuture<Optional<ByteBuffer>> waiter;
    boolean abandoned;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      abandoned = !ended && failure == null && !detached;
      frames.clear();
      waiter = pending;
      pending = null;
    }
    if (waiter != null) {
      completer.execute(
          () ->
              waiter.completeExceptionally(
                  new TransportException(Reason.CANCELLED, "the body was closed")));
    }
    if (abandoned) {
      listener.abandoned();
    }
  }
}
