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
package io.amberio.core.internal.slot;

import io.amberio.core.BlobStoreException;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small pool of helper threads for chunk I/O, shared by every write of a store: the fdatasync of
 * a full chunk file while the writer goes on with the next chunk.
 *
 * <p>It never queues: {@link #tryStart} hands a task to an idle helper or returns null, and the
 * caller then does the work itself, so a busy pool costs nothing but the try and the work is never
 * delayed behind other work. Helpers are never interrupted (an interrupt closes a {@code
 * FileChannel}); closing the pool lets running tasks finish.
 */
public final class ChunkIo implements AutoCloseable {
  /** A pool without helpers: every task runs on its caller. */
  public static final ChunkIo NONE = new ChunkIo(0);

  private final ExecutorService pool; // null without helpers
  private final Semaphore idle;

  /** A pool of {@code helpers} daemon threads (0: none). */
  public ChunkIo(int helpers) {
    this.idle = new Semaphore(helpers);
    if (helpers == 0) {
      pool = null;
      return;
    }
    AtomicInteger n = new AtomicInteger();
    pool =
        new ThreadPoolExecutor(
            helpers,
            helpers,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "amberio-chunk-io-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    ((ThreadPoolExecutor) pool).allowCoreThreadTimeOut(true);
  }

  /** The number of helpers of a store on this machine: one per CPU, at least 2, at most 8. */
  public static int defaultHelpers() {
    return Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Starts {@code task} on an idle helper, or returns null when none is idle (or the pool is
   * closed): the caller then runs the work itself.
   */
  <T> CompletableFuture<T> tryStart(Callable<T> task) {
    if (pool == null || !idle.tryAcquire()) {
      return null;
    }
    CompletableFuture<T> f = new CompletableFuture<>();
    try {
      pool.execute(
          () -> {
            try {
              f.complete(task.call());
            } catch (Throwable e) {
              f.completeExceptionally(e);
            } finally {
              idle.release();
            }
          });
    } catch (RejectedExecutionException e) {
      idle.release();
      return null;
    }
    return f;
  }

  /**
   * Waits (uninterruptibly, as the helper may be using the caller's buffer) for {@code f} and
   * returns its value; a failure of the task is rethrown as it was thrown, a checked one wrapped.
   */
  static <T> T await(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof BlobStoreException b) {
        // Rethrow with this thread's stack; the helper's stays as the cause.
        throw BlobStoreException.of(b.reason(), b.getMessage(), b);
      }
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new CompletionException(c);
    }
  }

  /** Like {@link #await}, for a task whose checked failure is an IOException. */
  static <T> T awaitIo(CompletableFuture<T> f) throws IOException {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw new IOException(io.getMessage(), io);
      }
      return await(f);
    }
  }

  /** Waits for {@code f} and ignores how it ended (the caller is failing already). */
  static void awaitQuietly(CompletableFuture<?> f) {
    if (f != null) {
      try {
        f.join();
      } catch (RuntimeException ignored) {
        // The caller reports its own failure.
      }
    }
  }

  /** Stops taking tasks; running ones finish. */
  @Override
  public void close() {
    if (pool != null) {
      pool.shutdown();
    }
  }
}
