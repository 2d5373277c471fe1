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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class CliValuesTest {
  @Test
  void sizesTakeBinaryUnits() {
    assertThat(CliValues.parseSize("0")).isZero();
    assertThat(CliValues.parseSize("1234")).isEqualTo(1234);
    assertThat(CliValues.parseSize("64KiB")).isEqualTo(64 << 10);
    assertThat(CliValues.parseSize("4MiB")).isEqualTo(4 << 20);
    assertThat(CliValues.parseSize("4 mib")).isEqualTo(4 << 20);
    assertThat(CliValues.parseSize("4M")).isEqualTo(4 << 20);
    assertThat(CliValues.parseSize("5GiB")).isEqualTo(5L << 30);
    assertThat(CliValues.parseSize("2TB")).isEqualTo(2L << 40);
    assertThat(CliValues.parseSize("16B")).isEqualTo(16);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "-1",
        "1.5MiB",
        "MiB",
        "4PiB",
        "4 M B",
        "99999999999999999999",
        "9999999999TiB",
        "0x10"
      })
  void badSizesAreRejected(String text) {
    assertThatThrownBy(() -> CliValues.parseSize(text)).isInstanceOf(TypeConversionException.class);
  }

  @Test
  void durationsTakeUnitsOrIso8601() {
    assertThat(CliValues.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(CliValues.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(CliValues.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(CliValues.parseDuration("24h")).isEqualTo(Duration.ofHours(24));
    assertThat(CliValues.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(CliValues.parseDuration("0s")).isZero();
    assertThat(CliValues.parseDuration("PT1H30M")).isEqualTo(Duration.ofMinutes(90));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "30",
        "-1h",
        "1.5h",
        "h",
        "1w",
        "PT-1S",
        "99999999999999999999d",
        "999999999999999999d"
      })
  void badDurationsAreRejected(String text) {
    assertThatThrownBy(() -> CliValues.parseDuration(text))
        .isInstanceOf(TypeConversionException.class);
  }
}
