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
package io.amberio.cluster.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amberio.cluster.ClusterConfig;
import io.amberio.cluster.ClusterNode;
import io.amberio.cluster.NodeId;
import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.registry.ListOptions;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.cluster.topology.Topology;
import io.amberio.cluster.transport.memory.InMemoryNetwork;
import io.amberio.core.BlobContent;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreException;
import io.amberio.core.GetOptions;
import io.amberio.core.Scheduler;
import io.amberio.core.replica.ReplicaStore;
import io.amberio.core.testkit.TestSupport;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new release opens what release 0.1 (commit 7c5a226) wrote and finishes its work: three store
 * directories with committed versions and four prepared, undecided transactions (as a coordinator
 * that died after DATA leaves them), plus the registry values of that cluster ({@code
 * fixtures/release-0.1}, made by {@code MakeFixture.java.txt} beside it; {@code transactions.txt}
 * names each transaction and its decision).
 *
 * <p>The prepared records carry 0.1's unversioned context and the registry holds 0.1's slot states,
 * topology, store ids and decisions: the nodes must read them all, resolve every transaction as
 * decided (commit, abort, and abort for the one never decided) and serve every committed version
 * byte for byte.
 */
class Release01FixtureTest {
  private static final int SLOTS = 16;

  @TempDir Path dir;
  private final List<ClusterNode> nodes = new ArrayList<>();
  private final List<ReplicaStore> stores = new ArrayList<>();
  private ScheduledExecutorService timer;
  private ExecutorService disk;
  private ExecutorService io;
  private InMemoryRegistry registry;

  @AfterEach
  void stop() {
    nodes.forEach(ClusterNode::close);
    stores.forEach(ReplicaStore::close);
    if (registry != null) {
      registry.close();
    }
    Stream.of(timer, disk, io).filter(e -> e != null).forEach(ExecutorService::shutdownNow);
  }

