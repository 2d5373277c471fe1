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

import com.github.f4b6a3.ulid.Ulid;
import java.time.Instant;
import java.util.Objects;

/**
 * The identity of one written version: a ULID assigned once by whoever coordinates the write. Blob
 * ids sort by creation time, so replicas can be compared in id order. On disk a blob's directory is
 * named by its id, never by its path.
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
