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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The sending end of a body, shared by both transports: pulls frames from the producer's {@link
 * FrameSource} while it holds credits and hands them to a {@link Sink} that carries them to the
 * peer.
 *
 * <p>At most one {@code next()} is outstanding, and a credit is spent before each pull, so the
 * frames pulled and not yet consumed by the receiver never exceed the credits granted: the window.
 * Every call into the producer's source runs on {@code executor} (the scheduler), even when credits
 * arrive on an I/O thread. The source is closed exactly once, when the pump ends, fails or is
 * stopped.
 */
public final class BodyPump {

  /** Where the pulled frames go; called on the executor, one call at a time, in order. */
  public interface Sink {
    /** A frame of 1 to {@link FrameSource#MAX_FRAME_BYTES} bytes. */
    void frame(ByteBuffer frame);

    /** The body ended. */
    void end();

    /** The body cannot be sent ({@link Reason#SOURCE_FAILED} or {@link Reason#FRAME_TOO_LARGE}). */
    void failed(TransportException e);
  }

  private final FrameSource source;
  private final Executor executor;
  private final Sink sink;

  // @GuardedBy("this")
  private int credits;
  private boolean pulling;
  private boolean finished;
  private boolean sourceClosed;

  public BodyPump(FrameSource source, int credits, Executor executor, Sink sink) {
    this.source = source;
    this.credits = credits;
    this.executor = executor;
    this.sink = sink;
  }

  /** Starts pulling. */
  public void start() {
    executor.execute(this::run);
  }

  /** Grants {@code n} more frames. */
  public void credit(int n) {
    synchronized (this) {
      if (finished) {
        return;
      }
      credits += n;
      if (pulling) {
        return;
      }
    }
    executor.execute(this::run);
  }

  /** Stops pulling and closes the source; frames pulled afterwards are dropped. Idempotent. */
  public void stop() {
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
    }
    executor.execute(this::closeSource);
  }

  /** Whether the pump has ended, failed or been stopped. */
  public synchronized boolean finished() {
    return finished;
  }

  private void run() {
    while (true) {
      synchronized (this) {
        if (finished || pulling || credits <= 0) {
          return;
        }
        // Hold the one pull slot, and spend a credit, until the sink has the frame: a credit
        // arriving
        // meanwhile on another thread cannot start a second pull and overtake this frame.
        pulling = true;
        credits--;
      }
      CompletableFuture<Optional<ByteBuffer>> next;
      try {
        next = source.next();
      } catch (RuntimeException e) {
        next = CompletableFuture.failedFuture(e);
      }
      if (!next.isDone()) {
        next.whenComplete(
            (frame, failure) ->
                executor.execute(
                    () -> {
                      if (deliver(frame, failure)) {
                        run();
                      }
                    }));
        return;
      }
      Optional<ByteBuffer> frame = null;
      Throwable failure = null;
      try {
        frame = next.join();
      } catch (RuntimeException e) {
        failure = e;
      }
      if (!deliver(frame, failure)) {
        return;
      }
    }
  }

  /**
   * Hands the result of one pull to the sink, then frees the pull slot; returns whether to keep
   * pulling.
   */
  private boolean deliver(Optional<ByteBuffer> frame, Throwable failure) {
    TransportException error = null;
    synchronized (this) {
      if (finished) {
        pulling = false;
        return false;
      }
      if (failure != null || frame == null) {
        Throwable cause =
            failure == null
                ? new NullPointerException("next() returned a null optional")
                : Failures.unwrap(failure);
        error =
            new TransportException(Reason.SOURCE_FAILED, "the body source failed: " + cause, cause);
      } else if (frame.isPresent() && frame.get().remaining() > FrameSource.MAX_FRAME_BYTES) {
        error =
            new TransportException(
                Reason.FRAME_TOO_LARGE,
                "a body frame of "
                    + frame.get().remaining()
                    + " bytes exceeds "
                    + FrameSource.MAX_FRAME_BYTES);
      } else if (frame.isPresent() && !frame.get().hasRemaining()) {
        credits++; // nothing to send: the credit is not spent
        pulling = false;
        return true;
      }
      if (error != null || frame.isEmpty()) {
        finished = true;
        pulling = false;
      }
    }
    if (error != null) {
      closeSource();
      sink.failed(error);
      return false;
    }
    if (frame.isEmpty()) {
      closeSource();
      sink.end();
      return false;
    }
    sink.frame(frame.get());
    synchronized (this) {
      pulling = false;
    }
    return true;
  }

  private void closeSource() {
    synchronized (this) {
      if (sourceClosed) {
        return;
      }
      sourceClosed = true;
    }
    try {
      source.close();
    } catch (RuntimeException e) {
      // The producer's problem; the exchange is over either way.
    }
  }
}
