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
import java.util.concurrent.CompletableFuture;

/**
 * Liveness leases of a {@link Registry}. A lease lives for its TTL after its grant or its last
 * {@link #keepAlive}; when it ends (expiry or {@link #revoke}), every key bound to it is deleted in
 * one revision, and watches see a {@link WatchEvent.Type#DELETE DELETE} for each.
 *
 * <p>Futures fail with {@link RegistryException}; programming errors throw {@link
 * IllegalArgumentException} at once.
 */
public interface Leases {

  /**
   * Grants a new lease.
   *
   * <p>On {@link RegistryException.Reason#TIMEOUT} a lease may have been granted anyway; nobody
   * learns its id, no key is bound to it, and it expires after its TTL.
   *
   * @param ttl the time to live, positive; the registry may round it up ({@link Lease#ttl()} says)
   * @throws IllegalArgumentException if {@code ttl} is zero or negative
   */
  CompletableFuture<Lease> grant(Duration ttl);

  /**
   * Refreshes a lease once: it now lives for its full TTL from about now. Keep calling it well
   * within the TTL to hold the lease.
   *
   * <p>Fails with {@link RegistryException.Reason#LEASE_NOT_FOUND} if the lease already expired or
   * was revoked (a lease never comes back), and with {@link RegistryException.Reason#TIMEOUT} when
   * no answer came: the lease may or may not have been refreshed.
   *
   * @throws IllegalArgumentException if {@code leaseId} is not positive
   */
  CompletableFuture<Lease> keepAlive(long leaseId);

  /**
   * Ends a lease now and deletes its keys. Idempotent: revoking a lease that already ended (or
   * never existed) succeeds, since afterwards the lease does not exist either way.
   *
   * @throws IllegalArgumentException if {@code leaseId} is not positive
   */
  CompletableFuture<Void> revoke(long leaseId);
}
