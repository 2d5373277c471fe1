package io.amberio.cluster.registry;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer of a conditional write ({@link Registry#compareAndSet compare-and-set} or
 * {@link Registry#delete delete}).
 *
 * @param succeeded whether the write was applied
 * @param current the key as it is right after the operation: after a successful compare-and-set, the
 *     value just written (with its new mod revision); after a successful delete, empty; after a failure,
 *     the value that made the condition fail, or empty if the key is absent
 */
public record CasResult(boolean succeeded, Optional<KeyValue> current) {

  /** Checks that {@code current} is not null. */
  public CasResult {
    Objects.requireNonNull(current, "current");
  }

  /** A result that succeeded with {@code current} (empty after a delete). */
  public static CasResult success(Optional<KeyValue> current) {
    return new CasResult(true, current);
  }

  /** A result that failed because the key is {@code current} (empty if absent). */
  public static CasResult failure(Optional<KeyValue> current) {
    return new CasResult(false, current);
  }
}
