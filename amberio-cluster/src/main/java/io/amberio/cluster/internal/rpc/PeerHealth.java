package io.amberio.cluster.internal.rpc;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.internal.NodeContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What this node's own calls say of its peers: one whose last call failed is suspect for a lease TTL. */
public final class PeerHealth {
  private final NodeContext ctx;
  private final Map<NodeId, Long> lastFailure = new ConcurrentHashMap<>();

  public PeerHealth(NodeContext ctx) {
    this.ctx = ctx;
  }

  /** Records that a request to {@code n} failed. */
  void failed(NodeId n) {
    lastFailure.put(n, ctx.now());
  }

  /** Records that {@code n} answered. */
  void answered(NodeId n) {
    lastFailure.remove(n);
  }

  /** Whether a call to {@code n} failed within the last lease TTL and none answered since. */
  public boolean suspect(NodeId n) {
    Long f = lastFailure.get(n);
    return f != null && ctx.now() - f < ctx.config.leaseTtl().toMillis();
  }
}