  @Test
  void opensTheStoresAndRegistryOfRelease01AndResolvesItsPreparedTransactions() throws Exception {
    Path fixture = copyFixture();
    timer = Executors.newScheduledThreadPool(2);
    disk = Executors.newFixedThreadPool(4);
    io = Executors.newCachedThreadPool();
    Scheduler scheduler = Scheduler.system(timer);
    registry = new InMemoryRegistry(scheduler);
    Map<String, byte[]> before = loadRegistry(fixture.resolve("registry.txt"), registry);
    InMemoryNetwork network = InMemoryNetwork.builder(scheduler, new Random(1)).build();
    Topology topology =
        Topology.of(
            SLOTS,
            3,
            List.of(
                Topology.Node.of("a", "mem:a"),
                Topology.Node.of("b", "mem:b"),
                Topology.Node.of("c", "mem:c")));
    ClusterConfig config =
        new ClusterConfig(
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofMillis(200),
            Duration.ofMillis(300),
            Duration.ofSeconds(20),
            256);
    for (NodeId id : topology.nodeIds()) {
      ReplicaStore store =
          ReplicaStore.open(
              BlobStore.builder()
                  .dataDir(fixture.resolve(id.value()))
                  .slotCount(SLOTS)
                  .chunkSize(64 * 1024));
      stores.add(store);
      // Every prepared record of 0.1 is there before the node starts.
      assertThat(store.preparedTxns()).isNotEmpty();
      nodes.add(
          ClusterNode.builder()
              .id(id)
              .topology(topology)
              .store(store)
              .transport(network.join(id))
              .registry(registry)
              .scheduler(scheduler)
              .diskExecutor(disk)
              .config(config)
              .tempDir(dir.resolve("staging-" + id.value()))
              .build());
    }
    for (ClusterNode node : nodes) {
      node.start().get(30, TimeUnit.SECONDS);
    }
    await(
        "every node ready and every slot served",
        () ->
            nodes.stream().allMatch(ClusterNode::ready)
                && IntStream.range(0, SLOTS)
                    .allMatch(s -> nodes.stream().anyMatch(n -> n.serving(s))));
    await(
        "every prepared transaction resolved",
        () ->
            nodes.stream().allMatch(n -> n.preparedCount() == 0)
                && stores.stream().allMatch(s -> s.preparedTxns().isEmpty()));

    for (ClusterNode node : nodes) {
      BlobStore view = node.asBlobStore(io);
      // Committed by 0.1.
      assertThat(text(view, "docs/a.txt", 1)).isEqualTo("alpha one");
      byte[] big = new byte[150_000];
      new Random(7).nextBytes(big);
      try (BlobContent c = view.get("docs/a.txt")) {
        // The transaction decided "abort" on docs/a.txt left nothing: version 2 is still the
        // current one.
        assertThat(c.info().version()).isEqualTo(2);
        assertThat(c.info().contentType()).isEqualTo("application/x-fixture");
        assertThat(c.readAllBytes()).isEqualTo(big);
      }
      assertDeleted(
          () -> view.head("docs/b.txt", 2), "version 2 of 'docs/b.txt' is a delete marker");
      assertDeleted(() -> view.head("docs/c.txt", 1), "version 1 of 'docs/c.txt'");
      assertThat(text(view, "docs/c.txt", 2)).isEqualTo("charlie two");
      // Decided "commit 1": a new path.
      assertThat(text(view, "pending/commit.txt", 1)).isEqualTo("decided commit");
      // Decided "commit 3": a delete marker above version 2.
      assertDeleted(
          () -> view.head("docs/c.txt", 3), "version 3 of 'docs/c.txt' is a delete marker");
      assertDeleted(() -> view.get("docs/c.txt").close(), "'docs/c.txt' has no current version");
      // Never decided: the resolver aborted it.
      assertThatThrownBy(() -> view.get("pending/undecided.txt").close())
          .isInstanceOfSatisfying(
              BlobStoreException.class,
              e -> assertThat(e.reason()).isEqualTo(BlobStoreException.Reason.NOT_FOUND));
      assertThat(registry.get("amberio/txn/01M97JGXZA51KE0Q52BAA4W9VE").get()).isEmpty();
    }

    // The slot states 0.1 wrote were read and carried on (a new epoch only where membership
    // changed).
    for (Map.Entry<String, byte[]> e : before.entrySet()) {
      if (e.getKey().startsWith("amberio/slots/")) {
        int slot = Integer.parseInt(e.getKey().substring("amberio/slots/".length()));
        long oldEpoch =
            Long.parseLong(new String(e.getValue(), StandardCharsets.UTF_8).split("\\|")[1]);
        assertThat(nodes.get(0).slot(slot).epoch()).isGreaterThanOrEqualTo(oldEpoch);
      }
    }
    // Writes go on under the new release.
    BlobInfo next =
        nodes
            .get(1)
            .asBlobStore(io)
            .put("docs/a.txt", "alpha three".getBytes(StandardCharsets.UTF_8));
    assertThat(next.version()).isEqualTo(3);
    assertThat(text(nodes.get(2).asBlobStore(io), "docs/a.txt", 3)).isEqualTo("alpha three");
  }

  private static void assertDeleted(ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            BlobStoreException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(BlobStoreException.Reason.DELETED);
              assertThat(e.getMessage()).contains(message);
            });
  }

  private static String text(BlobStore view, String path, long version) throws IOException {
    try (BlobContent c = view.get(path, GetOptions.version(version))) {
      return new String(c.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached in 60 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  /**
   * Loads the dump (key TAB base64(value) per line, {@code #} comments) into the registry, as 0.1
   * left it.
   */
  private static Map<String, byte[]> loadRegistry(Path dump, Registry registry) throws Exception {
    Map<String, byte[]> values = new LinkedHashMap<>();
    for (String line : Files.readAllLines(dump, StandardCharsets.UTF_8)) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] kv = line.split("\t", 2);
      values.put(kv[0], Base64.getDecoder().decode(kv[1]));
    }
    for (Map.Entry<String, byte[]> e : values.entrySet()) {
      assertThat(
              registry
                  .compareAndSet(e.getKey(), e.getValue(), CasOptions.ifAbsent())
                  .get()
                  .succeeded())
          .isTrue();
    }
    List<KeyValue> loaded = registry.list("amberio/", ListOptions.limit(10_000)).get().keyValues();
    assertThat(loaded).hasSize(values.size());
    return values;
  }

  /** A private copy of the fixture (the store writes to it). */
  private Path copyFixture() throws IOException, URISyntaxException {
    Path source =
        Path.of(getClass().getResource("/fixtures/release-0.1/registry.txt").toURI()).getParent();
    return TestSupport.copyTree(source, dir.resolve("release-0.1"));
  }
}
