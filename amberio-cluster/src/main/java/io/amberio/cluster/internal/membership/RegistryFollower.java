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
package io.amberio.cluster.internal.membership;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.internal.Bodies;
import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.msg.ClusterRecord;
import io.amberio.cluster.internal.msg.RegistryValues;
import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.registry.ListOptions;
import io.amberio.cluster.registry.ListResult;
import io.amberio.cluster.registry.RegistryException;
import io.amberio.cluster.registry.Watch;
import io.amberio.cluster.registry.WatchEvent;
import io.amberio.cluster.registry.WatchListener;
import io.amberio.cluster.registry.WatchOptions;
import io.amberio.cluster.topology.Topology;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins the cluster and follows the registry: checks or creates the cluster record, takes a lease
 * ({@link Liveness}), checks the store ({@link StoreIdentity}), loads the node registrations and
 * the slot states, and watches both from the revision it loaded them at. Every change goes into
 * {@link Liveness} or {@link SlotView}, and then to the {@link Reconciler}.
 */
public final class RegistryFollower {
  private static final Logger log = LoggerFactory.getLogger(RegistryFollower.class);

  private final NodeContext ctx;
  private final Liveness liveness;
  private final SlotView slots;
  private final StoreIdentity store;
  private final Reconciler reconciler;
  private final List<Watch> watches = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  public RegistryFollower(
      NodeContext ctx,
      Liveness liveness,
      SlotView slots,
      StoreIdentity store,
      Reconciler reconciler) {
    this.ctx = ctx;
    this.liveness = liveness;
    this.slots = slots;
    this.store = store;
    this.reconciler = reconciler;
  }

  /** Joins: checks or creates the cluster record, takes a lease, loads and follows the slots. */
  public CompletableFuture<Void> start() {
    reconciler.joining();
    ClusterRecord mine = ClusterRecord.initial(ctx.placement.topology());
    return retry(
            () ->
                ctx.registry.compareAndSet(
                    NodeContext.CLUSTER_KEY, mine.encode(), CasOptions.ifAbsent()),
            0)
        .thenCompose(
            r -> {
              KeyValue kv = r.current().orElseThrow();
              ClusterRecord have = r.succeeded() ? mine : ClusterRecord.decode(kv.value());
              checkJoins(mine, have);
              ctx.follow(have);
              return retry(this::checkCredentials, 0);
            })
        .thenCompose(v -> retry(this::watchCluster, 0))
        .thenCompose(v -> retry(liveness::newLease, 0))
        // Keep the lease alive from the moment it is granted: loading the cluster (thousands of
        // slot states from a real etcd) may take longer than its TTL.
        .thenRun(liveness::startKeepAlive)
        .thenCompose(v -> retry(store::check, 0))
        .thenCompose(v -> retry(this::loadNodes, 0))
        .thenCompose(v -> retry(this::loadSlots, 0))
        .thenRun(() -> ctx.scheduler.schedule(Duration.ZERO, reconciler::reconcileAll));
  }

  /**
   * Whether this node may join the cluster the registry holds: the same slot count and replication
   * factor, and this node a member of its topology. At topology version 1 (no change made yet) the
   * configured topology must be the registry's, as in the releases before; once the topology has
   * changed, the registry's is the truth and the configuration only the bootstrap.
   */
  private void checkJoins(ClusterRecord mine, ClusterRecord have) {
    Topology t = have.topology();
    Topology m = mine.topology();
    if (t.slotCount() != m.slotCount()
        || t.replicationFactor() != m.replicationFactor()
        || (have.version() == 1 && !t.equals(m))) {
      throw new IllegalStateException(
          "the registry holds another cluster: its topology is '"
              + new String(RegistryValues.topology(t), StandardCharsets.UTF_8)
              + "'"
              + (have.version() == 1 ? "" : " (version " + have.version() + ")")
              + ", this node's is '"
              + new String(RegistryValues.topology(m), StandardCharsets.UTF_8)
              + "'");
    }
    if (t.node(ctx.self).isEmpty()) {
      throw new IllegalStateException(
          "node "
              + ctx.self
              + " is not in the cluster's topology (version "
              + have.version()
              + ", nodes "
              + t.nodeIds()
              + "): add it first (amberio cluster add-node)");
    }
    if (have.version() > 1 && !t.equals(m)) {
      log.info(
          "{}: following the registry's topology version {} {}, not the configured one",
          ctx.self,
          have.version(),
          t.nodeIds());
    }
  }

