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
package io.amberio.cluster.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.CasResult;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.RegistryException;
import io.amberio.cluster.registry.WatchEvent;
import io.amberio.cluster.registry.WatchListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fixture of the {@link RegistryContract} chain: how a binding makes a registry and lets time
 * pass, and the helpers every topic uses. Each test gets a fresh, empty registry in {@link
 * #registry}.
 */
public abstract class RegistryContractSupport {

  /** A fresh registry that shares no keys with any other this binding made. */
  protected abstract Registry newRegistry();

  /**
   * Lets {@code d} of the registry's time pass: advancing a manual clock (in memory) or sleeping
   * (etcd). Lease expiry is then checked with {@link #eventually}.
   */
  protected abstract void elapse(Duration d);

  /** The TTL the lease tests ask for: short for a real server, anything for a manual clock. */
  protected abstract Duration leaseTtl();

  /** How long "eventually" may take, and how long a future may take to complete. */
  protected Duration patience() {
    return Duration.ofSeconds(10);
  }

  protected Registry registry;
  private final List<Registry> opened = new ArrayList<>();

  @BeforeEach
  void openRegistry() {
    registry = open();
  }

  @AfterEach
  void closeRegistries() {
    opened.forEach(Registry::close);
    opened.clear();
  }

  /** Another fresh registry, closed after the test. */
  protected Registry open() {
    return track(newRegistry());
  }

  /** Closes {@code r} after the test; returns it. */
  protected Registry track(Registry r) {
    opened.add(r);
    return r;
  }

  // ---------------------------------------------------------------------------------------------------
  // Helpers

  protected static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The future's value; a RegistryException it failed with is rethrown as is. A binding on
   * simulated time overrides this, {@link #failure} and {@link #eventually} to run its scheduler
   * first.
   */
  protected <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(patience().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw new AssertionError(e);
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("no answer within " + patience(), e);
    }
  }

  /** The RegistryException the future fails with (unwrapped); fails the test if it succeeds. */
  protected RegistryException failure(CompletableFuture<?> f) {
    try {
      Object v = f.get(patience().toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a RegistryException, got " + v);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      while (c instanceof CompletionException && c.getCause() != null) {
        c = c.getCause();
      }
      assertThat(c).isInstanceOf(RegistryException.class);
      return (RegistryException) c;
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("no answer within " + patience(), e);
    }
  }

  /** Creates {@code key} (it must be absent) and returns it as written. */
  protected KeyValue create(Registry r, String key, String value) {
    CasResult res = await(r.compareAndSet(key, b(value), CasOptions.ifAbsent()));
    assertThat(res.succeeded()).as("create %s", key).isTrue();
    return res.current().orElseThrow();
  }

  protected KeyValue create(String key, String value) {
    return create(registry, key, value);
  }

  /** Replaces {@code kv} (which must be current) and returns the key as written. */
  protected KeyValue update(KeyValue kv, String value) {
    CasResult res =
        await(registry.compareAndSet(kv.key(), b(value), CasOptions.ifRevision(kv.modRevision())));
    assertThat(res.succeeded()).as("update %s", kv.key()).isTrue();
    return res.current().orElseThrow();
  }

  protected boolean present(String key) {
    return await(registry.get(key)).isPresent();
  }

  /**
   * Polls {@code condition} until it holds, failing after {@link #patience()}; watch recorders wait
   * with it.
   */
  protected void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + patience().toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not within " + patience() + ": " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** A watch listener that records what it is told. */
  public final class Recorder implements WatchListener {
    public final BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    public final BlockingQueue<RegistryException> errors = new LinkedBlockingQueue<>();
    public final List<String> threads = new ArrayList<>();

    @Override
    public void onEvent(WatchEvent event) {
      synchronized (threads) {
        threads.add(Thread.currentThread().getName());
      }
      events.add(event);
    }

    @Override
    public void onError(RegistryException error) {
      errors.add(error);
    }

    /** The next event, waiting for it with {@link #eventually}. */
    public WatchEvent next() {
      eventually("a watch event", () -> !events.isEmpty());
      return events.poll();
    }

    /** The next error, waiting for it with {@link #eventually}. */
    public RegistryException nextError() {
      eventually("a watch error", () -> !errors.isEmpty());
      return errors.poll();
    }
  }

  protected static void assertEvent(WatchEvent e, WatchEvent.Type type, String key, long revision) {
    assertThat(e.type()).as("type of %s", e).isEqualTo(type);
    assertThat(e.key()).as("key of %s", e).isEqualTo(key);
    assertThat(e.revision()).as("revision of %s", e).isEqualTo(revision);
  }
}
