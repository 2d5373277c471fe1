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
package io.amberio.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.CasResult;
import io.amberio.cluster.registry.DeleteOptions;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.registry.Lease;
import io.amberio.cluster.registry.Leases;
import io.amberio.cluster.registry.ListOptions;
import io.amberio.cluster.registry.ListResult;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.Watch;
import io.amberio.cluster.registry.WatchListener;
import io.amberio.cluster.registry.WatchOptions;
import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.cluster.sim.SimScheduler;
import io.amberio.cluster.topology.Topology;
import io.amberio.cluster.transport.memory.InMemoryNetwork;
import io.amberio.core.BlobStore;
import io.amberio.core.replica.ReplicaStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node keeps the lease it joins with even when joining takes longer than the lease's TTL (a real
 * etcd answering the load of 2,048 slot states slowly): the keep-alive starts as soon as the lease
 * is granted, not once the node has loaded the cluster. Before, every first start lost its lease
 * one TTL after the grant, was removed by its peers and claimed every slot a second time.
 */
class SlowJoinKeepsLeaseTest {
  @TempDir Path dir;

  @Test
  void aJoinSlowerThanTheLeaseTtlKeepsTheFirstLease() {
    SimScheduler sched = SimScheduler.create(11);
    Duration ttl = ClusterConfig.DEFAULTS.leaseTtl();
    AtomicInteger grants = new AtomicInteger();
    Registry registry =
        new SlowListing(new InMemoryRegistry(sched), sched, ttl.multipliedBy(3), grants);
    Topology one = Topology.of(8, 1, List.of(Topology.Node.of("a", "a:1")));
    try (ReplicaStore store =
        ReplicaStore.open(BlobStore.builder().dataDir(dir).slotCount(8).clock(sched.clock()))) {
      ClusterNode n =
          ClusterNode.builder()
              .id(NodeId.of("a"))
              .topology(one)
              .store(store)
              .transport(InMemoryNetwork.builder(sched, new Random(1)).build().join(NodeId.of("a")))
              .registry(registry)
              .scheduler(sched)
              .diskExecutor(sched)
              .random(new Random(1))
              .build();
      sched.join(n.start(), ttl.multipliedBy(20));
      sched.runFor(ttl.multipliedBy(10));
      assertThat(grants.get()).as("leases granted: the first one never ran out").isEqualTo(1);
      assertThat(n.status(NodeId.of("a"))).isEqualTo("up");
      n.close();
      sched.runFor(ttl);
    }
  }

  /** A registry whose listings answer {@code delay} late, and that counts the leases granted. */
  private record SlowListing(
      Registry delegate, SimScheduler sched, Duration delay, AtomicInteger grants)
      implements Registry {
    @Override
    public CompletableFuture<Optional<KeyValue>> get(String key) {
      return delegate.get(key);
    }

    @Override
    public CompletableFuture<ListResult> list(String prefix, ListOptions options) {
      CompletableFuture<ListResult> late = new CompletableFuture<>();
      sched.schedule(
          delay,
          () ->
              delegate
                  .list(prefix, options)
                  .whenComplete(
                      (r, t) -> {
                        if (t != null) {
                          late.completeExceptionally(t);
                        } else {
                          late.complete(r);
                        }
                      }));
      return late;
    }

    @Override
    public CompletableFuture<CasResult> compareAndSet(
        String key, byte[] value, CasOptions options) {
      return delegate.compareAndSet(key, value, options);
    }

    @Override
    public CompletableFuture<CasResult> delete(String key, DeleteOptions options) {
      return delegate.delete(key, options);
    }

    @Override
    public CompletableFuture<Watch> watch(
        String prefix, WatchOptions options, WatchListener listener) {
      return delegate.watch(prefix, options, listener);
    }

    @Override
    public Leases leases() {
      Leases inner = delegate.leases();
      return new Leases() {
        @Override
        public CompletableFuture<Lease> grant(Duration ttl) {
          grants.incrementAndGet();
          return inner.grant(ttl);
        }

        @Override
        public CompletableFuture<Lease> keepAlive(long leaseId) {
          return inner.keepAlive(leaseId);
        }

        @Override
        public CompletableFuture<Void> revoke(long leaseId) {
          return inner.revoke(leaseId);
        }
      };
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
