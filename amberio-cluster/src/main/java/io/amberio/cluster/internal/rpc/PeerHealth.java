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
package io.amberio.cluster.internal.rpc;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.internal.NodeContext;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What this node's own calls say of its peers: one whose last call failed is suspect for a lease
 * TTL.
 */
public final class PeerHealth {
  private record Failure(long at, String reason) {}

  private final NodeContext ctx;
  private final Map<NodeId, Failure> lastFailure = new ConcurrentHashMap<>();
  private final Map<NodeId, AtomicLong> answers = new ConcurrentHashMap<>();

  public PeerHealth(NodeContext ctx) {
    this.ctx = ctx;
  }

  /** Records that a request to {@code n} failed, and why (the transport's reason). */
  void failed(NodeId n, String reason) {
    lastFailure.put(n, new Failure(ctx.now(), reason));
  }

  /** Records that {@code n} answered. */
  void answered(NodeId n) {
    lastFailure.remove(n);
    answers.computeIfAbsent(n, k -> new AtomicLong()).incrementAndGet();
  }

  /**
   * How many calls {@code n} has answered so far: a count, not a time, so that whoever compares two
   * readings measures the time between them by its own timer, not by a clock that may jump.
   */
  public long answers(NodeId n) {
    AtomicLong a = answers.get(n);
    return a == null ? 0 : a.get();
  }

  /** Whether the last call to {@code n} that ended, ended in a failure (however long ago). */
  public boolean lastCallFailed(NodeId n) {
    return lastFailure.containsKey(n);
  }

  /** Whether a call to {@code n} failed within the last lease TTL and none answered since. */
  public boolean suspect(NodeId n) {
    return why(n).isPresent();
  }

  /** Why {@code n} is suspect (the reason its last call failed), if it is. */
  public Optional<String> why(NodeId n) {
    Failure f = lastFailure.get(n);
    return f != null && ctx.now() - f.at() < ctx.config.leaseTtl().toMillis()
        ? Optional.of(f.reason())
        : Optional.empty();
  }
}
