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
import java.util.Objects;

/**
 * A simulation run failed: a task threw, or the run could not finish. The message names the seed,
 * so the run can be replayed exactly with {@code SimScheduler.create(seed)}.
 */
public final class SimulationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long seed;
  private final transient Instant simulatedTime;

  /**
   * A failure of the run with {@code seed} at {@code simulatedTime}, caused by {@code cause} (may
   * be null).
   */
  public SimulationException(long seed, Instant simulatedTime, String message, Throwable cause) {
    super(
        message
            + " (seed "
            + seed
            + ", simulated time "
            + simulatedTime
            + "; replay with this seed)",
        cause);
    this.seed = seed;
    this.simulatedTime = Objects.requireNonNull(simulatedTime, "simulatedTime");
  }

  /** The seed of the failed run. */
  public long seed() {
    return seed;
  }

  /** The simulated time at which the run failed. */
  public Instant simulatedTime() {
    return simulatedTime;
  }
}
