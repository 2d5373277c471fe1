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
      throw new IllegalArgumentException(
          "expected version must be >= 1, was " + expectedVersion.getAsLong());
    }
    if (contentType.isEmpty()
        || contentType.length() > 255
        || !contentType.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          "content type must be 1 to 255 printable ASCII characters");
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
