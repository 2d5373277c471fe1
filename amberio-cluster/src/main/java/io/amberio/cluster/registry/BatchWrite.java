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

/**
 * One write of a batch ({@link Registry#writeEach}): a {@link Registry#compareAndSet} of {@code
 * key} to {@code value} under {@code cas}, or a {@link Registry#delete} of {@code key} under {@code
 * delete}. Exactly one of {@code cas} and {@code delete} is set.
 */
public record BatchWrite(String key, byte[] value, CasOptions cas, DeleteOptions delete) {

  /** Checks that the write is either a compare-and-set with a value or a delete. */
  public BatchWrite {
    Objects.requireNonNull(key, "key");
    if ((cas == null) == (delete == null)) {
      throw new IllegalArgumentException("a batch write is a compare-and-set or a delete");
    }
    if (cas != null) {
      Objects.requireNonNull(value, "value");
    } else if (value != null) {
      throw new IllegalArgumentException("a delete takes no value");
    }
  }

  /** A compare-and-set, as {@link Registry#compareAndSet}. */
  public static BatchWrite compareAndSet(String key, byte[] value, CasOptions options) {
    return new BatchWrite(key, value, Objects.requireNonNull(options, "options"), null);
  }

  /** A delete, as {@link Registry#delete}. */
  public static BatchWrite delete(String key, DeleteOptions options) {
    return new BatchWrite(key, null, null, Objects.requireNonNull(options, "options"));
  }

  /** Whether this is a delete. */
  public boolean isDelete() {
    return delete != null;
  }
}
