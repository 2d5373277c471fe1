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
 * Options of a read.
 *
 * @param version which version; empty for the current one
 * @param range which bytes
 */
public record GetOptions(OptionalLong version, ByteRange range) {

  public GetOptions {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(range, "range");
    if (version.isPresent() && version.getAsLong() < 1) {
      throw new IllegalArgumentException("version must be >= 1, was " + version.getAsLong());
    }
  }

  /** The whole current version. */
  public static GetOptions current() {
    return new GetOptions(OptionalLong.empty(), ByteRange.all());
  }

  /** The whole of version {@code version}. */
  public static GetOptions version(long version) {
    return new GetOptions(OptionalLong.of(version), ByteRange.all());
  }

  /** These options with a byte range. */
  public GetOptions withRange(ByteRange r) {
    return new GetOptions(version, r);
  }
}
