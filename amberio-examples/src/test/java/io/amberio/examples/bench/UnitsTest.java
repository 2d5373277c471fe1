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
package io.amberio.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {

  @Test
  void parsesBinarySizes() {
    assertThat(Units.parseSize("4096")).isEqualTo(4096);
    assertThat(Units.parseSize("4k")).isEqualTo(4096);
    assertThat(Units.parseSize("4KiB")).isEqualTo(4096);
    assertThat(Units.parseSize("1MiB")).isEqualTo(1 << 20);
    assertThat(Units.parseSize("64m")).isEqualTo(64 << 20);
    assertThat(Units.parseSize("2GiB")).isEqualTo(2L << 30);
    assertThatThrownBy(() -> Units.parseSize("4 parsecs"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Units.parseSize("0")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parsesDurations() {
    assertThat(Units.parseDuration("3s")).isEqualTo(Duration.ofSeconds(3));
    assertThat(Units.parseDuration("3")).isEqualTo(Duration.ofSeconds(3));
    assertThat(Units.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Units.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Units.parseDuration("1m")).isEqualTo(Duration.ofMinutes(1));
    assertThatThrownBy(() -> Units.parseDuration("soon"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void printsSizesAndLatencies() {
    assertThat(Units.size(4096)).isEqualTo("4 KiB");
    assertThat(Units.size(64 << 20)).isEqualTo("64 MiB");
    assertThat(Units.size(1000)).isEqualTo("1000 B");
    assertThat(Units.millis(214_000)).isEqualTo("0.214");
    assertThat(Units.millis(187_400_000)).isEqualTo("187");
  }

  @Test
  void patternStreamsHaveExactlyTheirLengthAndDiffer() throws IOException {
    PatternData data = new PatternData(1);
    long length = 3L * PatternData.BLOCK + 123;
    byte[] buffer = new byte[100_000];
    long total = 0;
    try (InputStream in = data.stream(length, 7)) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        total += n;
      }
    }
    assertThat(total).isEqualTo(length);
    assertThat(data.stream(64, 0).readAllBytes()).isNotEqualTo(data.stream(64, 1).readAllBytes());
  }
}
