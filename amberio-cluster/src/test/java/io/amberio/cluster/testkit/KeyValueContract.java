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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amberio.cluster.registry.BatchWrite;
import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.CasResult;
import io.amberio.cluster.registry.DeleteOptions;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.registry.Leases;
import io.amberio.cluster.registry.ListOptions;
import io.amberio.cluster.registry.ListResult;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.WatchOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Reads, compare-and-set, deletes, listing and argument checks. */
public abstract class KeyValueContract extends RegistryContractSupport {

  @Test
  public void getOfAnAbsentKeyIsEmpty() {
    assertThat(await(registry.get("nothing/here"))).isEmpty();
  }

  @Test
  public void createIfAbsentWritesAFreshKey() {
    KeyValue kv = create("k", "v1");
    assertThat(kv.key()).isEqualTo("k");
    assertThat(kv.valueAsString()).isEqualTo("v1");
    assertThat(kv.modRevision()).isPositive();
    assertThat(kv.createRevision()).isEqualTo(kv.modRevision());
    assertThat(kv.leaseId()).isEqualTo(Registry.NO_LEASE);
    assertThat(await(registry.get("k"))).contains(kv);
  }

  @Test
  public void createIfAbsentWinsExactlyOnceUnderConcurrency() throws Exception {
    int racers = 16;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<CompletableFuture<CasResult>>> sent = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        byte[] value = b("racer-" + i);
        sent.add(
            pool.submit(
                () -> {
                  start.await();
                  return registry.compareAndSet("txn/race", value, CasOptions.ifAbsent());
                }));
      }
      start.countDown();
      List<CasResult> results = new ArrayList<>();
      for (Future<CompletableFuture<CasResult>> f : sent) {
        results.add(await(f.get()));
      }
      List<CasResult> winners =
          results.stream().filter(CasResult::succeeded).collect(Collectors.toList());
      assertThat(winners).hasSize(1);
      KeyValue won = winners.get(0).current().orElseThrow();
      for (CasResult r : results) {
        assertThat(r.current()).as("every racer sees the winner's value").contains(won);
      }
      assertThat(await(registry.get("txn/race"))).contains(won);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  public void compareAndSetWithAStaleRevisionFailsAndReturnsTheCurrentValue() {
    KeyValue v1 = create("epoch/7", "e1");
    KeyValue v2 = update(v1, "e2");
    assertThat(v2.modRevision()).isGreaterThan(v1.modRevision());
    assertThat(v2.createRevision()).isEqualTo(v1.createRevision());
    assertThat(v2.valueAsString()).isEqualTo("e2");

    CasResult stale =
        await(registry.compareAndSet("epoch/7", b("e3"), CasOptions.ifRevision(v1.modRevision())));
    assertThat(stale.succeeded()).isFalse();
    assertThat(stale.current()).contains(v2);

    CasResult notAbsent = await(registry.compareAndSet("epoch/7", b("e3"), CasOptions.ifAbsent()));
    assertThat(notAbsent.succeeded()).isFalse();
    assertThat(notAbsent.current()).contains(v2);
    assertThat(await(registry.get("epoch/7"))).contains(v2);
  }

  @Test
  public void compareAndSetOnAnAbsentKeyWithARevisionFails() {
    KeyValue other = create("other", "x");
    CasResult r =
        await(registry.compareAndSet("absent", b("v"), CasOptions.ifRevision(other.modRevision())));
    assertThat(r.succeeded()).isFalse();
    assertThat(r.current()).isEmpty();
    assertThat(await(registry.get("absent"))).isEmpty();
  }

  @Test
  public void everyChangeTakesAHigherRevisionAcrossKeys() {
    KeyValue a = create("a", "1");
    KeyValue b = create("b", "1");
    KeyValue a2 = update(a, "2");
    assertThat(b.modRevision()).isGreaterThan(a.modRevision());
    assertThat(a2.modRevision()).isGreaterThan(b.modRevision());
    CasResult del = await(registry.delete("b", DeleteOptions.unconditionally()));
    assertThat(del.succeeded()).isTrue();
    KeyValue c = create("c", "1");
    assertThat(c.modRevision())
        .as("the delete took a revision")
        .isGreaterThan(a2.modRevision() + 1);
  }

