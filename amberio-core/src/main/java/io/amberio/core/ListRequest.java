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

/**
 * A page request for {@link BlobStore#list(ListRequest)}.
 *
 * @param prefix only paths that start with it ("" for all)
 * @param limit at most this many items, 1 to {@value #MAX_LIMIT}
 * @param cursor the {@link ListPage#nextCursor()} of the previous page, or {@code null} for the
 *     first
 * @param allVersions list every version (markers and tombstones included) instead of current
 *     versions
 */
public record ListRequest(String prefix, int limit, String cursor, boolean allVersions) {

  /** The default page size. */
  public static final int DEFAULT_LIMIT = 1000;

  /** The largest page size. */
  public static final int MAX_LIMIT = 10_000;

  public ListRequest {
    Objects.requireNonNull(prefix, "prefix");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", was " + limit);
    }
  }

  /** The first page of current versions under {@code prefix}, {@value #DEFAULT_LIMIT} items. */
  public static ListRequest prefix(String prefix) {
    return new ListRequest(prefix, DEFAULT_LIMIT, null, false);
  }

  /** This request with another limit. */
  public ListRequest withLimit(int n) {
    return new ListRequest(prefix, n, cursor, allVersions);
  }

  /** This request continuing after {@code next}. */
  public ListRequest withCursor(String next) {
    return new ListRequest(prefix, limit, next, allVersions);
  }

  /** This request listing every version. */
  public ListRequest withAllVersions(boolean all) {
    return new ListRequest(prefix, limit, cursor, all);
  }
}
