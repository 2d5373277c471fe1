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
import io.amberio.cluster.internal.msg.RegistryValues;
import io.amberio.cluster.internal.rpc.PeerHealth;
import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.Lease;
import io.amberio.cluster.registry.RegistryException;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease keeper: this node's liveness, and what it knows of the others'.
 *
 * <p>The node holds a lease in the registry and keeps it alive; {@code nodes/<id>} is bound to it.
 * The node considers its lease valid until {@code sent + 0.9 x TTL}, where {@code sent} is when it
 * <em>sent</em> the last successful keep-alive: the registry cannot expire the lease before then,
 * so a node never serves a read after the registry let others remove it. The lease id is the node's
 * <em>session</em>: a replica holds its place in a slot under it. The live registrations of all
 * nodes (fed by {@link RegistryFollower}) say whose session still runs.
 */
public final class Liveness {
  private static final Logger log = LoggerFactory.getLogger(Liveness.class);

  private final NodeContext ctx;
  private final PeerHealth health;
  private final Map<NodeId, Long> registered = new ConcurrentHashMap<>();
  private volatile long grantSentAt; // when the request that granted the current lease went out
  private volatile long lease;
  private volatile long leaseDeadline;
  private volatile boolean closed;
  private final AtomicBoolean keeping = new AtomicBoolean();

  /** Keep-alives in flight at most at once (see {@link #keepAlive()}). */
  private static final int MAX_IN_FLIGHT = 4;

  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean renewing = new AtomicBoolean();
  private volatile boolean isolated;
  private final Map<NodeId, long[]> confirmedAlive = new ConcurrentHashMap<>();

  public Liveness(NodeContext ctx, PeerHealth health) {
    this.ctx = ctx;
    this.health = health;
  }

  public long session() {
    return lease;
  }

  public boolean leaseValid() {
    return !closed && lease != 0 && ctx.now() < leaseDeadline;
  }

  /**
   * Nodes with a live registration, and the lease each holds, in id order. Not {@code Map.copyOf}:
   * its iteration order is salted per JVM, so callers that send a message per node sent them in
   * another order on each run, and a simulation seed did not replay.
   */
  public Map<NodeId, Long> registered() {
    return Collections.unmodifiableMap(new TreeMap<>(registered));
  }

  /**
   * Why this node is cut off from its peers, if it is: other nodes are registered (alive by their
   * leases) and this node's latest call to every one of them failed within a lease TTL. Such a node
   * still holds its lease, yet it can coordinate no write and peers cannot reach its replicas.
   */
  public Optional<String> cutOff() {
    StringBuilder b = new StringBuilder();
    for (NodeId n : new TreeMap<>(registered).keySet()) {
      if (n.equals(ctx.self)) {
        continue;
      }
      Optional<String> why = health.why(n);
      if (why.isEmpty()) {
        return Optional.empty();
      }
      b.append(b.length() == 0 ? "" : ", ").append(n).append(" (").append(why.get()).append(')');
    }
    return b.length() == 0
        ? Optional.empty()
        : Optional.of("node " + ctx.self + " cannot reach any other live node: " + b);
  }

  /** up, suspect or down, as this node sees {@code n}. */
  public String status(NodeId n) {
    if (n.equals(ctx.self)) {
      return leaseValid() ? "up" : "suspect";
    }
    if (!registered.containsKey(n)) {
      return "down";
    }
    return health.suspect(n) ? "suspect" : "up";
  }

  /**
   * Replaces the registrations by {@code now} entry by entry (never emptied: readers in between
   * must not see live nodes as gone).
   */
  void replaceRegistered(Map<NodeId, Long> now) {
    Map<NodeId, Long> all = new HashMap<>(now);
    if (lease != 0) {
      all.put(ctx.self, lease);
    }
    registered.putAll(all);
    registered.keySet().retainAll(all.keySet());
  }

  void registered(NodeId n, long lease) {
    registered.put(n, lease);
  }

  void unregistered(NodeId n) {
    registered.remove(n);
  }

  /**
   * Whether the session {@code session} of node {@code n} has ended, judged by a fresh read of its
   * registration. The view of the registrations ({@link #registered}) and that of the slots come
   * from separate watches whose events are not ordered with each other, so a slot state naming a
   * new session can arrive before the registration of that session: the view alone would take a
   * live session for an ended one. The read is at least as recent as the slot state that named the
   * session, and a node registers a session before it claims anything under it, so a registration
   * bound to another lease, or none, means that session is over. A session confirmed alive is
   * remembered for a lease TTL, so a lagging view costs one read per node, not one per slot.
   */
  CompletableFuture<Boolean> confirmEnded(NodeId n, long session) {
    long[] alive = confirmedAlive.get(n);
    if (alive != null && alive[0] == session && ctx.now() - alive[1] < ttl()) {
      return CompletableFuture.completedFuture(false);
    }
    return ctx.registry
        .get(NodeContext.nodeKey(n))
        .thenApply(
            kv -> {
              if (kv.isPresent() && kv.get().leaseId() == session) {
                confirmedAlive.put(n, new long[] {session, ctx.now()});
                return false;
              }
              return true;
            });
  }

  private long ttl() {
    return ctx.config.leaseTtl().toMillis();
  }

