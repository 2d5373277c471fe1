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
package io.amberio.cluster.registry.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.CasResult;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.registry.ListOptions;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.RegistryException;
import io.amberio.cluster.registry.RegistryException.Reason;
import io.amberio.cluster.testkit.EtcdServer;
import io.amberio.cluster.testkit.RegistryContract;
import io.amberio.core.Scheduler;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract, bound to {@link EtcdRegistry} on a real etcd that this class starts (the Debian
 * package {@code etcd-server}) on free loopback ports; every registry gets its own namespace. Plus
 * what only a networked registry can show: unreachable means not applied, silence means outcome
 * unknown.
 *
 * <p>Without {@code /usr/bin/etcd} these tests fail, on purpose: install {@code etcd-server}, or
 * skip them explicitly with {@code -Damberio.etcd.skip=true}.
 */
class EtcdRegistryTest extends RegistryContract {
  private static final AtomicInteger namespaces = new AtomicInteger();
  private static EtcdServer etcd;
  private static ScheduledExecutorService executor;
  private static Scheduler scheduler;

  @BeforeAll
  static void startEtcd() throws Exception {
    if (Boolean.getBoolean(EtcdServer.SKIP_PROPERTY)) {
      Assumptions.abort("etcd tests skipped by -D" + EtcdServer.SKIP_PROPERTY + "=true");
    }
    Path binary = EtcdServer.binary().orElse(null);
    if (binary == null) {
      fail(
          "etcd is not installed (no /usr/bin/etcd and no etcd on the PATH): install the Debian package "
              + "etcd-server (apt-get install -y etcd-server), or skip these tests with -D"
              + EtcdServer.SKIP_PROPERTY
              + "=true");
    }
    etcd = EtcdServer.start(binary);
    executor =
        Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "etcd-registry-test");
              t.setDaemon(true);
              return t;
            });
    scheduler = Scheduler.system(executor);
  }

  @AfterAll
  static void stopEtcd() throws InterruptedException {
    if (executor != null) {
      executor.shutdownNow();
      executor.awaitTermination(5, TimeUnit.SECONDS);
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  @Override
  protected Registry newRegistry() {
    return registryBuilder().build();
  }

  private static EtcdRegistryBuilder registryBuilder() {
    return EtcdRegistry.builder()
        .endpoints(List.of(etcd.clientUrl()))
        .namespace("test-" + namespaces.incrementAndGet() + "/")
        .scheduler(scheduler);
  }

  @Override
  protected void elapse(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  protected Duration leaseTtl() {
    return Duration.ofSeconds(1);
  }

  @Test
  void namespacesKeepRegistriesApart() {
    Registry other = open();
    create("shared/k", "mine");
    create(other, "shared/k", "theirs");
    assertThat(await(registry.get("shared/k")).orElseThrow().valueAsString()).isEqualTo("mine");
    assertThat(keys(await(other.list("shared/", ListOptions.firstPage()))))
        .containsExactly("shared/k");
    assertThat(await(other.get("shared/k")).orElseThrow().valueAsString()).isEqualTo("theirs");
  }

  @Test
  void anUnreachableEtcdMeansUnavailableAndNotApplied() throws Exception {
    URI nobody = URI.create("http://127.0.0.1:" + EtcdServer.freePort());
    try (EtcdRegistry unreachable =
        EtcdRegistry.builder()
            .endpoints(List.of(nobody))
            .requestTimeout(Duration.ofSeconds(3))
            .scheduler(scheduler)
            .build()) {
      RegistryException cas =
          failure(unreachable.compareAndSet("k", b("v"), CasOptions.ifAbsent()));
      assertThat(cas.reason()).as("%s", cas).isEqualTo(Reason.UNAVAILABLE);
      assertThat(cas.outcomeUnknown()).isFalse();
      assertThat(failure(unreachable.get("k")).reason()).isEqualTo(Reason.UNAVAILABLE);
    }
  }

  @Test
  void aSilentEtcdMeansTimeoutAndTheWriteMayStillApply() throws Exception {
    Registry quick = open(registryBuilder().requestTimeout(Duration.ofMillis(500)));
    await(quick.get("warm-up")); // connected before etcd freezes
    etcd.pause();
    CompletableFuture<CasResult> decision;
    try {
      decision = quick.compareAndSet("txn/42", b("commit"), CasOptions.ifAbsent());
      RegistryException e = failure(decision);
      assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
      assertThat(e.outcomeUnknown()).isTrue();
    } finally {
      etcd.resume();
    }
    // The request was sent: once etcd runs again it applies it. This is why TIMEOUT is "outcome
    // unknown".
    eventually(
        "the timed-out decision was applied after all",
        () -> {
          try {
            return await(quick.get("txn/42"))
                .map(KeyValue::valueAsString)
                .filter("commit"::equals)
                .isPresent();
          } catch (RegistryException notYet) {
            return false;
          }
        });
  }

  @Test
  void theBuilderChecksItsOptions() {
    assertThatThrownBy(
            () -> EtcdRegistry.builder().endpoints(List.of(etcd.clientUrl())).endpoints(List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(etcd.clientUrl().toString());
    assertThatThrownBy(
            () -> EtcdRegistry.builder().endpoints(List.of(URI.create("127.0.0.1:2379"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EtcdRegistry.builder().requestTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EtcdRegistry.builder().scheduler(scheduler).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("endpoints");
    assertThatThrownBy(() -> EtcdRegistry.builder().endpoints(List.of(etcd.clientUrl())).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("scheduler");
  }

  private Registry open(EtcdRegistryBuilder builder) {
    Registry r = builder.build();
    track(r);
    return r;
  }
}