  @Test
  public void unconditionalDeleteRemovesTheKeyAndSaysWhetherOneExisted() {
    create("gone", "v");
    CasResult first = await(registry.delete("gone", DeleteOptions.unconditionally()));
    assertThat(first.succeeded()).isTrue();
    assertThat(first.current()).isEmpty();
    assertThat(await(registry.get("gone"))).isEmpty();

    CasResult second = await(registry.delete("gone", DeleteOptions.unconditionally()));
    assertThat(second.succeeded()).isFalse();
    assertThat(second.current()).isEmpty();
  }

  @Test
  public void conditionalDeleteHappensOnlyAtTheExpectedRevision() {
    KeyValue v1 = create("txn/1", "commit");
    KeyValue v2 = update(v1, "commit-applied");

    CasResult stale = await(registry.delete("txn/1", DeleteOptions.ifRevision(v1.modRevision())));
    assertThat(stale.succeeded()).isFalse();
    assertThat(stale.current()).contains(v2);
    assertThat(await(registry.get("txn/1"))).contains(v2);

    CasResult ok = await(registry.delete("txn/1", DeleteOptions.ifRevision(v2.modRevision())));
    assertThat(ok.succeeded()).isTrue();
    assertThat(ok.current()).isEmpty();
    assertThat(await(registry.get("txn/1"))).isEmpty();

    CasResult absent = await(registry.delete("txn/1", DeleteOptions.ifRevision(v2.modRevision())));
    assertThat(absent.succeeded()).isFalse();
    assertThat(absent.current()).isEmpty();
  }

  @Test
  public void aBatchAppliesEachWriteOnItsOwn() {
    KeyValue taken = create("txn/taken", "abort");
    KeyValue doomed = create("txn/doomed", "commit");
    KeyValue kept = create("txn/kept", "commit");
    List<BatchWrite> writes =
        List.of(
            BatchWrite.compareAndSet("txn/new1", b("commit 1"), CasOptions.ifAbsent()),
            BatchWrite.compareAndSet("txn/taken", b("commit 2"), CasOptions.ifAbsent()),
            BatchWrite.delete("txn/doomed", DeleteOptions.ifRevision(doomed.modRevision())),
            BatchWrite.delete("txn/kept", DeleteOptions.ifRevision(kept.modRevision() + 100)),
            BatchWrite.delete("txn/never", DeleteOptions.unconditionally()),
            BatchWrite.compareAndSet("txn/new2", b("commit 3"), CasOptions.ifAbsent()));
    List<CompletableFuture<CasResult>> futures = registry.writeEach(writes);
    assertThat(futures).hasSize(writes.size());
    List<CasResult> r = new ArrayList<>();
    for (CompletableFuture<CasResult> f : futures) {
      r.add(await(f));
    }

    assertThat(r.get(0).succeeded()).isTrue();
    KeyValue new1 = r.get(0).current().orElseThrow();
    assertThat(new1.valueAsString()).isEqualTo("commit 1");
    assertThat(new1.createRevision())
        .isEqualTo(new1.modRevision())
        .isGreaterThan(kept.modRevision());
    assertThat(await(registry.get("txn/new1"))).contains(new1);

    assertThat(r.get(1).succeeded()).as("create-if-absent of a taken key").isFalse();
    assertThat(r.get(1).current()).contains(taken);
    assertThat(await(registry.get("txn/taken"))).contains(taken);

    assertThat(r.get(2).succeeded()).isTrue();
    assertThat(await(registry.get("txn/doomed"))).isEmpty();

    assertThat(r.get(3).succeeded()).as("delete at a wrong revision").isFalse();
    assertThat(r.get(3).current()).contains(kept);
    assertThat(await(registry.get("txn/kept"))).contains(kept);

    assertThat(r.get(4).succeeded()).as("delete of an absent key").isFalse();
    assertThat(r.get(5).succeeded()).isTrue();
    assertThat(await(registry.get("txn/new2")).orElseThrow().valueAsString()).isEqualTo("commit 3");
  }

