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
package io.amberio.cluster.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of one {@link Transport#send send}.
 *
 * @param timeout how long the whole exchange, bodies included, may take; positive, at most one day
 */
public record SendOptions(Duration timeout) {

  /** The longest accepted timeout. */
  public static final Duration MAX_TIMEOUT = Duration.ofDays(1);

  /** Validates the options. */
  public SendOptions {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          "timeout must be positive and at most " + MAX_TIMEOUT + ", was " + timeout);
    }
  }

  /** Options with the given timeout. */
  public static SendOptions timeout(Duration timeout) {
    return new SendOptions(timeout);
  }
}
