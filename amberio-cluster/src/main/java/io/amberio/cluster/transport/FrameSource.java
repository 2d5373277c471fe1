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
package io.amberio.cluster.transport;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A body: a stream of frames that its consumer pulls one at a time, without blocking.
 *
 * <p>{@link #next()} returns the next frame, or an empty optional at the end; at most one call may
 * be pending at a time. A frame holds 0 to {@link #MAX_FRAME_BYTES} bytes (from its position to its
 * limit) and belongs to the consumer once returned: the producer must not touch it again. The
 * consumer calls {@link #close()} when it stops early, so the producer can release what it holds.
 *
 * <p>The sender of a request or response supplies a source it implements (reading a file, say); the
 * receiver gets a source implemented by the transport, which fails with a {@link
 * TransportException} if the exchange ends early. A source given to {@link Transport#send send} or
 * returned in a {@link Response} is always closed by the transport when the exchange ends.
 */
public interface FrameSource {

  /**
   * The largest frame, in bytes; a transport fails the exchange with {@code FRAME_TOO_LARGE} beyond
   * it.
   */
  int MAX_FRAME_BYTES = 1024 * 1024;

  /**
   * The next frame, or an empty optional at the end of the body.
   *
   * @throws IllegalStateException if a previous call has not completed yet
   */
  CompletableFuture<Optional<ByteBuffer>> next();

  /**
   * Tells the producer the consumer is done; frames not yet read are discarded. Idempotent; a no-op
   * after the end was read. A transport-implemented source then fails further calls to {@link
   * #next()} with {@link TransportException.Reason#CANCELLED}.
   */
  void close();

  /**
   * Reads the body to its end, giving each frame to {@code action} on the thread that produced it;
   * stack safe however many frames are ready at once. If {@code action} throws, the source is
   * closed and the returned future fails with that exception.
   *
   * @return the number of bytes read
   */
  default CompletableFuture<Long> forEach(Consumer<? super ByteBuffer> action) {
    return FrameSources.forEach(this, action);
  }

  /** The body of a request or response that has none; transports send nothing for it. */
  static FrameSource empty() {
    return FrameSources.EMPTY;
  }

  /** A body of the given frames (each frame is duplicated, its contents are not copied). */
  static FrameSource of(ByteBuffer... frames) {
    return new FrameSources.ListSource(frames);
  }
}