  /** Takes a new lease and binds {@code nodes/<id>} to it. */
  CompletableFuture<Void> newLease() {
    long sent = ctx.now();
    return ctx.registry
        .leases()
        .grant(ctx.config.leaseTtl())
        .thenCompose(
            l -> {
              byte[] value = RegistryValues.node(l.id());
              return ctx.registry
                  .compareAndSet(
                      NodeContext.nodeKey(ctx.self), value, CasOptions.ifAbsent().withLease(l.id()))
                  .thenCompose(
                      r ->
                          r.succeeded()
                              ? CompletableFuture.completedFuture(r)
                              // A key of an earlier life of this node (its lease not yet run out):
                              // replace it.
                              : ctx.registry.compareAndSet(
                                  NodeContext.nodeKey(ctx.self),
                                  value,
                                  CasOptions.ifRevision(r.current().get().modRevision())
                                      .withLease(l.id())))
                  .thenAccept(
                      r -> {
                        if (!r.succeeded()) {
                          throw new IllegalStateException(
                              "could not register " + ctx.self + ": its key changed meanwhile");
                        }
                        lease = l.id();
                        grantSentAt = sent;
                        leaseDeadline = sent + ttlMillis(l) * 9 / 10;
                        registered.put(ctx.self, l.id());
                        log.info("{}: holds lease {}", ctx.self, l.id());
                      });
            });
  }

  private static long ttlMillis(Lease l) {
    return l.ttl().toMillis();
  }

  private Duration keepAliveEvery() {
    return ctx.config.leaseTtl().dividedBy(4);
  }

  /** Starts the periodic keep-alive (a new lease if the old one ended); once. */
  void startKeepAlive() {
    if (keeping.compareAndSet(false, true)) {
      ctx.scheduler.schedule(keepAliveEvery(), this::keepAlive);
    }
  }

  /**
   * One tick: schedules the next a quarter TTL on, whatever this one's request does, then sends a
   * keep-alive (or takes a new lease if the old one ended). A keep-alive stuck on an unreachable
   * registry member (etcd's client may route it there until its own timeout, longer than a TTL)
   * must not hold back the next, which may reach another member: up to {@link #MAX_IN_FLIGHT} are
   * in flight at once, each extending the lease from its own send time.
   */
  private void keepAlive() {
    if (closed) {
      return;
    }
    ctx.scheduler.schedule(keepAliveEvery(), this::keepAlive);
    long l = lease;
    if (l == 0) {
      if (isolated) {
        return; // a new session only once a peer answers again (Isolation)
      }
      if (renewing.compareAndSet(false, true)) {
        newLease()
            .whenComplete(
                (x, t) -> {
                  renewing.set(false);
                  if (t != null) {
                    log.debug("{}: taking a new lease failed: {}", ctx.self, t.toString());
                  }
                });
      }
      return;
    }
    if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      inFlight.decrementAndGet();
      return;
    }
    long sent = ctx.now();
    ctx.registry
        .leases()
        .keepAlive(l)
        .whenComplete(
            (x, t) -> {
              inFlight.decrementAndGet();
              if (t == null) {
                if (lease == l) {
                  leaseDeadline = Math.max(leaseDeadline, sent + ttlMillis(x) * 9 / 10);
                }
                return;
              }
              Throwable c = Bodies.unwrap(t);
              if (c instanceof RegistryException re
                  && re.reason() == RegistryException.Reason.LEASE_NOT_FOUND) {
                if (lease == l && sent - grantSentAt < ttl()) {
                  // A lease cannot have run out within its TTL of the grant: this answer comes
                  // from a registry member that has not applied the grant yet (seen once on etcd,
                  // 0.35 s after a grant). The lease stays; it is valid here only until its
                  // deadline anyway, unless a keep-alive gets through.
                  log.debug(
                      "{}: lease {} not found {} ms after its grant; a member behind, not its end",
                      ctx.self,
                      l,
                      sent - grantSentAt);
                  return;
                }
                if (lease == l) {
                  log.warn(
                      "{}: lease {} ended; taking a new one (every slot must be claimed again)",
                      ctx.self,
                      l);
                  lease = 0;
                }
              } else {
                log.debug("{}: keep-alive failed: {}", ctx.self, c.toString());
              }
            });
  }

  /**
   * Ends this node's session because it is cut off from its peers ({@link Isolation}): it stops
   * serving at once (the lease is no longer valid here), then revokes the lease, so the others
   * remove it without waiting for the lease to run out. No new lease is taken while it stays cut
   * off.
   */
  void endSession() {
    long l = lease;
    if (l == 0) {
      return;
    }
    isolated = true;
    leaseDeadline = 0;
    lease = 0;
    registered.remove(ctx.self);
    ctx.registry
        .leases()
        .revoke(l)
        .exceptionally(
            t -> {
              log.debug("{}: revoking lease {} failed: {}", ctx.self, l, t.toString());
              return null;
            });
  }

  /** Lets this node take a new session again: a peer answered after {@link #endSession}. */
  void resumeSessions() {
    isolated = false;
  }

  /** Whether this node ended its session because it was cut off, and no peer answered since. */
  boolean isolated() {
    return isolated;
  }

  /** Stops keeping the lease alive; the lease is no longer valid here. */
  public void close() {
    closed = true;
  }

  /** Ends this node's lease now (a clean leave: others may remove it at once). */
  public CompletableFuture<Void> revoke() {
    long l = lease;
    lease = 0;
    return l == 0
        ? CompletableFuture.completedFuture(null)
        : ctx.registry.leases().revoke(l).handle((x, t) -> null);
  }
}
