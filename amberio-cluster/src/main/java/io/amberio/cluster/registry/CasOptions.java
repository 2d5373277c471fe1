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

/**
 * The condition and lease of a {@link Registry#compareAndSet compare-and-set}.
 *
 * @param expectedRevision 0 to create the key only if it is absent; otherwise the key's current
 *     {@link KeyValue#modRevision()}, so the write succeeds only if nobody changed the key since
 * @param leaseId the lease to bind the key to (the key is deleted when the lease ends), or {@link
 *     Registry#NO_LEASE}; a successful write replaces any earlier binding
 */
public record CasOptions(long expectedRevision, long leaseId) {

  /** Checks the options: a revision of at least 0, a lease id of at least 0. */
  public CasOptions {
    if (expectedRevision < 0) {
      throw new IllegalArgumentException(
          "expected revision must be >= 0 (0 = absent), was " + expectedRevision);
    }
    if (leaseId < 0) {
      throw new IllegalArgumentException("lease id must be >= 0 (0 = no lease), was " + leaseId);
    }
  }

  /** Create the key only if it is absent; no lease. */
  public static CasOptions ifAbsent() {
    return new CasOptions(0, Registry.NO_LEASE);
  }

  /**
   * Replace the key only if its mod revision is {@code revision} (0 means: only if absent); no
   * lease.
   */
  public static CasOptions ifRevision(long revision) {
    return new CasOptions(revision, Registry.NO_LEASE);
  }

  /** These options binding the key to {@code lease} (a lease id from {@link Leases#grant}). */
  public CasOptions withLease(long lease) {
    if (lease <= 0) {
      throw new IllegalArgumentException("a lease id is positive, was " + lease);
    }
    return new CasOptions(expectedRevision, lease);
  }
}
