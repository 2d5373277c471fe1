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

import java.util.ArrayDeque;

/**
 * A guess at the time until a topology change converges, from the rate at which slots stopped
 * pending: samples of the pending count, at most one a second, over the last five minutes of one
 * topology version. Slots move in parallel across nodes, so the rate over all of them is what
 * matters, and every node sees it in the registry.
 */
public final class PendingRate {
  static final long MIN_SPAN_MILLIS = 10_000;
  static final long WINDOW_MILLIS = 300_000;

  private final ArrayDeque<long[]> samples = new ArrayDeque<>(); // {version, millis, pending}

  /**
   * Records {@code pending} slots at {@code now} under topology {@code version} and returns the
   * time left: 0 when nothing is pending, -1 with no guess (samples spanning under 10 s, or no slot
   * done since the first), else pending times the time per slot done so far.
   */
  public synchronized long eta(long version, int pending, long now) {
    if (!samples.isEmpty() && samples.peekLast()[0] != version) {
      samples.clear();
    }
    if (samples.isEmpty() || now - samples.peekLast()[1] >= 1000) {
      samples.addLast(new long[] {version, now, pending});
    }
    while (samples.size() > 2 && now - samples.peekFirst()[1] > WINDOW_MILLIS) {
      samples.removeFirst();
    }
    if (pending == 0) {
      return 0;
    }
    long[] first = samples.peekFirst();
    long done = first[2] - pending;
    long span = now - first[1];
    return done > 0 && span >= MIN_SPAN_MILLIS ? pending * span / done : -1;
  }
}
