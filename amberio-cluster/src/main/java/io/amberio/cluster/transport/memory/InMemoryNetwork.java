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
package io.amberio.cluster.transport.memory;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.transport.TransportException;
import io.amberio.core.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * A simulated network of {@link InMemoryTransport}s, one per node, with faults under the test's
 * control.
 *
 * <p>Every delivery is a task on the injected {@link Scheduler}; nothing here blocks or starts a
 * thread, and every random choice comes from the injected {@link Random}, so on a single-threaded
 * simulated scheduler the same seed gives the same delivery schedule.
 *
 * <p><b>Faults.</b> A request and a response are each one message; bodies, credits and
 * cancellations travel behind them on the same ordered channel (see {@link InMemoryLink}).
 *
 * <ul>
 *   <li>{@linkplain Faults#dropRate() Drop}: a request or response is lost (and its channel with
 *       it): the sender sees {@link TransportException.Reason#TIMEOUT}.
 *   <li>{@linkplain Faults#minDelay() Delay}: every message waits a random time within bounds, so
 *       independent exchanges are reordered; messages of one channel keep their order.
 *   <li>{@linkplain Faults#duplicateRate() Duplicate}: a request reaches the handler a second time,
 *       on its own random delay. The duplicate has the same type, epoch and header; its body, if
 *       the request has one, fails at once with {@link TransportException.Reason#CONNECTION_LOST}
 *       (bodies are never buffered whole to be replayed), and its response is discarded: the caller
 *       hears from the original delivery only.
 *   <li>{@link #partition}, {@link #cut} (one way), {@link #heal}, {@link #disconnect} and {@link
 *       #reconnect}: a message sent or arriving over a blocked direction is lost, with its channel.
 *   <li>{@link #crash}: the node's transport closes without telling anyone; messages to it are lost
 *       until a new transport {@linkplain #join joins} under the same id.
 * </ul>
 *
 * <p>A node that never joined is unknown: sends to it fail with {@link
 * TransportException.Reason#UNREACHABLE}. A known node that is down just stays silent.
 *
 * <p><b>Threads.</b> Exchanges are confined to the scheduler, which must run one task at a time
 * (the simulation's scheduler does, and so does {@code Scheduler.system} over a single thread).
 * Every public method here and on the transports may be called from any thread.
 */
public final class InMemoryNetwork {

  /**
   * The faults applied to every message from now on.
   *
   * @param dropRate probability that a request or response is lost, 0 to 1
   * @param duplicateRate probability that a request is delivered twice, 0 to 1
   * @param minDelay shortest delay of a message, at least 0
   * @param maxDelay longest delay of a message, at least {@code minDelay}
   */
  public record Faults(
      double dropRate, double duplicateRate, Duration minDelay, Duration maxDelay) {

    /** No loss, no duplication, no delay. */
    public static final Faults NONE = new Faults(0, 0, Duration.ZERO, Duration.ZERO);

    /** Validates the faults. */
    public Faults {
      Objects.requireNonNull(minDelay, "minDelay");
      Objects.requireNonNull(maxDelay, "maxDelay");
      if (!(dropRate >= 0 && dropRate <= 1) || !(duplicateRate >= 0 && duplicateRate <= 1)) {
        throw new IllegalArgumentException(
            "rates must be within [0, 1], were drop=" + dropRate + " duplicate=" + duplicateRate);
      }
      if (minDelay.isNegative() || maxDelay.compareTo(minDelay) < 0) {
        throw new IllegalArgumentException(
            "delays must satisfy 0 <= min <= max, were min=" + minDelay + " max=" + maxDelay);
      }
    }
  }

  /** The default window: frames a body's sender may have in flight. */
  public static final int DEFAULT_WINDOW = 16;

  private final Scheduler scheduler;
  private final Random random;
  private final int window;

  // @GuardedBy("this")
  private Faults faults;
  private final Map<NodeId, InMemoryTransport> up = new LinkedHashMap<>();
  private final Set<NodeId> known = new HashSet<>();
  private final Set<Edge> cut = new HashSet<>();
  private final Set<NodeId> disconnected = new HashSet<>();

  private record Edge(NodeId from, NodeId to) {}

  private InMemoryNetwork(Builder b) {
    this.scheduler = b.scheduler;
    this.random = b.random;
    this.window = b.window == null ? DEFAULT_WINDOW : b.window;
    this.faults = b.faults == null ? Faults.NONE : b.faults;
  }

  /** A builder over the scheduler that runs every delivery and the random source of every fault. */
  public static Builder builder(Scheduler scheduler, Random random) {
    return new Builder(scheduler, random);
  }

  /** Builds an {@link InMemoryNetwork}; each option may be set once. */
  public static final class Builder {
    private final Scheduler scheduler;
    private final Random random;
    private Integer window;
    private Faults faults;

    private Builder(Scheduler scheduler, Random random) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Frames a body's sender may have in flight (default {@value InMemoryNetwork#DEFAULT_WINDOW}),
     * 1 to 1024.
     */
    public Builder window(int frames) {
      if (window != null) {
        throw new IllegalStateException("window was already set to " + window);
      }
      if (frames < 1 || frames > 1024) {
        throw new IllegalArgumentException("window must be 1 to 1024 frames, was " + frames);
      }
      window = frames;
      return this;
    }

    /**
     * The initial faults (default {@link Faults#NONE}); {@link InMemoryNetwork#faults(Faults)}
     * changes them later.
     */
    public Builder faults(Faults initial) {
      if (faults != null) {
        throw new IllegalStateException("faults were already set to " + faults);
      }
      faults = Objects.requireNonNull(initial, "faults");
      return this;
    }

    /** The network. */
    public InMemoryNetwork build() {
      return new InMemoryNetwork(this);
    }
  }

  /**
   * A new transport for {@code node}, which becomes reachable. A node may join again after its
   * previous transport was closed or crashed (a restart).
   *
   * @throws IllegalStateException if the node already has an open transport
   */
  public synchronized InMemoryTransport join(NodeId node) {
    Objects.requireNonNull(node, "node");
    if (up.containsKey(node)) {
      throw new IllegalStateException("node " + node + " already has an open transport");
    }
    InMemoryTransport t = new InMemoryTransport(this, node);
    up.put(node, t);
    known.add(node);
    return t;
  }

  /**
   * Crashes {@code node}: its transport closes silently (peers are not told) and messages to it are
   * lost.
   */
  public void crash(NodeId node) {
    InMemoryTransport t;
    synchronized (this) {
      t = up.remove(Objects.requireNonNull(node, "node"));
    }
    if (t != null) {
      t.shutdown(false);
    }
  }

  /** Blocks both directions between {@code a} and {@code b}. */
  public synchronized void partition(NodeId a, NodeId b) {
    cut(a, b);
    cut(b, a);
  }

  /** Blocks messages from {@code from} to {@code to}; the other direction stays open. */
  public synchronized void cut(NodeId from, NodeId to) {
    cut.add(new Edge(Objects.requireNonNull(from, "from"), Objects.requireNonNull(to, "to")));
  }

  /** Reopens both directions between {@code a} and {@code b}. */
  public synchronized void heal(NodeId a, NodeId b) {
    cut.remove(new Edge(a, b));
    cut.remove(new Edge(b, a));
  }

  /** Reopens every cut direction and reconnects every disconnected node. */
  public synchronized void healAll() {
    cut.clear();
    disconnected.clear();
  }

  /** Cuts {@code node} off from every node (itself included) without crashing it. */
  public synchronized void disconnect(NodeId node) {
    disconnected.add(Objects.requireNonNull(node, "node"));
  }

  /** Undoes {@link #disconnect}. */
  public synchronized void reconnect(NodeId node) {
    disconnected.remove(node);
  }

  /** Replaces the faults applied to messages sent from now on. */
  public synchronized void faults(Faults faults) {
    this.faults = Objects.requireNonNull(faults, "faults");
  }

  /** The faults in force. */
  public synchronized Faults faults() {
    return faults;
  }

  /** The scheduler every delivery runs on. */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** Frames a body's sender may have in flight. */
  public int window() {
    return window;
  }

  synchronized boolean open(NodeId from, NodeId to) {
    return !cut.contains(new Edge(from, to))
        && !disconnected.contains(from)
        && !disconnected.contains(to);
  }

  synchronized boolean known(NodeId node) {
    return known.contains(node);
  }

  /** The open transport of {@code node}, or null if it is down. */
  synchronized InMemoryTransport lookup(NodeId node) {
    return up.get(node);
  }

  /** Forgets {@code t} if it is still the node's transport (it closed). */
  synchronized void left(InMemoryTransport t) {
    up.remove(t.self(), t);
  }

  synchronized boolean rollDrop() {
    return faults.dropRate() > 0 && random.nextDouble() < faults.dropRate();
  }

  synchronized boolean rollDuplicate() {
    return faults.duplicateRate() > 0 && random.nextDouble() < faults.duplicateRate();
  }

  synchronized long rollDelayNanos() {
    long min = faults.minDelay().toNanos();
    long spread = faults.maxDelay().toNanos() - min;
    return spread == 0 ? min : min + random.nextLong(spread + 1);
  }

  long nowNanos() {
    Instant now = scheduler.clock().instant();
    return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
  }
}
