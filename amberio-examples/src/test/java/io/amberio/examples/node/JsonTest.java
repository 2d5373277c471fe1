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
package io.amberio.examples.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written ISO-8601 format of listings matches {@link Instant#toString} exactly. */
class JsonTest {
  @Test
  void isoInstantIsInstantToString() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      long millis = rnd.nextLong(-62_200_000_000_000L, 253_500_000_000_000L);
      if (i % 3 == 0) {
        millis -= Math.floorMod(millis, 1000); // whole seconds: no fraction
      }
      Instant t = Instant.ofEpochMilli(millis);
      assertThat(Json.isoInstant(t)).as("%d", millis).isEqualTo(t.toString());
    }
    for (Instant t :
        new Instant[] {
          Instant.EPOCH,
          Instant.parse("0000-01-01T00:00:00Z"),
          Instant.parse("9999-12-31T23:59:59.999Z"),
          Instant.parse("2024-02-29T12:00:00.010Z"),
          Instant.ofEpochSecond(5, 123_456_789), // not whole milliseconds
          Instant.MAX,
          Instant.MIN
        }) {
      assertThat(Json.isoInstant(t)).isEqualTo(t.toString());
    }
  }
}
