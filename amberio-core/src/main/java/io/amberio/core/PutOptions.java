package io.amberio.core;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * Options of a write.
 *
 * @param expectedVersion when present, the write is a compare-and-set: it succeeds only if this is
 *     {@code max + 1}
 * @param contentType the media type stored with the version
 */
public record PutOptions(OptionalLong expectedVersion, String contentType) {

  /** The content type stored when none is given. */
  public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

  public PutOptions {
    Objects.requireNonNull(expectedVersion, "expectedVersion");
    Objects.requireNonNull(contentType, "contentType");
    if (expectedVersion.isPresent() && expectedVersion.getAsLong() < 1) {
      throw new IllegalArgumentException("expected version must be >= 1, was " + expectedVersion.getAsLong());
    }
    if (contentType.isEmpty() || contentType.length() > 255 || !contentType.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("content type must be 1 to 255 printable ASCII characters");
    }
  }

  /** No expected version, {@value #DEFAULT_CONTENT_TYPE}. */
  public static PutOptions defaults() {
    return new PutOptions(OptionalLong.empty(), DEFAULT_CONTENT_TYPE);
  }

  /** These options with an expected version (compare-and-set). */
  public PutOptions withExpectedVersion(long version) {
    return new PutOptions(OptionalLong.of(version), contentType);
  }

  /** These options with a content type. */
  public PutOptions withContentType(String type) {
    return new PutOptions(expectedVersion, type);
  }
}
