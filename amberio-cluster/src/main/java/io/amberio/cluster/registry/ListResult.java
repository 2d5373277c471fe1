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

import java.util.List;

/**
 * One page of a {@link Registry#list list}.
 *
 * @param keyValues the keys, in ascending key order (Unicode code point order, which is the byte
 *     order of UTF-8)
 * @param more true when keys under the prefix follow the last one; ask again with {@link
 *     ListOptions#startingAfter}
 * @param revision the registry's revision when the page was read: a watch from {@code revision + 1}
 *     sees every later change
 */
public record ListResult(List<KeyValue> keyValues, boolean more, long revision) {

  /** Copies the page, which is then immutable. */
  public ListResult {
    keyValues = List.copyOf(keyValues);
    if (revision < 0) {
      throw new IllegalArgumentException("revision must be >= 0, was " + revision);
    }
  }
}