  @Test
  public void aFullBatchIsAccepted() {
    // etcd limits the operations of one request (128 by default): a batch of the most writes
    // writeEach takes must fit.
    List<BatchWrite> writes = new ArrayList<>();
    for (int i = 0; i < Registry.MAX_BATCH_WRITES; i++) {
      writes.add(BatchWrite.compareAndSet("txn/full" + i, b("commit " + i), CasOptions.ifAbsent()));
    }
    List<CompletableFuture<CasResult>> created = registry.writeEach(writes);
    for (CompletableFuture<CasResult> f : created) {
      assertThat(await(f).succeeded()).isTrue();
    }
    List<BatchWrite> deletes = new ArrayList<>();
    for (int i = 0; i < Registry.MAX_BATCH_WRITES; i++) {
      deletes.add(BatchWrite.delete("txn/full" + i, DeleteOptions.unconditionally()));
    }
    for (CompletableFuture<CasResult> f : registry.writeEach(deletes)) {
      assertThat(await(f).succeeded()).isTrue();
    }
    assertThat(await(registry.get("txn/full0"))).isEmpty();
  }

  @Test
  public void aBadBatchIsRefusedBeforeAnythingIsSent() {
    assertThatThrownBy(
            () ->
                registry.writeEach(
                    List.of(
                        BatchWrite.compareAndSet("txn/x", b("1"), CasOptions.ifAbsent()),
                        BatchWrite.delete("txn/x", DeleteOptions.unconditionally()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'txn/x' appears twice");
    List<BatchWrite> tooMany = new ArrayList<>();
    for (int i = 0; i <= Registry.MAX_BATCH_WRITES; i++) {
      tooMany.add(BatchWrite.compareAndSet("txn/m" + i, b("1"), CasOptions.ifAbsent()));
    }
    assertThatThrownBy(() -> registry.writeEach(tooMany))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most " + Registry.MAX_BATCH_WRITES);
    assertThatThrownBy(() -> BatchWrite.delete("txn/y", null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new BatchWrite("txn/y", b("1"), null, DeleteOptions.unconditionally()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(await(registry.get("txn/x"))).isEmpty();
    assertThat(await(registry.get("txn/m0"))).isEmpty();
  }

  @Test
  public void aKeyCreatedAgainAfterADeleteIsANewIncarnation() {
    KeyValue first = create("k", "1");
    await(registry.delete("k", DeleteOptions.unconditionally()));
    KeyValue again = create("k", "2");
    assertThat(again.createRevision())
        .isEqualTo(again.modRevision())
        .isGreaterThan(first.modRevision() + 1);
    CasResult old =
        await(registry.compareAndSet("k", b("3"), CasOptions.ifRevision(first.modRevision())));
    assertThat(old.succeeded()).isFalse();
  }

  @Test
  public void valuesAreCopiedInAndOut() {
    byte[] value = b("abc");
    KeyValue written =
        await(registry.compareAndSet("copy", value, CasOptions.ifAbsent())).current().orElseThrow();
    value[0] = 'X';
    written.value()[1] = 'Y';
    assertThat(await(registry.get("copy")).orElseThrow().valueAsString()).isEqualTo("abc");
    assertThat(written.valueAsString()).isEqualTo("abc");
  }

  @Test
  public void emptyAndBinaryValuesRoundTrip() {
    await(registry.compareAndSet("empty", new byte[0], CasOptions.ifAbsent()));
    byte[] binary = new byte[256];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) i;
    }
    await(registry.compareAndSet("binary", binary, CasOptions.ifAbsent()));
    assertThat(await(registry.get("empty")).orElseThrow().value()).isEmpty();
    assertThat(await(registry.get("binary")).orElseThrow().value()).isEqualTo(binary);
  }

  @Test
  public void listReturnsTheKeysUnderThePrefixInCodePointOrder() {
    String emoji =
        "p/\uD83D\uDE00"; // U+1F600: after U+FFFD by code point (and UTF-8), before it in UTF-16
    for (String k : List.of("p/c", "p", "p/a", "o/x", emoji, "p0", "p/\uFFFD", "q", "p/b", "p/")) {
      create(k, "v-" + k);
    }
    ListResult page = await(registry.list("p/", ListOptions.firstPage()));
    assertThat(keys(page)).containsExactly("p/", "p/a", "p/b", "p/c", "p/\uFFFD", emoji);
    assertThat(page.more()).isFalse();
    assertThat(page.keyValues().get(1).valueAsString()).isEqualTo("v-p/a");
    long newest = page.keyValues().stream().mapToLong(KeyValue::modRevision).max().orElseThrow();
    assertThat(page.revision()).isGreaterThanOrEqualTo(newest);

    assertThat(keys(await(registry.list("p", ListOptions.firstPage()))))
        .containsExactly("p", "p/", "p/a", "p/b", "p/c", "p/\uFFFD", emoji, "p0");
    assertThat(keys(await(registry.list("nothing/", ListOptions.firstPage())))).isEmpty();
  }

  @Test
  public void listPagesWithALimitAndStartAfter() {
    for (String k : List.of("m/1", "m/2", "m/3", "m/4", "m/5", "n/1")) {
      create(k, "v");
    }
    ListResult p1 = await(registry.list("m/", ListOptions.limit(2)));
    assertThat(keys(p1)).containsExactly("m/1", "m/2");
    assertThat(p1.more()).isTrue();
    ListResult p2 = await(registry.list("m/", ListOptions.limit(2).startingAfter("m/2")));
    assertThat(keys(p2)).containsExactly("m/3", "m/4");
    assertThat(p2.more()).isTrue();
    ListResult p3 = await(registry.list("m/", ListOptions.limit(2).startingAfter("m/4")));
    assertThat(keys(p3)).containsExactly("m/5");
    assertThat(p3.more()).isFalse();
    ListResult exact = await(registry.list("m/", ListOptions.limit(5)));
    assertThat(keys(exact)).hasSize(5);
    assertThat(exact.more()).isFalse();

    assertThat(keys(await(registry.list("m/", ListOptions.limit(9).startingAfter("m/25")))))
        .containsExactly("m/3", "m/4", "m/5");
    assertThat(keys(await(registry.list("m/", ListOptions.limit(9).startingAfter("a")))))
        .as("a start before the prefix starts at the prefix")
        .containsExactly("m/1", "m/2", "m/3", "m/4", "m/5");
    ListResult after = await(registry.list("m/", ListOptions.limit(9).startingAfter("z")));
    assertThat(keys(after)).isEmpty();
    assertThat(after.more()).isFalse();
  }

  @Test
  public void badArgumentsAreIllegalArgumentExceptionsAndChangeNothing() {
    Leases leases = registry.leases();
    assertThatThrownBy(() -> registry.get("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> registry.get("bad\uD800"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> registry.list("", ListOptions.firstPage()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> registry.compareAndSet("", b("v"), CasOptions.ifAbsent()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                registry.compareAndSet(
                    "k", new byte[Registry.MAX_VALUE_BYTES + 1], CasOptions.ifAbsent()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> registry.delete("", DeleteOptions.unconditionally()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> registry.watch("", WatchOptions.fromNow(), new Recorder()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CasOptions.ifRevision(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CasOptions.ifAbsent().withLease(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DeleteOptions.ifRevision(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ListOptions.limit(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ListOptions.limit(ListOptions.MAX_LIMIT + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WatchOptions.fromRevision(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> leases.grant(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> leases.grant(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> leases.keepAlive(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> leases.revoke(-5)).isInstanceOf(IllegalArgumentException.class);
    assertThat(await(registry.get("k"))).isEmpty();
  }

  protected static List<String> keys(ListResult page) {
    return page.keyValues().stream().map(KeyValue::key).collect(Collectors.toList());
  }
}
