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

import com.github.f4b6a3.ulid.Ulid;
import io.amberio.cluster.ClusterConfig;
import io.amberio.cluster.NodeId;
import io.amberio.cluster.internal.msg.ClusterRecord;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.topology.Placement;
import io.amberio.cluster.transport.Transport;
import io.amberio.core.BlobId;
import io.amberio.core.Scheduler;
import io.amberio.core.replica.ReplicaStore;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What every part of a cluster node shares: its identity, the injected parts (store, transport,
 * registry, scheduler, disk executor, random source), the placement, and the bugs planted in it
 * (none outside the simulation's tests, see {@link PlantedBug}).
 *
 * <p>{@code disk} runs the store's blocking calls: a thread pool on real machines, the simulation's
 * one thread in simulation. Everything else runs on {@code scheduler} and never blocks.
 */
public final class NodeContext {
  public static final String PREFIX = "amberio/";
  public static final String CLUSTER_KEY = PREFIX + "cluster";
  public static final String NODES = PREFIX + "nodes/";
  public static final String CREDENTIAL_CHECK_KEY = PREFIX + "credential-check";
  public static final String SLOTS = PREFIX + "slots/";
  public static final String TXNS = PREFIX + "txn/";
  public static final String STORES = PREFIX + "stores/";

  public final NodeId self;
  public final ReplicaStore store;
  public final Transport transport;
  public final Registry registry;
  public final Scheduler scheduler;
  public final Executor disk;
  public final ClusterConfig config;

  /** The placement of the configured topology: the bootstrap, version 1 of a new cluster. */
  public final Placement placement;

  private volatile ClusterRecord cluster;
  private final List<Consumer<ClusterRecord>> clusterListeners = new CopyOnWriteArrayList<>();
  private final Random random;
  private final Set<PlantedBug> bugs;

  public NodeContext(
      NodeId self,
      ReplicaStore store,
      Transport transport,
      Registry registry,
      Scheduler scheduler,
      Executor disk,
      ClusterConfig config,
      Placement placement,
      Random random,
      Set<PlantedBug> bugs) {
    this.self = self;
    this.store = store;
    this.transport = transport;
    this.registry = registry;
    this.scheduler = scheduler;
    this.disk = disk;
    this.config = config;
    this.placement = placement;
    // Null only in tests of a room that never looks at the topology.
    this.cluster = placement == null ? null : ClusterRecord.initial(placement.topology());
    this.random = random;
    this.bugs = bugs.isEmpty() ? EnumSet.noneOf(PlantedBug.class) : EnumSet.copyOf(bugs);
  }

  /**
   * The topology and target placement this node follows: the registry's {@code cluster} value as
   * last seen (before the node has read it: the configured topology as version 1).
   */
  public ClusterRecord cluster() {
    return cluster;
  }

  /** Follows {@code next} if it is a newer version than the one followed; true if it was. */
  public boolean follow(ClusterRecord next) {
    synchronized (clusterListeners) {
      if (seen && cluster != null && next.version() <= cluster.version()) {
        return false;
      }
      cluster = next;
      seen = true;
    }
    clusterListeners.forEach(l -> l.accept(next));
    return true;
  }

  private boolean seen;

  /** Calls {@code listener} with every topology version followed from now on. */
  public void onCluster(Consumer<ClusterRecord> listener) {
    clusterListeners.add(listener);
  }

  /** Whether {@code bug} is planted in this node (only ever in the simulation's tests). */
  public boolean planted(PlantedBug bug) {
    return bugs.contains(bug);
  }

  public long now() {
    return scheduler.clock().millis();
  }

  /** A new blob (and transaction) id: the current time and 80 random bits. */
  public BlobId newId() {
    byte[] r = new byte[10];
    synchronized (random) {
      random.nextBytes(r);
    }
    return new BlobId(new Ulid(now(), r));
  }

  /** A random number in [0, bound). */
  public long random(long bound) {
    synchronized (random) {
      return (long) (random.nextDouble() * bound);
    }
  }

  public static String slotKey(int slot) {
    return SLOTS + String.format("%07d", slot);
  }

  public static String nodeKey(NodeId n) {
    return NODES + n.value();
  }

  public static String txnKey(BlobId txn) {
    return TXNS + txn;
  }

  /** A future completed with null after {@code delay}, on the scheduler. */
  public CompletableFuture<Void> sleep(Duration delay) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    scheduler.schedule(delay, () -> f.complete(null));
    return f;
  }

  /** Runs {@code work} on the disk executor. */
  public <T> CompletableFuture<T> onDisk(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, disk);
  }
}
