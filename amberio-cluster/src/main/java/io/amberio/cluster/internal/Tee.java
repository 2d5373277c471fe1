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
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Splits one body into several, one per replica, without holding more than {@link #WINDOW} frames:
 * the upstream is pulled only when a branch needs a frame nobody has yet, and the fastest branch
 * waits while it is {@code WINDOW} frames ahead of the slowest open one. A closed branch stops
 * counting; when every branch is closed the upstream is closed. An upstream failure fails every
 * branch.
 */
public final class Tee {
  static final int WINDOW = 4;

  private final FrameSource upstream;
  private final List<Branch> branches = new ArrayList<>();
  private final List<ByteBuffer> frames = new ArrayList<>(); // frames[i] is frame base + i
  private long base;
  private boolean pulling;
  private boolean ended;
  private Throwable failure;

  public Tee(FrameSource upstream, int count) {
    this.upstream = upstream;
    for (int i = 0; i < count; i++) {
      branches.add(new Branch());
    }
  }

  public FrameSource branch(int i) {
    return branches.get(i);
  }

  private long minOpen() {
    long min = Long.MAX_VALUE;
    for (Branch b : branches) {
      if (!b.closed) {
        min = Math.min(min, b.position);
      }
    }
    return min;
  }

  /**
   * Serves waiting branches and pulls upstream if someone needs the next frame; call with the lock
   * held.
   */
  private void pump(List<Runnable> after) {
    // First serve what is already here (serving moves positions, hence the minimum), then decide.
    for (Branch b : branches) {
      if (b.closed || b.waiting == null) {
        continue;
      }
      long i = b.position - base;
      if (i < frames.size()) {
        CompletableFuture<Optional<ByteBuffer>> w = b.waiting;
        b.waiting = null;
        ByteBuffer f = frames.get((int) i).asReadOnlyBuffer();
        b.position++;
        after.add(() -> w.complete(Optional.of(f)));
      } else if (failure != null) {
        CompletableFuture<Optional<ByteBuffer>> w = b.waiting;
        b.waiting = null;
        Throwable t = failure;
        after.add(() -> w.completeExceptionally(t));
      } else if (ended) {
        CompletableFuture<Optional<ByteBuffer>> w = b.waiting;
        b.waiting = null;
        after.add(() -> w.complete(Optional.empty()));
      }
    }
    long min = minOpen();
    if (min == Long.MAX_VALUE) {
      after.add(upstream::close);
      frames.clear();
      return;
    }
    while (base < min && !frames.isEmpty()) {
      frames.remove(0);
      base++;
    }
    boolean wanted = false;
    for (Branch b : branches) {
      if (!b.closed && b.waiting != null && b.position - min < WINDOW) {
        wanted = true;
      }
    }
    if (wanted && !pulling && !ended && failure == null) {
      pulling = true;
      after.add(this::pull);
    }
  }

  private void pull() {
    CompletableFuture<Optional<ByteBuffer>> next;
    try {
      next = upstream.next();
    } catch (RuntimeException e) {
      next = CompletableFuture.failedFuture(e);
    }
    next.whenComplete(
        (frame, t) -> {
          List<Runnable> after = new ArrayList<>();
          synchronized (this) {
            pulling = false;
            if (t != null) {
              failure = Bodies.unwrap(t);
            } else if (frame.isEmpty()) {
              ended = true;
            } else {
              frames.add(frame.get());
            }
            pump(after);
          }
          after.forEach(Runnable::run);
        });
  }

  private final class Branch implements FrameSource {
    long position;
    boolean closed;
    CompletableFuture<Optional<ByteBuffer>> waiting;

    @Override
    public CompletableFuture<Optional<ByteBuffer>> next() {
      CompletableFuture<Optional<ByteBuffer>> f = new CompletableFuture<>();
      List<Runnable> after = new ArrayList<>();
      synchronized (Tee.this) {
        if (waiting != null) {
          throw new IllegalStateException("a previous next() has not completed");
        }
        if (closed) {
          return CompletableFuture.failedFuture(new IllegalStateException("branch closed"));
        }
        waiting = f;
        pump(after);
      }
      after.forEach(Runnable::run);
      return f;
    }

    @Override
    public void close() {
      List<Runnable> after = new ArrayList<>();
      synchronized (Tee.this) {
        if (closed) {
          return;
        }
        closed = true;
        if (waiting != null) {
          CompletableFuture<Optional<ByteBuffer>> w = waiting;
          waiting = null;
          after.add(() -> w.complete(Optional.empty()));
        }
        pump(after);
      }
      after.forEach(Runnable::run);
    }
  }
}
