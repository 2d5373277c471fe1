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
package io.amberio.cluster.internal.txn;

import io.amberio.cluster.transport.FrameSource;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A write's bytes: held in memory when small (any attempt may send them again), otherwise the
 * frames read ahead followed by the rest of the stream, which only one attempt can send.
 */
final class WriteBody {
  /**
   * Bodies up to this size are held in memory, so that a write can start over after an epoch
   * change.
   */
  static final int REPLAYABLE_BYTES = 1 << 20;

  private final List<ByteBuffer> head;
  private final FrameSource rest; // null: the whole body is in head
  private boolean used;

  private WriteBody(List<ByteBuffer> head, FrameSource rest) {
    this.head = head;
    this.rest = rest;
  }

  /** Reads up to {@code limit} bytes ahead of {@code source}. */
  static CompletableFuture<WriteBody> read(FrameSource source, int limit) {
    List<ByteBuffer> head = new ArrayList<>();
    CompletableFuture<WriteBody> done = new CompletableFuture<>();
    new Object() {
      long bytes;

      void next() {
        source
            .next()
            .whenComplete(
                (f, t) -> {
                  if (t != null) {
                    source.close();
                    done.completeExceptionally(t);
                  } else if (f.isEmpty()) {
                    done.complete(new WriteBody(head, null));
                  } else {
                    head.add(f.get());
                    bytes += f.get().remaining();
                    if (bytes > limit) {
                      done.complete(new WriteBody(head, source));
                    } else {
                      next();
                    }
                  }
                });
      }
    }.next();
    return done;
  }

  boolean replayable() {
    return rest == null;
  }

  /** The whole body as one array, if it is held in memory and is at most {@code max} bytes. */
  byte[] bytesUpTo(int max) {
    if (rest != null) {
      return null;
    }
    long n = 0;
    for (ByteBuffer b : head) {
      n += b.remaining();
    }
    if (n > max) {
      return null;
    }
    byte[] all = new byte[(int) n];
    int at = 0;
    for (ByteBuffer b : head) {
      int k = b.remaining();
      b.duplicate().get(all, at, k);
      at += k;
    }
    return all;
  }

  /** The bytes for one attempt; null if they were already sent and cannot be again. */
  synchronized FrameSource open() {
    if (rest == null) {
      return FrameSource.of(head.toArray(ByteBuffer[]::new));
    }
    if (used) {
      return null;
    }
    used = true;
    ArrayDeque<ByteBuffer> ahead = new ArrayDeque<>(head);
    return new FrameSource() {
      @Override
      public CompletableFuture<Optional<ByteBuffer>> next() {
        synchronized (ahead) {
          ByteBuffer b = ahead.poll();
          if (b != null) {
            return CompletableFuture.completedFuture(Optional.of(b));
          }
        }
        return rest.next();
      }

      @Override
      public void close() {
        rest.close();
      }
    };
  }

  void close() {
    if (rest != null) {
      rest.close();
    }
  }
}
