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

import java.time.Duration;
import java.util.Objects;

/**
 * A lease as granted or refreshed.
 *
 * @param id the lease id, positive; bind keys to it with {@link CasOptions#withLease}
 * @param ttl the time to live the registry granted, from the moment of the grant or refresh. It may
 *     be longer than asked for: etcd rounds up to whole seconds and to its minimum TTL
 */
public record Lease(long id, Duration ttl) {

  /** Checks that the id and the TTL are positive. */
  public Lease {
    Objects.requireNonNull(ttl, "ttl");
    if (id <= 0) {
      throw new IllegalArgumentException("a lease id is positive, was " + id);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("a lease's ttl is positive, was " + ttl);
    }
  }
}
