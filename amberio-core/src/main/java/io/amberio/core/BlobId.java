package io.amberio.core;

import com.github.f4b6a3.ulid.Ulid;
import java.time.Instant;
import java.util.Objects;

/**
 * The identity of one written version: a ULID assigned once by whoever coordinates the write. Blob ids
 * sort by creation time, so replicas can be compared in id order. On disk a blob's directory is named by
 * its id, never by its path.
 */
public record BlobId(Ulid ulid) implements Comparable<BlobId> {

  public BlobId {
    Objects.requireNonNull(ulid, "ulid");
  }

  /**
   * Parses the canonical 26-character form.
   *
   * @throws IllegalArgumentException if {@code text} is not a ULID
   */
  public static BlobId parse(String text) {
    Objects.requireNonNull(text, "text");
    if (!Ulid.isValid(text)) {
      throw new IllegalArgumentException("not a blob id (ULID): '" + text + "'");
    }
    return new BlobId(Ulid.from(text));
  }

  /** The time encoded in the id, to the millisecond. */
  public Instant timestamp() {
    return ulid.getInstant();
  }

  @Override
  public int compareTo(BlobId other) {
    return ulid.compareTo(other.ulid);
  }

  /** The canonical 26-character upper-case form, which is also the blob's directory name. */
  @Override
  public String toString() {
    return ulid.toString();
  }
}
