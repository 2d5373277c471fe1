package io.amberio.cluster.registry;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * The condition of a {@link Registry#delete delete}.
 *
 * @param expectedRevision when present, delete only if the key's mod revision equals it (it must be
 *     positive); when empty, delete whatever the key holds
 */
public record DeleteOptions(OptionalLong expectedRevision) {

  /** Checks that an expected revision, if present, is positive. */
  public DeleteOptions {
    Objects.requireNonNull(expectedRevision, "expectedRevision");
    if (expectedRevision.isPresent() && expectedRevision.getAsLong() < 1) {
      throw new IllegalArgumentException(
          "the expected revision of a delete must be >= 1, was " + expectedRevision.getAsLong());
    }
  }

  /** Delete the key whatever its revision. */
  public static DeleteOptions unconditionally() {
    return new DeleteOptions(OptionalLong.empty());
  }

  /** Delete the key only if its mod revision is {@code revision}. */
  public static DeleteOptions ifRevision(long revision) {
    return new DeleteOptions(OptionalLong.of(revision));
  }
}
