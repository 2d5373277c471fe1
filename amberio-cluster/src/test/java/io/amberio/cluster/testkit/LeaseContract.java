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
package io.amberio.cluster.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.CasResult;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.registry.Lease;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.RegistryException;
import io.amberio.cluster.registry.RegistryException.Reason;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Leases: grant, keys bound to them, expiry, keep-alive, revoke. */
public abstract class LeaseContract extends KeyValueContract {

  protected Lease grant() {
    Lease lease = await(registry.leases().grant(leaseTtl()));
    assertThat(lease.id()).isPositive();
    assertThat(lease.ttl()).isGreaterThanOrEqualTo(leaseTtl());
    return lease;
  }

  protected KeyValue createBound(String key, Lease lease) {
    CasResult r =
        await(registry.compareAndSet(key, b("alive"), CasOptions.ifAbsent().withLease(lease.id())));
    assertThat(r.succeeded()).isTrue();
    KeyValue kv = r.current().orElseThrow();
    assertThat(kv.leaseId()).isEqualTo(lease.id());
    return kv;
  }

  @Test
  public void grantedLeasesHaveDistinctIds() {
    Lease a = grant();
    Lease b = grant();
    assertThat(a.id()).isNotEqualTo(b.id());
  }

  @Test
  public void keysBoundToALeaseVanishWhenItExpires() {
    Lease lease = grant();
    KeyValue bound = createBound("members/n1", lease);
    create("members/static", "stays");
    assertThat(await(registry.get("members/n1"))).contains(bound);

    elapse(lease.ttl().plusMillis(100));
    eventually("the bound key is deleted", () -> !present("members/n1"));
    assertThat(present("members/static")).isTrue();
  }

  @Test
  public void keepAliveExtendsTheLease() {
    Lease lease = grant();
    createBound("members/n1", lease);
    Duration step = lease.ttl().dividedBy(3);
    for (int i = 0; i < 6; i++) { // twice the TTL in all
      elapse(step);
      Lease refreshed = await(registry.leases().keepAlive(lease.id()));
      assertThat(refreshed.id()).isEqualTo(lease.id());
      assertThat(refreshed.ttl()).isEqualTo(lease.ttl());
    }
    assertThat(present("members/n1"))
        .as("alive after twice its TTL thanks to keep-alives")
        .isTrue();
  }

  @Test
  public void keepAliveAfterExpiryFailsWithLeaseNotFound() {
    Lease lease = grant();
    createBound("members/n1", lease);
    elapse(lease.ttl().plusMillis(100));
    eventually("the lease expired", () -> !present("members/n1"));

    RegistryException e = failure(registry.leases().keepAlive(lease.id()));
    assertThat(e.reason()).isEqualTo(Reason.LEASE_NOT_FOUND);
    assertThat(e.outcomeUnknown()).isFalse();
  }

  @Test
  public void revokeDeletesTheKeysAtOnceAndIsIdempotent() {
    Lease lease = grant();
    createBound("members/n1", lease);
    createBound("slots/3/owner", lease);
    await(registry.leases().revoke(lease.id()));
    assertThat(present("members/n1")).isFalse();
    assertThat(present("slots/3/owner")).isFalse();

    await(registry.leases().revoke(lease.id()));
    assertThat(failure(registry.leases().keepAlive(lease.id())).reason())
        .isEqualTo(Reason.LEASE_NOT_FOUND);
  }

  @Test
  public void compareAndSetWithAnEndedLeaseFailsAndWritesNothing() {
    Lease lease = grant();
    await(registry.leases().revoke(lease.id()));
    RegistryException e =
        failure(
            registry.compareAndSet(
                "members/n1", b("v"), CasOptions.ifAbsent().withLease(lease.id())));
    assertThat(e.reason()).isEqualTo(Reason.LEASE_NOT_FOUND);
    assertThat(e.outcomeUnknown()).isFalse();
    assertThat(present("members/n1")).isFalse();
  }

  @Test
  public void aFailedConditionDoesNotCheckTheLease() {
    KeyValue existing = create("k", "v");
    Lease lease = grant();
    await(registry.leases().revoke(lease.id()));
    CasResult r =
        await(registry.compareAndSet("k", b("w"), CasOptions.ifAbsent().withLease(lease.id())));
    assertThat(r.succeeded()).isFalse();
    assertThat(r.current()).contains(existing);
  }

  @Test
  public void rewritingAKeyWithoutTheLeaseUnbindsIt() {
    Lease lease = grant();
    KeyValue bound = createBound("k", lease);
    CasResult r =
        await(registry.compareAndSet("k", b("free"), CasOptions.ifRevision(bound.modRevision())));
    assertThat(r.current().orElseThrow().leaseId()).isEqualTo(Registry.NO_LEASE);
    await(registry.leases().revoke(lease.id()));
    assertThat(await(registry.get("k")).orElseThrow().valueAsString()).isEqualTo("free");
  }
}
