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
package io.amberio.cluster;

import java.util.Objects;

/**
 * The identity of a cluster member: 1 to 128 characters of {@code A-Z a-z 0-9 . _ : -}.
 *
 * @param value the id
 */
public record NodeId(String value) implements Comparable<NodeId> {

  public NodeId {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty() || value.length() > 128 || !value.chars().allMatch(NodeId::allowed)) {
      throw new IllegalArgumentException(
          "a node id is 1 to 128 of A-Z a-z 0-9 . _ : -, was '" + value + "'");
    }
  }

  private static boolean allowed(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == ':'
        || c == '-';
  }

  /** Shorthand for {@code new NodeId(value)}. */
  public static NodeId of(String value) {
    return new NodeId(value);
  }

  @Override
  public int compareTo(NodeId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