  /** Follows the registry's cluster value from now on. */
  private CompletableFuture<Void> watchCluster() {
    return ctx.registry
        .get(NodeContext.CLUSTER_KEY)
        .thenCompose(
            kv -> {
              long rev = kv.map(KeyValue::modRevision).orElse(0L);
              kv.ifPresent(v -> followValue(v.value()));
              return ctx.registry
                  .watch(
                      NodeContext.CLUSTER_KEY,
                      WatchOptions.fromRevision(rev + 1),
                      new WatchListener() {
                        @Override
                        public void onEvent(WatchEvent e) {
                          if (!closed && e.type() == WatchEvent.Type.PUT) {
                            followValue(e.keyValue().value());
                          }
                        }

                        @Override
                        public void onError(RegistryException error) {
                          if (!closed) {
                            log.warn(
                                "{}: topology watch ended ({}); reloading",
                                ctx.self,
                                error.toString());
                            ctx.scheduler.schedule(
                                Duration.ofMillis(100),
                                () -> watchCluster().exceptionally(t -> null));
                          }
                        }
                      })
                  .thenApply(this::keep);
            });
  }

  private void followValue(byte[] value) {
    ClusterRecord r;
    try {
      r = ClusterRecord.decode(value);
    } catch (RuntimeException e) {
      log.error("{}: cannot read the registry's topology: {}", ctx.self, e.getMessage());
      return;
    }
    if (ctx.follow(r)) {
      log.info(
          "{}: now at topology version {} (nodes {})",
          ctx.self,
          r.version(),
          r.topology().nodeIds());
      ctx.scheduler.execute(reconciler::reconcileAll);
    }
  }

