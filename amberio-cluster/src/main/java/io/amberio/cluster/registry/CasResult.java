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
import java.util.Optional;

/**
 * The answer of a conditional write ({@link Registry#compareAndSet compare-and-set} or {@link
 * Registry#delete delete}).
 *
 * @param succeeded whether the write was applied
 * @param current the key as it is right after the operation: after a successful compare-and-set,
 *     the value just written (with its new mod revision); after a successful delete, empty; after a
 *     failure, the value that made the condition fail, or empty if the key is absent
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
