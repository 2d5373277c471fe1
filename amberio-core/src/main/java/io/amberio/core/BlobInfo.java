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

import java.time.Instant;
import java.util.Objects;

/**
 * The metadata of one version of a path.
 *
 * @param path the user's key
 * @param version the version number, 1 or more
 * @param blobId the id assigned when the version was written
 * @param state live, tombstoned or a delete marker
 * @param size the number of bytes (0 for a delete marker)
 * @param etag the entity tag, without quotes; unique per version (derived from the blob id)
 * @param contentType the media type given at write time ({@code null} for a delete marker)
 * @param lastModified when the version was written
 */
public record BlobInfo(
    String path,
    long version,
    BlobId blobId,
    VersionState state,
    long size,
    String etag,
    String contentType,
    Instant lastModified) {

  public BlobInfo {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(blobId, "blobId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(etag, "etag");
    Objects.requireNonNull(lastModified, "lastModified");
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, was " + version);
    }
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, was " + size);
    }
  }

  /** Whether this version holds readable bytes. */
  public boolean isLive() {
    return state == VersionState.LIVE;
  }
}
