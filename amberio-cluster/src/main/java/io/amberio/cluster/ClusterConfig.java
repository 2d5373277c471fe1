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

import java.time.Duration;
import java.util.Objects;

/**
 * The timing of a cluster member. Every node of a cluster should use the same values.
 *
 * @param leaseTtl how long a node's liveness lease lives without a keep-alive; a replica that stops
 *     answering leaves the in-sync sets this long after its last keep-alive
 * @param rpcTimeout how long one request to another node may take; a request that carries a body (a
 *     PUT's DATA, a catch-up FETCH) may take until the client operation's own deadline ({@code
 *     requestTimeout}) instead
 * @param lockRetry how long a write keeps retrying when a path is locked by another write in flight
 * @param decisionWait how long a read waits for the coordinator of a prepared write on its path
 *     before resolving the transaction itself
 * @param requestTimeout the longest a client operation takes; past it a write answers
 *     OUTCOME_UNKNOWN once its decision is written, UNAVAILABLE before
 * @param catchUpBatch versions copied per page when a replica catches up
 * @param maxIncomingCopies the most slots a node copies in at once (as a learner: a slot moving to
 *     it, or a rejoin); the others wait their turn
 * @param copyBytesPerSecond the most bytes per second a node copies in, over all its copies; 0: no
 *     limit
 * @param copyReserveBytes a node starts no copy while less than this is free on its disks (a copy
 *     in progress goes on; the store's own {@code minFreeBytes} still guards every write)
 * @param maxOutgoingCopies the most copies a node serves to learners at once (a copy counts from
 *     its FENCE until it reads the slot's last page, or asks nothing for an RPC timeout); a learner
 *     refused looks for another in-sync source, then tries again later
 */
public record ClusterConfig(
    Duration leaseTtl,
    Duration rpcTimeout,
    Duration lockRetry,
    Duration decisionWait,
    Duration requestTimeout,
    int catchUpBatch,
    int maxIncomingCopies,
    long copyBytesPerSecond,
    long copyReserveBytes,
    int maxOutgoingCopies) {

  /**
   * Default copy limits: 8 slots in and 16 out at once (two learners copying their most from one
   * source, as after a whole cluster restarted), 64 MiB/s in, 1 GiB kept free.
   */
  public static final int DEFAULT_MAX_INCOMING_COPIES = 8;

  public static final int DEFAULT_MAX_OUTGOING_COPIES = 16;

  public static final long DEFAULT_COPY_BYTES_PER_SECOND = 64L << 20;
  public static final long DEFAULT_COPY_RESERVE_BYTES = 1L << 30;

  /** A configuration with the default copy limits. */
  public ClusterConfig(
      Duration leaseTtl,
      Duration rpcTimeout,
      Duration lockRetry,
      Duration decisionWait,
      Duration requestTimeout,
      int catchUpBatch) {
    this(
        leaseTtl,
        rpcTimeout,
        lockRetry,
        decisionWait,
        requestTimeout,
        catchUpBatch,
        DEFAULT_MAX_INCOMING_COPIES,
        DEFAULT_COPY_BYTES_PER_SECOND,
        DEFAULT_COPY_RESERVE_BYTES,
        DEFAULT_MAX_OUTGOING_COPIES);
  }

  /** Defaults for machines on one network: 5 s leases, 5 s requests, 30 s per client operation. */
  public static final ClusterConfig DEFAULTS =
      new ClusterConfig(
          Duration.ofSeconds(5),
          Duration.ofSeconds(5),
          Duration.ofSeconds(5),
          Duration.ofSeconds(2),
          Duration.ofSeconds(30),
          256);

  public ClusterConfig {
    positive(leaseTtl, "leaseTtl");
    positive(rpcTimeout, "rpcTimeout");
    positive(lockRetry, "lockRetry");
    positive(decisionWait, "decisionWait");
    positive(requestTimeout, "requestTimeout");
    if (catchUpBatch < 1 || catchUpBatch > 10_000) {
      throw new IllegalArgumentException("catchUpBatch is 1 to 10000, was " + catchUpBatch);
    }
    if (maxIncomingCopies < 1 || maxIncomingCopies > 1024) {
      throw new IllegalArgumentException(
          "maxIncomingCopies is 1 to 1024, was " + maxIncomingCopies);
    }
    if (maxOutgoingCopies < 1 || maxOutgoingCopies > 1024) {
      throw new IllegalArgumentException(
          "maxOutgoingCopies is 1 to 1024, was " + maxOutgoingCopies);
    }
    if (copyBytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "copyBytesPerSecond is 0 (no limit) or more, was " + copyBytesPerSecond);
    }
    if (copyReserveBytes < 0) {
      throw new IllegalArgumentException("copyReserveBytes is 0 or more, was " + copyReserveBytes);
    }
    if (leaseTtl.toMillis() < 100) {
      throw new IllegalArgumentException("leaseTtl is at least 100 ms, was " + leaseTtl);
    }
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  /** This configuration with another lease TTL. */
  public ClusterConfig withLeaseTtl(Duration ttl) {
    return copy(f -> f.leaseTtl = ttl);
  }

  /** This configuration with another request timeout. */
  public ClusterConfig withRequestTimeout(Duration timeout) {
    return copy(f -> f.requestTimeout = timeout);
  }

  /** This configuration with another RPC timeout. */
  public ClusterConfig withRpcTimeout(Duration timeout) {
    return copy(f -> f.rpcTimeout = timeout);
  }

  /** This configuration with other limits on copies in (see the class notes). */
  public ClusterConfig withCopyLimits(
      int maxIncomingCopies, long copyBytesPerSecond, long copyReserveBytes) {
    return copy(
        f -> {
          f.maxIncomingCopies = maxIncomingCopies;
          f.copyBytesPerSecond = copyBytesPerSecond;
          f.copyReserveBytes = copyReserveBytes;
        });
  }

  /** This configuration with another limit on the copies a node serves at once. */
  public ClusterConfig withMaxOutgoingCopies(int maxOutgoingCopies) {
    return copy(f -> f.maxOutgoingCopies = maxOutgoingCopies);
  }

  /** This configuration with the fields {@code change} sets changed (and checked again). */
  private ClusterConfig copy(java.util.function.Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return new ClusterConfig(
        f.leaseTtl,
        f.rpcTimeout,
        f.lockRetry,
        f.decisionWait,
        f.requestTimeout,
        f.catchUpBatch,
        f.maxIncomingCopies,
        f.copyBytesPerSecond,
        f.copyReserveBytes,
        f.maxOutgoingCopies);
  }

  /** The fields of a configuration, for {@link #copy}. */
  private static final class Fields {
    Duration leaseTtl;
    Duration rpcTimeout;
    Duration lockRetry;
    Duration decisionWait;
    Duration requestTimeout;
    int catchUpBatch;
    int maxIncomingCopies;
    long copyBytesPerSecond;
    long copyReserveBytes;
    int maxOutgoingCopies;

    Fields(ClusterConfig c) {
      leaseTtl = c.leaseTtl;
      rpcTimeout = c.rpcTimeout;
      lockRetry = c.lockRetry;
      decisionWait = c.decisionWait;
      requestTimeout = c.requestTimeout;
      catchUpBatch = c.catchUpBatch;
      maxIncomingCopies = c.maxIncomingCopies;
      copyBytesPerSecond = c.copyBytesPerSecond;
      copyReserveBytes = c.copyReserveBytes;
      maxOutgoingCopies = c.maxOutgoingCopies;
    }
  }
}
