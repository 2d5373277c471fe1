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
package io.amberio.cluster.transport.tcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one I/O thread of a {@link NetworkTransport}: a selector loop that owns every channel,
 * connection and exchange of the transport. Other threads hand it work with {@link #execute}; it
 * never runs user code.
 *
 * <p>After the loop ends, {@link #execute} runs tasks on the caller's thread (the loop's state is
 * no longer touched by anyone else), so a task submitted during shutdown still runs and can fail
 * its exchange with {@code CLOSED}.
 */
final class IoLoop implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(NetworkTransport.class);

  /** Receives readiness of a registered channel; must not throw. */
  interface Handler {
    void ready(SelectionKey key);
  }

  private final Selector selector;
  private final Thread thread;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Object lock = new Object();
  // @GuardedBy("lock")
  private boolean terminated;
  private volatile boolean stopping;

  IoLoop(String name) {
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector", e);
    }
    this.thread = new Thread(this, name);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Runs {@code task} on the loop (or right here once the loop has ended). */
  void execute(Runnable task) {
    synchronized (lock) {
      if (!terminated) {
        tasks.add(task);
        selector.wakeup();
        return;
      }
    }
    runSafely(task);
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Registers {@code channel} with the loop's selector; loop thread only. */
  SelectionKey register(SelectableChannel channel, int ops, Handler handler)
      throws ClosedChannelException {
    return channel.register(selector, ops, handler);
  }

  /** Asks the loop to end after its current iteration. */
  void stop() {
    stopping = true;
    selector.wakeup();
  }

  /** Waits for the loop to end, up to {@code timeout}; returns whether it did. */
  boolean awaitTermination(Duration timeout) throws InterruptedException {
    if (inLoop()) {
      return false;
    }
    thread.join(TimeUnit.NANOSECONDS.toMillis(timeout.toNanos()) + 1);
    return !thread.isAlive();
  }

  @Override
  public void run() {
    try {
      while (!stopping) {
        selector.select();
        runTasks();
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          Handler h = (Handler) key.attachment();
          try {
            h.ready(key);
          } catch (RuntimeException e) {
            log.error("I/O handler failed; closing its channel", e);
            closeQuietly(key);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      log.error("the transport's I/O loop failed", e);
    } finally {
      synchronized (lock) {
        terminated = true;
      }
      runTasks();
      for (SelectionKey key : selector.keys()) {
        closeQuietly(key);
      }
      try {
        selector.close();
      } catch (IOException e) {
        log.debug("closing the selector", e);
      }
    }
  }

  private void runTasks() {
    Runnable task;
    while ((task = tasks.poll()) != null) {
      runSafely(task);
    }
  }

  private static void runSafely(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.error("a transport I/O task failed", e);
    }
  }

  private static void closeQuietly(SelectionKey key) {
    key.cancel();
    try {
      key.channel().close();
    } catch (IOException e) {
      log.debug("closing a channel", e);
    }
  }
}
