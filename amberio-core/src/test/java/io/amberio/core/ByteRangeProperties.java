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
package io.amberio.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amberio.core.testkit.BlobStoreModel;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/** {@link ByteRange#resolve(long)} agrees with the model's independent RFC 9110 resolution. */
class ByteRangeProperties {

  @Provide
  Arbitrary<ByteRange> ranges() {
    Arbitrary<Long> n = Arbitraries.longs().between(0, 300);
    return Arbitraries.oneOf(
        Arbitraries.just(ByteRange.all()),
        Combinators.combine(n, n).as((a, b) -> ByteRange.closed(a, a + b)),
        n.map(ByteRange::from),
        n.map(ByteRange::suffix));
  }

  @Property(tries = 500)
  void resolveFollowsRfc9110(
      @ForAll("ranges") ByteRange r, @ForAll @LongRange(min = 0, max = 250) long size) {
    long[] want = BlobStoreModel.resolve(r, size);
    if (want == null) {
      assertThatThrownBy(() -> r.resolve(size))
          .isInstanceOfSatisfying(
              BlobStoreException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(BlobStoreException.Reason.RANGE_NOT_SATISFIABLE);
                assertThat(e.size()).hasValue(size);
              });
    } else {
      assertThat(r.resolve(size)).isEqualTo(new ByteRange.Resolved(want[0], want[1]));
    }
  }
}
