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
package io.amberio.cluster.sim;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Records the operations of a workload as they happen, for {@link LinearizabilityChecker}.
 * Thread-safe: clients on any thread (or simulated clients on one) call {@link #invoke} just before
 * sending a request and complete the returned {@link Pending} as soon as the answer arrives.
 *
 * <p>Timestamps are nanoseconds since the epoch of the injected clock (pass {@code
 * scheduler.clock()}), raised by the fewest nanoseconds needed to make every timestamp of the
 * recorder strictly larger than the one before. A simulated clock stands still while tasks run at
 * the same instant; the bump keeps the order in which events were recorded, which is their real
 * order, so the checker never sees a false overlap or a false precedence.
 */
public final class HistoryRecorder {

  private final InstantSource clock;
  private final Object lock = new Object();
  // @GuardedBy("lock")
  private long lastTime = Long.MIN_VALUE;
  // @GuardedBy("lock")
  private long nextId = 1;
  // @GuardedBy("lock"); insertion order = invocation order
  private final Map<Long, Operation> done = new LinkedHashMap<>();
  // @GuardedBy("lock")
  private final Map<Long, Pending> running = new LinkedHashMap<>();

  /** A recorder that timestamps events with {@code clock}. */
  public HistoryRecorder(InstantSource clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Records that {@code client} sends {@code call} on {@code path} now. */
  public Pending invoke(String client, String path, Call call) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(call, "call");
    synchronized (lock) {
      Pending p = new Pending(nextId++, client, path, call, tick());
      running.put(p.id, p);
      return p;
    }
  }

  /**
   * The history so far. Operations still running count as {@link Outcome.Unknown}: they may yet
   * take effect. Operations abandoned with {@link Pending#noEffect()} are left out.
   */
  public History history() {
    synchronized (lock) {
      List<Operation> ops = new ArrayList<>(done.values());
      for (Pending p : running.values()) {
        ops.add(
            new Operation(
                p.id,
                p.client,
                p.path,
                p.call,
                Outcome.unknown(),
                p.invoke,
                Operation.NO_RESPONSE));
      }
      return History.of(ops);
    }
  }

  /** The number of operations invoked and not yet completed. */
  public int running() {
    synchronized (lock) {
      return running.size();
    }
  }

  // @GuardedBy("lock")
  private long tick() {
    Instant now = clock.instant();
    long nanos =
        Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
    long t = lastTime == Long.MIN_VALUE ? nanos : Math.max(nanos, lastTime + 1);
    if (t >= Operation.NO_RESPONSE) {
      throw new IllegalStateException(
          "the clock is past the range of nanosecond timestamps: " + now);
    }
    lastTime = t;
    return t;
  }

  /** An operation that was sent and has not been completed yet. Complete it exactly once. */
  public final class Pending {
    private final long id;
    private final String client;
    private final String path;
    private final Call call;
    private final long invoke;

    private Pending(long id, String client, String path, Call call, long invoke) {
      this.id = id;
      this.client = client;
      this.path = path;
      this.call = call;
      this.invoke = invoke;
    }

    /** The operation's id in the history. */
    public long id() {
      return id;
    }

    /**
     * Records the answer, timestamped now. {@link Outcome.Unknown} is the same as {@link
     * #unknown()}.
     *
     * @throws IllegalArgumentException if the call cannot have that outcome
     * @throws IllegalStateException if this operation was already completed
     */
    public void complete(Outcome outcome) {
      Objects.requireNonNull(outcome, "outcome");
      if (!call.allows(outcome)) {
        throw new IllegalArgumentException(
            "operation " + id + ": " + call + " cannot answer " + outcome);
      }
      synchronized (lock) {
        take();
        long response = outcome instanceof Outcome.Unknown ? Operation.NO_RESPONSE : tick();
        done.put(id, new Operation(id, client, path, call, outcome, invoke, response));
      }
    }

    /**
     * Records that the client cannot tell whether the call took effect (a timeout, {@code
     * outcome_unknown}).
     */
    public void unknown() {
      complete(Outcome.unknown());
    }

    /**
     * Records that the call certainly had no effect (for example the contract's {@code 503
     * unavailable}, after which nothing is visible); the operation is left out of the history.
     */
    public void noEffect() {
      synchronized (lock) {
        take();
      }
    }

    // @GuardedBy("lock")
    private void take() {
      if (running.remove(id) == null) {
        throw new IllegalStateException("operation " + id + " was already completed");
      }
    }
  }
}
