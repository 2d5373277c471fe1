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

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * A clock that moves only when told to, for testing a component that takes an {@link InstantSource}
 * without running a whole {@link SimScheduler}. It never goes back. Thread-safe.
 */
public final class ManualClock implements InstantSource {

  private Instant now; // @GuardedBy("this")

  /** A clock showing {@code start}. */
  public ManualClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /** A clock showing {@link SimScheduler#DEFAULT_START}. */
  public ManualClock() {
    this(SimScheduler.DEFAULT_START);
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  /**
   * Moves the clock forward by {@code duration}.
   *
   * @return the new time
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public synchronized Instant advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("a clock does not go back; the duration was " + duration);
    }
    now = now.plus(duration);
    return now;
  }

  /**
   * Sets the clock to {@code instant}.
   *
   * @throws IllegalArgumentException if {@code instant} is before the current time
   */
  public synchronized void set(Instant instant) {
    Objects.requireNonNull(instant, "instant");
    if (instant.isBefore(now)) {
      throw new IllegalArgumentException(
          "a clock does not go back: it shows " + now + ", asked for " + instant);
    }
    now = instant;
  }

  @Override
  public synchronized String toString() {
    return "ManualClock[" + now + "]";
  }
}
