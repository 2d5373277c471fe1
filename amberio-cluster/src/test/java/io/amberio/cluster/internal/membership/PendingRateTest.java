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

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PendingRateTest {

  @Test
  void guessesFromTheRateSlotsStoppedPending() {
    PendingRate r = new PendingRate();
    assertThat(r.eta(2, 100, 0)).as("one sample: no guess").isEqualTo(-1);
    assertThat(r.eta(2, 90, 5_000)).as("under 10 s of samples").isEqualTo(-1);
    // 20 slots done in 20 s: 80 left take 80 s.
    assertThat(r.eta(2, 80, 20_000)).isEqualTo(80_000);
    assertThat(r.eta(2, 0, 30_000)).isZero();
  }

  @Test
  void noProgressNoGuessAndANewVersionStartsAgain() {
    PendingRate r = new PendingRate();
    r.eta(2, 50, 0);
    assertThat(r.eta(2, 50, 60_000)).as("nothing done").isEqualTo(-1);
    assertThat(r.eta(3, 40, 61_000))
        .as("a new topology version forgets the old samples")
        .isEqualTo(-1);
    assertThat(r.eta(3, 30, 81_000)).isEqualTo(60_000);
  }

  @Test
  void forgetsSamplesOlderThanTheWindow() {
    PendingRate r = new PendingRate();
    r.eta(1, 1000, 0); // fast at first
    r.eta(1, 500, 10_000);
    for (long t = 20_000; t <= 400_000; t += 10_000) {
      r.eta(1, 500 - (int) ((t - 10_000) / 10_000), t); // then one slot per 10 s
    }
    // The samples of the first 100 s left the window: the rate is one slot per 10 s.
    assertThat(r.eta(1, 461, 410_000)).isBetween(4_000_000L, 5_000_000L);
  }
}
