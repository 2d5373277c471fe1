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
