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
import io.amberio.cluster.registry.DeleteOptions;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.registry.Lease;
import io.amberio.cluster.registry.ListOptions;
import io.amberio.cluster.registry.ListResult;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.RegistryException;
import io.amberio.cluster.registry.RegistryException.Reason;
import io.amberio.cluster.registry.Watch;
import io.amberio.cluster.registry.WatchEvent;
import io.amberio.cluster.registry.WatchEvent.Type;
import io.amberio.cluster.registry.WatchOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Registry} owes the cluster: reads, compare-and-set, deletes and listing ({@link
 * KeyValueContract}), leases ({@link LeaseContract}), and here watches and closing. An
 * implementation binds to it with a tiny subclass saying how to make a fresh registry and how to
 * let time pass; the fixture is {@link RegistryContractSupport}.
 */
public abstract class RegistryContract extends LeaseContract {

  protected Watch watch(String prefix, Recorder recorder) {
    return await(registry.watch(prefix, WatchOptions.fromNow(), recorder));
  }

  @Test
  public void aWatchSeesPutsAndDeletesInRevisionOrder() {
    Recorder rec = new Recorder();
    Watch w = watch("w/", rec);
    KeyValue a = create("w/a", "1");
    KeyValue b = create("w/b", "1");
    KeyValue a2 = update(a, "2");
    assertThat(await(registry.delete("w/b", DeleteOptions.ifRevision(b.modRevision()))).succeeded())
        .isTrue();

    assertThat(w.startRevision()).isPositive().isLessThanOrEqualTo(a.modRevision());
    WatchEvent e1 = rec.next();
    assertEvent(e1, Type.PUT, "w/a", a.modRevision());
    assertThat(e1.keyValue()).isEqualTo(a);
    assertEvent(rec.next(), Type.PUT, "w/b", b.modRevision());
    WatchEvent e3 = rec.next();
    assertEvent(e3, Type.PUT, "w/a", a2.modRevision());
    assertThat(e3.keyValue().valueAsString()).isEqualTo("2");
    WatchEvent e4 = rec.next();
    assertThat(e4.type()).isEqualTo(Type.DELETE);
    assertThat(e4.key()).isEqualTo("w/b");
    assertThat(e4.revision()).isGreaterThan(a2.modRevision());
    assertThat(e4.keyValue().value()).isEmpty();
    assertThat(e4.keyValue().leaseId()).isEqualTo(Registry.NO_LEASE);
    assertThat(rec.errors).isEmpty();
  }

  @Test
  public void aWatchSeesLeaseExpiryAsADeleteWithoutAnyoneCalling() {
    Recorder rec = new Recorder();
    watch("members/", rec);
    Lease lease = grant();
    KeyValue bound = createBound("members/n1", lease);
    assertEvent(rec.next(), Type.PUT, "members/n1", bound.modRevision());

    elapse(lease.ttl().plusMillis(100)); // and no registry call: the registry notices by itself
    WatchEvent gone = rec.next();
    assertThat(gone.type()).isEqualTo(Type.DELETE);
    assertThat(gone.key()).isEqualTo("members/n1");
    assertThat(gone.revision()).isGreaterThan(bound.modRevision());
    assertThat(gone.keyValue().value()).isEmpty();
  }

  @Test
  public void revokingALeaseDeletesItsKeysAtOneRevisionInKeyOrder() {
    Recorder rec = new Recorder();
    watch("slots/", rec);
    Lease lease = grant();
    createBound("slots/9", lease);
    createBound("slots/1", lease);
    rec.next();
    rec.next();
    await(registry.leases().revoke(lease.id()));
    WatchEvent first = rec.next();
    WatchEvent second = rec.next();
    assertThat(List.of(first.type(), second.type())).containsOnly(Type.DELETE);
    assertThat(List.of(first.key(), second.key())).containsExactly("slots/1", "slots/9");
    assertThat(first.revision()).isEqualTo(second.revision());
  }

