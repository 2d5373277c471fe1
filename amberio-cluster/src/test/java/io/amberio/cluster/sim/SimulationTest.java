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

import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.CasResult;
import io.amberio.cluster.registry.DeleteOptions;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.registry.Leases;
import io.amberio.cluster.registry.ListOptions;
import io.amberio.cluster.registry.ListResult;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.Watch;
import io.amberio.cluster.registry.WatchListener;
import io.amberio.cluster.registry.WatchOptions;
import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.cluster.transport.Request;
import io.amberio.cluster.transport.RequestHandler;
import io.amberio.cluster.transport.Response;
import io.amberio.cluster.transport.SendOptions;
import io.amberio.cluster.transport.Transport;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulationTest {

  @Test
  void faultFreeRunIsLinearizable(@TempDir Path dir) {
    try (Simulation sim =
        Simulation.builder(7)
            .directory(dir)
            .operations(100)
            .messageFaults(false)
            .nodeFaults(false)
            .registryFaults(false)
            .build()) {
      Simulation.Result r = sim.run();
      assertThat(r.problems()).as(r.toString()).isEmpty();
      assertThat(r.history().size()).isGreaterThan(50);
    }
  }

  @Test
  void sameSeedSameHistory(@TempDir Path a, @TempDir Path b) {
    Simulation.Result one;
    Simulation.Result two;
    try (Simulation sim = Simulation.builder(42).directory(a).operations(200).build()) {
      one = sim.run();
    }
    try (Simulation sim = Simulation.builder(42).directory(b).operations(200).build()) {
      two = sim.run();
    }
    assertThat(two.events()).isEqualTo(one.events());
    assertThat(two.history().toString()).isEqualTo(one.history().toString());
    assertThat(one.history().size()).isGreaterThan(100);
  }

  @Test
  void differentSeedsDiffer(@TempDir Path a, @TempDir Path b) {
    Simulation.Result one;
    Simulation.Result two;
    try (Simulation sim = Simulation.builder(1).directory(a).operations(100).build()) {
      one = sim.run();
    }
    try (Simulation sim = Simulation.builder(2).directory(b).operations(100).build()) {
      two = sim.run();
    }
    assertThat(two.history().toString()).isNotEqualTo(one.history().toString());
  }

  /** The options of the tests below: a short fault-free run. */
  private static Simulation.Builder quiet(long seed, Path dir) {
    return Simulation.builder(seed)
        .directory(dir)
        .operations(60)
        .messageFaults(false)
        .nodeFaults(false)
        .registryFaults(false);
  }

  @Test
  void aCustomRegistryIsTheOneTheNodesUse(@TempDir Path dir) {
    AtomicInteger calls = new AtomicInteger();
    try (Simulation sim =
        quiet(3, dir).registry(s -> new CountingRegistry(new InMemoryRegistry(s), calls)).build()) {
      Simulation.Result r = sim.run();
      assertThat(r.problems()).as(r.toString()).isEmpty();
    }
    assertThat(calls.get()).as("registry calls through the custom registry").isGreaterThan(10);
  }

  @Test
  void aCustomWorkloadIsWhatTheClientsDo(@TempDir Path dir) {
    Workload onePath =
        (random, opNo, nodes) ->
            new Workload.Step(random.nextInt(nodes), "only", Call.put("w" + opNo));
    try (Simulation sim = quiet(4, dir).workload(onePath).build()) {
      Simulation.Result r = sim.run();
      assertThat(r.problems()).as(r.toString()).isEmpty();
      assertThat(r.history().byPath().keySet()).containsExactly("only");
      assertThat(r.history().operations())
          .hasSizeGreaterThanOrEqualTo(60)
          .allMatch(o -> o.call() instanceof Call.Put p && p.expectedVersion().isEmpty());
    }
  }

  @Test
  void aCustomTransportCarriesTheNodesMessages(@TempDir Path dir) {
    AtomicInteger sends = new AtomicInteger();
    Set<NodeId> made = ConcurrentHashMap.newKeySet();
    try (Simulation sim =
        quiet(5, dir)
            .transport(
                (id, network) -> {
                  made.add(id);
                  return new CountingTransport(network.join(id), sends);
                })
            .build()) {
      Simulation.Result r = sim.run();
      assertThat(r.problems()).as(r.toString()).isEmpty();
    }
    assertThat(made.stream().map(NodeId::value).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("n0", "n1", "n2");
    assertThat(sends.get()).as("messages sent through the custom transports").isGreaterThan(60);
  }

  /** A registry that counts the calls made to it. */
  private record CountingRegistry(Registry delegate, AtomicInteger calls) implements Registry {
    @Override
    public CompletableFuture<Optional<KeyValue>> get(String key) {
      calls.incrementAndGet();
      return delegate.get(key);
    }

    @Override
    public CompletableFuture<ListResult> list(String prefix, ListOptions options) {
      calls.incrementAndGet();
      return delegate.list(prefix, options);
    }

    @Override
    public CompletableFuture<CasResult> compareAndSet(
        String key, byte[] value, CasOptions options) {
      calls.incrementAndGet();
      return delegate.compareAndSet(key, value, options);
    }

    @Override
    public CompletableFuture<CasResult> delete(String key, DeleteOptions options) {
      calls.incrementAndGet();
      return delegate.delete(key, options);
    }

    @Override
    public CompletableFuture<Watch> watch(
        String prefix, WatchOptions options, WatchListener listener) {
      calls.incrementAndGet();
      return delegate.watch(prefix, options, listener);
    }

    @Override
    public Leases leases() {
      calls.incrementAndGet();
      return delegate.leases();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /** A transport that counts the requests sent through it. */
  private record CountingTransport(Transport delegate, AtomicInteger sends) implements Transport {
    @Override
    public NodeId self() {
      return delegate.self();
    }

    @Override
    public void serve(RequestHandler handler) {
      delegate.serve(handler);
    }

    @Override
    public CompletableFuture<Response> send(NodeId to, Request request, SendOptions options) {
      sends.incrementAndGet();
      return delegate.send(to, request, options);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
