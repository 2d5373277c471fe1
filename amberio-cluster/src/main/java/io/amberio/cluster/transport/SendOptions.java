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
      throw new IllegalArgumentException("timeout must be positive and at most " + MAX_TIMEOUT + ", was " + timeout);
    }
  }

  /** Options with the given timeout. */
  public static SendOptions timeout(Duration timeout) {
    return new SendOptions(timeout);
  }
}
