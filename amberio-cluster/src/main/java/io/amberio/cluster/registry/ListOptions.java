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

import io.amberio.cluster.registry.internal.Keys;
import java.util.Objects;
import java.util.Optional;

/**
 * The page of a {@link Registry#list list}.
 *
 * @param limit at most this many keys, 1 to {@value #MAX_LIMIT}
 * @param startAfter when present, list only keys after it (the last key of the previous page)
 */
public record ListOptions(int limit, Optional<String> startAfter) {

  /** The default page size. */
  public static final int DEFAULT_LIMIT = 1000;

  /** The largest page size. */
  public static final int MAX_LIMIT = 10_000;

  /** Checks the limit and the start key. */
  public ListOptions {
    Objects.requireNonNull(startAfter, "startAfter");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", was " + limit);
    }
    startAfter.ifPresent(Keys::requireKey);
  }

  /** The first page of {@value #DEFAULT_LIMIT} keys. */
  public static ListOptions firstPage() {
    return new ListOptions(DEFAULT_LIMIT, Optional.empty());
  }

  /** The first page of at most {@code limit} keys. */
  public static ListOptions limit(int limit) {
    return new ListOptions(limit, Optional.empty());
  }

  /** These options continuing after {@code key}. */
  public ListOptions startingAfter(String key) {
    return new ListOptions(limit, Optional.of(key));
  }
}
