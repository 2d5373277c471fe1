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
package io.amberio.cluster.internal;

import io.amberio.cluster.transport.FrameSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** Adapters between frame sources, input streams and disk work. */
public final class Bodies {
  /** The frame size bodies are cut into. */
  public static final int FRAME = 256 * 1024;

  private Bodies() {}

  /**
   * Reads {@code source} to its end, handing each frame to {@code sink} on {@code executor}, one at
   * a time and in order (the next frame is pulled only after the sink took the previous one: disk
   * pace).
   */
  public static CompletableFuture<Long> drain(
      FrameSource source, Executor executor, Consumer<ByteBuffer> sink) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    new Object() {
      long total;

      void pull() {
        CompletableFuture<Optional<ByteBuffer>> next;
        try {
          next = source.next();
        } catch (RuntimeException e) {
          done.completeExceptionally(e);
          return;
        }
        next.whenComplete(
            (frame, failure) -> {
              if (failure != null) {
                done.completeExceptionally(unwrap(failure));
                return;
              }
              if (frame.isEmpty()) {
                done.complete(total);
                return;
              }
              ByteBuffer b = frame.get();
              try {
                executor.execute(
                    () -> {
                      try {
                        total += b.remaining();
                        sink.accept(b);
                      } catch (RuntimeException e) {
                        source.close();
                        done.completeExceptionally(e);
                        return;
                      }
                      pull();
                    });
              } catch (RuntimeException e) {
                source.close();
                done.completeExceptionally(e);
              }
            });
      }
    }.pull();
    return done;
  }

  /**
   * A source reading {@code in} on {@code executor} (reads may block there), {@link #FRAME} bytes a
   * frame. A failure of {@code in} fails the source with an {@link InputFailure}. With {@code
   * closeAtEnd}, the stream is closed at its end or when the consumer closes the source.
   */
  public static FrameSource fromStream(InputStream in, Executor executor, boolean closeAtEnd) {
    return new FrameSource() {
      private boolean ended;

      @Override
      public synchronized CompletableFuture<Optional<ByteBuffer>> next() {
        if (ended) {
          return CompletableFuture.completedFuture(Optional.empty());
        }
        return CompletableFuture.supplyAsync(
            () -> {
              byte[] b = new byte[FRAME];
              int n;
              try {
                n = in.readNBytes(b, 0, b.length);
              } catch (IOException e) {
                close();
                throw new CompletionException(new InputFailure(e));
              }
              if (n == 0) {
                close();
                return Optional.<ByteBuffer>empty();
              }
              return Optional.of(ByteBuffer.wrap(b, 0, n));
            },
            executor);
      }

      @Override
      public synchronized void close() {
        if (!ended) {
          ended = true;
          if (closeAtEnd) {
            try {
              in.close();
            } catch (IOException e) {
              // Nothing more to read from it either way.
            }
          }
        }
      }
    };
  }

  /** A source over bytes in memory, cut into frames. */
  public static FrameSource of(byte[] data) {
    int n = Math.max(1, (data.length + FRAME - 1) / FRAME);
    ByteBuffer[] frames = new ByteBuffer[data.length == 0 ? 0 : n];
    for (int i = 0; i < frames.length; i++) {
      int from = i * FRAME;
      frames[i] = ByteBuffer.wrap(data, from, Math.min(FRAME, data.length - from)).slice();
    }
    return FrameSource.of(frames);
  }

  /** Blocking view of a frame source, for callers on their own threads (an HTTP handler). */
  public static InputStream toStream(FrameSource source) {
    return new InputStream() {
      private ByteBuffer current = ByteBuffer.allocate(0);
      private boolean ended;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        while (!current.hasRemaining()) {
          if (ended) {
            return -1;
          }
          try {
            Optional<ByteBuffer> f = source.next().get();
            if (f.isEmpty()) {
              ended = true;
              return -1;
            }
            current = f.get();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            source.close();
            throw new InterruptedIOException("interrupted while reading a blob from a replica");
          } catch (ExecutionException e) {
            throw new IOException(
                "reading the blob from its replica failed: " + e.getCause().getMessage(),
                e.getCause());
          }
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
      }

      @Override
      public void close() {
        source.close();
      }
    };
  }

  /** A failure of the client's own data stream (maps to INPUT_FAILED). */
  public static final class InputFailure extends RuntimeException {
    public InputFailure(IOException cause) {
      super("reading the bytes failed: " + cause.getMessage(), cause);
    }
  }

  /** The cause of a CompletionException/ExecutionException, else {@code t}. */
  public static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