  @Test
  public void aCancelledWatchGetsNoMoreEvents() throws Exception {
    Recorder cancelled = new Recorder();
    Recorder sentinel = new Recorder();
    Watch w = watch("c/", cancelled);
    watch("c/", sentinel);
    create("c/1", "v");
    assertThat(cancelled.next().key()).isEqualTo("c/1");
    assertThat(sentinel.next().key()).isEqualTo("c/1");

    w.cancel();
    w.cancel(); // idempotent
    create("c/2", "v");
    create("c/3", "v");
    assertThat(sentinel.next().key()).isEqualTo("c/2");
    assertThat(sentinel.next().key()).isEqualTo("c/3");
    // The sentinel has seen both; give a lingering delivery to the cancelled one a moment more.
    elapse(Duration.ofMillis(100));
    assertThat(cancelled.events).isEmpty();
    assertThat(cancelled.errors).isEmpty();
  }

  @Test
  public void aWatchSeesOnlyItsPrefix() {
    Recorder rec = new Recorder();
    watch("a/", rec);
    create("a", "no");
    create("a0", "no");
    create("b/x", "no");
    create("A/x", "no");
    KeyValue mine = create("a/x", "yes");
    // Events come in revision order, so had any earlier key leaked it would come first.
    WatchEvent e = rec.next();
    assertEvent(e, Type.PUT, "a/x", mine.modRevision());
  }

  @Test
  public void aWatchFromAPastRevisionReplaysHistoryThenFollows() {
    KeyValue v1 = create("h/k", "1");
    KeyValue v2 = update(v1, "2");
    create("other/k", "x");
    Recorder rec = new Recorder();
    Watch w = await(registry.watch("h/", WatchOptions.fromRevision(v1.modRevision()), rec));
    assertThat(w.startRevision()).isEqualTo(v1.modRevision());
    assertEvent(rec.next(), Type.PUT, "h/k", v1.modRevision());
    assertEvent(rec.next(), Type.PUT, "h/k", v2.modRevision());
    KeyValue live = create("h/j", "3");
    assertEvent(rec.next(), Type.PUT, "h/j", live.modRevision());
  }

  @Test
  public void listThenWatchFromItsRevisionMissesNothingAndRepeatsNothing() {
    create("l/a", "1");
    create("l/b", "1");
    ListResult listed = await(registry.list("l/", ListOptions.firstPage()));
    KeyValue c = create("l/c", "1"); // between the list and the watch
    Recorder rec = new Recorder();
    await(registry.watch("l/", WatchOptions.fromRevision(listed.revision() + 1), rec));
    assertEvent(rec.next(), Type.PUT, "l/c", c.modRevision());
    KeyValue d = create("l/d", "1");
    assertEvent(rec.next(), Type.PUT, "l/d", d.modRevision());
  }

  @Test
  public void closeFailsEveryOperationWithClosedAndEndsWatches() {
    Recorder rec = new Recorder();
    watch("x/", rec);
    Lease lease = grant();
    registry.close();
    registry.close(); // idempotent

    RegistryException ended = rec.nextError();
    assertThat(ended.reason()).isEqualTo(Reason.CLOSED);
    List<Supplier<CompletableFuture<?>>> calls =
        List.of(
            () -> registry.get("x/1"),
            () -> registry.list("x/", ListOptions.firstPage()),
            () -> registry.compareAndSet("x/1", b("v"), CasOptions.ifAbsent()),
            () -> registry.delete("x/1", DeleteOptions.unconditionally()),
            () -> registry.watch("x/", WatchOptions.fromNow(), new Recorder()),
            () -> registry.watch("x/", WatchOptions.fromRevision(1), new Recorder()),
            () -> registry.leases().grant(leaseTtl()),
            () -> registry.leases().keepAlive(lease.id()),
            () -> registry.leases().revoke(lease.id()));
    for (Supplier<CompletableFuture<?>> call : calls) {
      RegistryException e = failure(call.get());
      assertThat(e.reason()).isEqualTo(Reason.CLOSED);
      assertThat(e.outcomeUnknown()).isFalse();
    }
    assertThat(rec.events).isEmpty();
  }
}
