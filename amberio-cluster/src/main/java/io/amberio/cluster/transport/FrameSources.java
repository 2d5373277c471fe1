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
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/** The implementations behind the static and default methods of {@link FrameSource}. */
final class FrameSources {

  static final FrameSource EMPTY =
      new FrameSource() {
        @Override
        public CompletableFuture<Optional<ByteBuffer>> next() {
          return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public void close() {}

        @Override
        public String toString() {
          return "FrameSource.empty()";
        }
      };

  private FrameSources() {}

  /** A source over frames already in memory. */
  static final class ListSource implements FrameSource {
    private final ArrayDeque<ByteBuffer> frames = new ArrayDeque<>();

    ListSource(ByteBuffer... frames) {
      for (ByteBuffer f : frames) {
        this.frames.add(Objects.requireNonNull(f, "frame").duplicate());
      }
    }

    @Override
    public synchronized CompletableFuture<Optional<ByteBuffer>> next() {
      return CompletableFuture.completedFuture(Optional.ofNullable(frames.poll()));
    }

    @Override
    public synchronized void close() {
      frames.clear();
    }
  }

  /**
   * Drains {@code source} in a loop rather than by recursion, so ready frames cannot overflow the
   * stack.
   */
  static CompletableFuture<Long> forEach(FrameSource source, Consumer<? super ByteBuffer> action) {
    Objects.requireNonNull(action, "action");
    CompletableFuture<Long> done = new CompletableFuture<>();
    new Object() {
      long bytes;

      void loop() {
        while (true) {
          CompletableFuture<Optional<ByteBuffer>> next;
          try {
            next = source.next();
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
            return;
          }
          if (!next.isDone()) {
            next.whenComplete(
                (frame, failure) -> {
                  if (accept(frame, failure)) {
                    loop();
                  }
                });
            return;
          }
          Optional<ByteBuffer> frame = null;
          Throwable failure = null;
          try {
            frame = next.join();
          } catch (RuntimeException e) {
            failure = e.getCause() != null ? e.getCause() : e;
          }
          if (!accept(frame, failure)) {
            return;
          }
        }
      }

      boolean accept(Optional<ByteBuffer> frame, Throwable failure) {
        if (failure != null) {
          done.completeExceptionally(unwrap(failure));
          return false;
        }
        if (frame.isEmpty()) {
          done.complete(bytes);
          return false;
        }
        bytes += frame.get().remaining();
        try {
          action.accept(frame.get());
        } catch (RuntimeException | Error e) {
          source.close();
          done.completeExceptionally(e);
          return false;
        }
        return true;
      }
    }.loop();
    return done;
  }

  /** The cause of a {@link CompletionException} or {@link ExecutionException}, else {@code t}. */
  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
