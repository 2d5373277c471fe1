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
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failure detection for a node that the registry still sees but its peers cannot reach. Its lease
 * stays valid, so nobody would ever remove it, and every write of its slots, which needs its vote,
 * would fail for as long as the cut lasts. So the node watches itself: every quarter TTL (a
 * <em>tick</em>) it pings each live peer that has not answered any call since the last tick, and
 * once every live peer has stayed silent for {@link #silentTicksToIsolate} ticks (an RPC timeout
 * plus a lease TTL) with its last call failed, it ends its session ({@link Liveness#endSession}):
 * it stops serving at once, then revokes its lease, so the others remove it from the in-sync sets
 * and go on writing without it. It takes a new lease (and comes back as a learner) only once a peer
 * answers again.
 *
 * <p>Time is counted in ticks of the scheduler, never read from the clock: the clock stamps
 * versions and may jump or stand still (a test's manual clock does both), and a detector that read
 * it would see an hour of silence in a jump.
 *
 * <p>Why a lease TTL on top of the RPC timeout: a peer that is down or paused, not cut off, loses
 * its registration within a TTL of its last keep-alive, and then this node is no longer cut off
 * from any <em>live</em> peer; only peers that keep their leases alive and still cannot be reached
 * make it give up its place. With the defaults (TTL 5 s, RPC timeout 5 s, tick 1.25 s) writes
 * through the others resume at most {@code (8 + 1) ticks + } one registry round trip after the cut,
 * about 12 s.
 */
public final class Isolation {
  private static final Logger log = LoggerFactory.getLogger(Isolation.class);

  private final NodeContext ctx;
  private final Liveness liveness;
  private final PeerHealth health;
  private final Peers peers;
  private final Map<NodeId, long[]> seen = new HashMap<>(); // peer -> {answers, silent ticks}
  private volatile boolean closed;

  public Isolation(NodeContext ctx, Liveness liveness, PeerHealth health, Peers peers) {
    this.ctx = ctx;
    this.liveness = liveness;
    this.health = health;
    this.peers = peers;
  }

  /** Starts the periodic check. */
  public void start() {
    ctx.scheduler.schedule(tick(), this::onTick);
  }

  public void close() {
    closed = true;
  }

  private Duration tick() {
    return ctx.config.leaseTtl().dividedBy(4);
  }

  /** Ticks of silence from every live peer after which this node ends its session. */
  long silentTicksToIsolate() {
    long t = tick().toMillis();
    return (ctx.config.rpcTimeout().toMillis() + t - 1) / t + 4;
  }

  private synchronized void onTick() {
    if (closed) {
      return;
    }
    ctx.scheduler.schedule(tick(), this::onTick);
    Set<NodeId> live = liveness.registered().keySet();
    seen.keySet().retainAll(live);
    boolean anyPeer = false;
    boolean allSilent = true;
    boolean anyAnswered = false;
    for (NodeId n : live) {
      if (n.equals(ctx.self)) {
        continue;
      }
      anyPeer = true;
      long answers = health.answers(n);
      long[] s = seen.get(n);
      if (s == null) {
        seen.put(n, new long[] {answers, 0}); // newly seen live: silent from now on, if at all
        allSilent = false;
        continue;
      }
      if (answers != s[0]) {
        s[0] = answers;
        s[1] = 0;
        anyAnswered = true;
      } else {
        s[1]++;
        peers
            .call(n, Ping.TYPE, 0, new Ping().encode(), FrameSource.empty())
            .exceptionally(t -> null);
      }
      if (s[1] < silentTicksToIsolate() || !health.lastCallFailed(n)) {
        allSilent = false;
      }
    }
    if (anyAnswered && liveness.isolated()) {
      log.info("{}: a peer answers again; taking a new session", ctx.self);
      liveness.resumeSessions();
    }
    if (anyPeer && allSilent && liveness.session() != 0) {
      log.warn(
          "{}: no live peer answered for {} ticks of {} ({}); ending its session so that the"
              + " others can write without it",
          ctx.self,
          silentTicksToIsolate(),
          tick(),
          liveness.cutOff().orElse("every call failed"));
      liveness.endSession();
    }
  }
}
