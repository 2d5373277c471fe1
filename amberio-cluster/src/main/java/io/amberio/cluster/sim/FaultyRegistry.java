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
package io.amberio.cluster.sim;

import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.CasResult;
import io.amberio.cluster.registry.DeleteOptions;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.registry.Lease;
import io.amberio.cluster.registry.Leases;
import io.amberio.cluster.registry.ListOptions;
import io.amberio.cluster.registry.ListResult;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.RegistryException;
import io.amberio.cluster.registry.Watch;
import io.amberio.cluster.registry.WatchEvent;
import io.amberio.cluster.registry.WatchListener;
import io.amberio.cluster.registry.WatchOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * One node's view of a shared {@link Registry}, with seeded faults: a write may time out before or
 * after it was applied (the outcome-unknown case a coordinator must not report as failure), any
 * call may fail as unavailable, and the node can be cut off from the registry entirely: then every
 * call fails and watch events are held back, to arrive in order once it is reconnected (as a
 * resumed etcd watch does).
 */
public final class FaultyRegistry implements Registry {
  private final Registry inner;
  private final Random random;
  private volatile double failureRate;
  private volatile boolean cutOff;
  private volatile boolean closed;
  private long injected;
  private final List<Runnable> heldBack = new ArrayList<>();

  /**
   * @param failureRate the probability that a call fails (half of failed writes are applied anyway)
   */
  public FaultyRegistry(Registry inner, Random random, double failureRate) {
    this.inner = inner;
    this.random = random;
    this.failureRate = failureRate;
  }

  /** Cuts this node off from the registry (every call fails) or reconnects it. */
  public void cutOff(boolean cut) {
    List<Runnable> flush;
    synchronized (this) {
      this.cutOff = cut;
      if (cut) {
        return;
      }
      flush = new ArrayList<>(heldBack);
      heldBack.clear();
    }
    flush.forEach(Runnable::run);
  }

  /** Runs a watch delivery now, or holds it back (in order) while this node is cut off. */
  private void deliver(Runnable r) {
    synchronized (this) {
      if (cutOff) {
        heldBack.add(r);
        return;
      }
    }
    r.run();
  }

  public void failureRate(double rate) {
    this.failureRate = rate;
  }

  /** How many faults were injected. */
  public synchronized long injected() {
    return injected;
  }

  private synchronized boolean fail() {
    if (cutOff) {
      injected++;
      return true;
    }
    if (failureRate > 0 && random.nextDouble() < failureRate) {
      injected++;
      return true;
    }
    return false;
  }

  private synchronized boolean coin() {
    return random.nextBoolean();
  }

  private <T> CompletableFuture<T> read(Supplier<CompletableFuture<T>> call) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new RegistryException(RegistryException.Reason.CLOSED, "closed"));
    }
    if (fail()) {
      return CompletableFuture.failedFuture(
          new RegistryException(RegistryException.Reason.UNAVAILABLE, "injected fault"));
    }
    return call.get();
  }

  private <T> CompletableFuture<T> write(Supplier<CompletableFuture<T>> call) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new RegistryException(RegistryException.Reason.CLOSED, "closed"));
    }
    if (!fail()) {
      return call.get();
    }
    RegistryException timeout =
        new RegistryException(RegistryException.Reason.TIMEOUT, "injected timeout");
    if (!cutOff && coin()) {
      // Applied, but the answer is lost.
      return call.get()
          .handle(
              (r, t) -> {
                throw new CompletionException(timeout);
              });
    }
    return CompletableFuture.failedFuture(timeout);
  }

  @Override
  public CompletableFuture<Optional<KeyValue>> get(String key) {
    return read(() -> inner.get(key));
  }

  @Override
  public CompletableFuture<ListResult> list(String prefix, ListOptions options) {
    return read(() -> inner.list(prefix, options));
  }

  @Override
  public CompletableFuture<CasResult> compareAndSet(String key, byte[] value, CasOptions options) {
    return write(() -> inner.compareAndSet(key, value, options));
  }

  @Override
  public CompletableFuture<CasResult> delete(String key, DeleteOptions options) {
    return write(() -> inner.delete(key, options));
  }

  @Override
  public CompletableFuture<Watch> watch(
      String prefix, WatchOptions options, WatchListener listener) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new RegistryException(RegistryException.Reason.CLOSED, "closed"));
    }
    return inner.watch(
        prefix,
        options,
        new WatchListener() {
          @Override
          public void onEvent(WatchEvent event) {
            deliver(
                () -> {
                  if (!closed) {
                    listener.onEvent(event);
                  }
                });
          }

          @Override
          public void onError(RegistryException error) {
            deliver(
                () -> {
                  if (!closed) {
                    listener.onError(error);
                  }
                });
          }
        });
  }

  @Override
  public Leases leases() {
    Leases l = inner.leases();
    return new Leases() {
      @Override
      public CompletableFuture<Lease> grant(Duration ttl) {
        return write(() -> l.grant(ttl));
      }

      @Override
      public CompletableFuture<Lease> keepAlive(long leaseId) {
        return write(() -> l.keepAlive(leaseId));
      }

      @Override
      public CompletableFuture<Void> revoke(long leaseId) {
        return write(() -> l.revoke(leaseId));
      }
    };
  }

  /**
   * Closes this view only (a crashed node's): the shared registry stays up; its watches go quiet.
   */
  @Override
  public void close() {
    closed = true;
  }
}
