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
import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.msg.Ping;
import io.amberio.cluster.internal.rpc.PeerHealth;
import io.amberio.cluster.internal.rpc.Peers;
import io.amberio.cluster.transport.FrameSource;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failure detection for a node that the registry still sees but its peers cannot reach. Its lease
 * stays valid, so nobody would ever remove it, and every write of its slots, which needs its vote,
 * fails for as long as the cut lasts. So the node watches itself: every quarter TTL it pings the
 * live peers it has not heard from lately, and once it has been cut off from every one of them
 * ({@link Liveness#cutOff()}) for a whole lease TTL, it ends its session ({@link
 * Liveness#endSession}): it stops serving at once, then revokes its lease, so the others remove it
 * from the in-sync sets and go on writing without it. It takes a new lease (and comes back as a
 * learner) only once a peer answers again.
 *
 * <p>Why a whole TTL: peers that are down or paused, not cut off, lose their registrations within a
 * TTL (their keep-alives stop), and then this node is no longer cut off from any live peer; only
 * peers that keep their leases alive and still cannot be reached make it give up its place. So with
 * the defaults (TTL 5 s, RPC timeout 5 s), writes resume about {@code rpcTimeout + TTL + TTL/4 +}
 * one registry round trip after the cut, under 12 s.
 */
public final class Isolation {
  private static final Logger log = LoggerFactory.getLogger(Isolation.class);

  private final NodeContext ctx;
  private final Liveness liveness;
  private final PeerHealth health;
  private final Peers peers;
  private volatile long cutSince = -1;
  private volatile boolean closed;

  public Isolation(NodeContext ctx, Liveness liveness, PeerHealth health, Peers peers) {
    this.ctx = ctx;
    this.liveness = liveness;
    this.health = health;
    this.peers = peers;
  }

  /** Starts the periodic check. */
  public void start() {
    ctx.scheduler.schedule(every(), this::tick);
  }

  public void close() {
    closed = true;
  }

  private Duration every() {
    return ctx.config.leaseTtl().dividedBy(4);
  }

  private void tick() {
    if (closed) {
      return;
    }
    ctx.scheduler.schedule(every(), this::tick);
    long quiet = every().toMillis();
    for (NodeId n : liveness.registered().keySet()) {
      if (!n.equals(ctx.self) && !health.heardWithin(n, quiet)) {
        peers
            .call(n, Ping.TYPE, 0, new Ping().encode(), FrameSource.empty())
            .exceptionally(t -> null);
      }
    }
    Optional<String> cut = liveness.cutOff();
    if (cut.isEmpty()) {
      cutSince = -1;
      return;
    }
    long now = ctx.now();
    if (cutSince < 0) {
      cutSince = now;
      return;
    }
    if (now - cutSince >= ctx.config.leaseTtl().toMillis() && liveness.session() != 0) {
      log.warn(
          "{}: cut off from every live peer for {} ms ({}); ending its session so that the others"
              + " can write without it",
          ctx.self,
          now - cutSince,
          cut.get());
      liveness.endSession();
    }
  }
}