  /**
   * Proves, before the node takes a lease or any place in a slot, that it holds the credentials the
   * cluster's nodes hold: records this transport's credential check if the registry has none, else
   * compares. A node with the wrong secret would otherwise register, be added to slots as a learner
   * and take part in every write while no peer can talk to it.
   */
  private CompletableFuture<Void> checkCredentials() {
    Optional<byte[]> mine = ctx.transport.credentialCheck();
    if (mine.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    String key = NodeContext.CREDENTIAL_CHECK_KEY;
    return ctx.registry
        .compareAndSet(key, RegistryValues.credentialCheck(mine.get()), CasOptions.ifAbsent())
        .thenAccept(
            r -> {
              if (r.succeeded()) {
                return;
              }
              byte[] recorded = RegistryValues.credentialCheck(key, r.current().get().value());
              if (!MessageDigest.isEqual(recorded, mine.get())) {
                throw new IllegalStateException(
                    "node "
                        + ctx.self
                        + " does not hold the cluster's secret: its credential check differs"
                        + " from the one recorded in the registry ("
                        + key
                        + ") by the nodes already in the cluster; give it their secret file");
              }
            });
  }

  public void close() {
    closed = true;
    for (Watch w : watches) {
      try {
        w.cancel();
      } catch (RuntimeException e) {
        log.debug("cancel watch: {}", e.toString());
      }
    }
    watches.clear();
  }

  /**
   * Repeats a registry step that failed for a reason other than a wrong answer (the registry was
   * unreachable or timed out), with growing pauses, until it succeeds or the node closes.
   */
  private <T> CompletableFuture<T> retry(Supplier<CompletableFuture<T>> step, int attempt) {
    CompletableFuture<T> f;
    try {
      f = step.get();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return f.handle(
            (r, t) -> {
              if (t == null) {
                return CompletableFuture.completedFuture(r);
              }
              Throwable c = Bodies.unwrap(t);
              if (closed
                  || !(c instanceof RegistryException re)
                  || re.reason() == RegistryException.Reason.CLOSED) {
                return CompletableFuture.<T>failedFuture(c);
              }
              log.debug("{}: registry step failed ({}); retrying", ctx.self, c.toString());
              return ctx.sleep(Duration.ofMillis(Math.min(1000, 20L << Math.min(attempt, 6))))
                  .thenCompose(x -> retry(step, attempt + 1));
            })
        .thenCompose(x -> x);
  }

  private CompletableFuture<Void> loadNodes() {
    return listAll(NodeContext.NODES)
        .thenCompose(
            page -> {
              Map<NodeId, Long> now = new HashMap<>();
              for (KeyValue kv : page.kvs) {
                now.put(NodeId.of(kv.key().substring(NodeContext.NODES.length())), kv.leaseId());
              }
              liveness.replaceRegistered(now);
              return ctx.registry
                  .watch(
                      NodeContext.NODES,
                      WatchOptions.fromRevision(page.revision + 1),
                      new WatchListener() {
                        @Override
                        public void onEvent(WatchEvent e) {
                          if (closed) {
                            return;
                          }
                          NodeId n = NodeId.of(e.key().substring(NodeContext.NODES.length()));
                          if (e.type() == WatchEvent.Type.PUT) {
                            liveness.registered(n, e.keyValue().leaseId());
                          } else {
                            liveness.unregistered(n);
                          }
                          ctx.scheduler.execute(reconciler::reconcileAll);
                        }

                        @Override
                        public void onError(RegistryException error) {
                          if (!closed) {
                            log.warn(
                                "{}: node watch ended ({}); reloading", ctx.self, error.toString());
                            ctx.scheduler.schedule(
                                Duration.ofMillis(100), () -> loadNodes().exceptionally(t -> null));
                          }
                        }
                      })
                  .thenApply(this::keep);
            });
  }

  private Void keep(Watch w) {
    watches.add(w);
    if (closed) {
      w.cancel();
    }
    return null;
  }

  /** Applies a slot's value and lets the reconciler look at the slot. */
  private void apply(int slot, KeyValue kv) {
    slots.update(slot, kv);
    if (!closed) {
      ctx.scheduler.execute(() -> reconciler.reconcile(slot));
    }
  }

  private CompletableFuture<Void> loadSlots() {
    return listAll(NodeContext.SLOTS)
        .thenCompose(
            page -> {
              List<CompletableFuture<?>> creates = new ArrayList<>();
              boolean[] seen = new boolean[slots.slotCount()];
              for (KeyValue kv : page.kvs) {
                int slot = Integer.parseInt(kv.key().substring(NodeContext.SLOTS.length()));
                if (slot >= 0 && slot < seen.length) {
                  seen[slot] = true;
                  apply(slot, kv);
                }
              }
              for (int s = 0; s < seen.length; s++) {
                if (!seen[s]) {
                  int slot = s;
                  ClusterRecord c = ctx.cluster();
                  SlotState init =
                      SlotState.initial(slot, c.placement().replicas(slot))
                          .placed(c.version(), c.placement().replicas(slot));
                  creates.add(
                      ctx.registry
                          .compareAndSet(
                              NodeContext.slotKey(slot), init.encode(), CasOptions.ifAbsent())
                          .thenAccept(r -> r.current().ifPresent(kv -> apply(slot, kv))));
                }
              }
              return CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new))
                  .<Watch>thenCompose(
                      v ->
                          ctx.registry.watch(
                              NodeContext.SLOTS,
                              WatchOptions.fromRevision(page.revision + 1),
                              new WatchListener() {
                                @Override
                                public void onEvent(WatchEvent e) {
                                  if (!closed && e.type() == WatchEvent.Type.PUT) {
                                    apply(
                                        Integer.parseInt(
                                            e.key().substring(NodeContext.SLOTS.length())),
                                        e.keyValue());
                                  }
                                }

                                @Override
                                public void onError(RegistryException error) {
                                  if (!closed) {
                                    log.warn(
                                        "{}: slot watch ended ({}); reloading",
                                        ctx.self,
                                        error.toString());
                                    ctx.scheduler.schedule(
                                        Duration.ofMillis(100),
                                        () -> loadSlots().exceptionally(t -> null));
                                  }
                                }
                              }))
                  .thenApply(this::keep);
            });
  }

  private record Page(List<KeyValue> kvs, long revision) {}

  private CompletableFuture<Page> listAll(String prefix) {
    List<KeyValue> all = new ArrayList<>();
    long[] rev = {0};
    return new Object() {
      CompletableFuture<Page> from(Optional<String> after) {
        ListOptions o = ListOptions.limit(ListOptions.MAX_LIMIT);
        if (after.isPresent()) {
          o = o.startingAfter(after.get());
        }
        return ctx.registry
            .list(prefix, o)
            .thenCompose(
                (ListResult r) -> {
                  if (rev[0] == 0) {
                    rev[0] = r.revision();
                  }
                  all.addAll(r.keyValues());
                  if (r.more() && !r.keyValues().isEmpty()) {
                    return from(Optional.of(r.keyValues().get(r.keyValues().size() - 1).key()));
                  }
                  return CompletableFuture.completedFuture(new Page(all, rev[0]));
                });
      }
    }.from(Optional.empty());
  }
}
