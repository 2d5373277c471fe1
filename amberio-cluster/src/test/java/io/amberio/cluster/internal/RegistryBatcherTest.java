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
package io.amberio.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.cluster.registry.BatchWrite;
import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.CasResult;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.RegistryException;
import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.cluster.sim.SimScheduler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Group commit of registry writes: what leaves when, and that each write keeps its own answer. */
class RegistryBatcherTest {

  /** The batches a registry was sent, each answered when the test says. */
  private static final class Batches {
    final List<List<BatchWrite>> sent = new ArrayList<>();
    final List<List<CompletableFuture<CasResult>>> answers = new ArrayList<>();
    RuntimeException refuseNext;
    final Registry registry;

    Batches() {
      InMemoryRegistry inner = new InMemoryRegistry(SimScheduler.create(1));
      registry =
          (Registry)
              Proxy.newProxyInstance(
                  Registry.class.getClassLoader(),
                  new Class<?>[] {Registry.class},
                  (proxy, method, args) -> {
                    if (method.getName().equals("writeEach")) {
                      @SuppressWarnings("unchecked")
                      List<BatchWrite> writes = (List<BatchWrite>) args[0];
                      if (refuseNext != null) {
                        RuntimeException e = refuseNext;
                        refuseNext = null;
                        throw e;
                      }
                      sent.add(List.copyOf(writes));
                      List<CompletableFuture<CasResult>> fs = new ArrayList<>();
                      for (int i = 0; i < writes.size(); i++) {
                        fs.add(new CompletableFuture<>());
                      }
                      answers.add(fs);
                      return fs;
                    }
                    try {
                      return method.invoke(inner, args);
                    } catch (InvocationTargetException e) {
                      throw e.getCause();
                    }
                  });
    }

    void answer(int batch) {
      for (CompletableFuture<CasResult> f : answers.get(batch)) {
        f.complete(CasResult.success(Optional.empty()));
      }
    }

    List<String> keys(int batch) {
      return sent.get(batch).stream().map(BatchWrite::key).toList();
    }
  }

  private static BatchWrite cas(String key) {
    return BatchWrite.compareAndSet(
        key, key.getBytes(StandardCharsets.UTF_8), CasOptions.ifAbsent());
  }

  @Test
  void aLoneWriteLeavesAtOnceAndThoseThatArriveMeanwhileLeaveTogether() {
    Batches b = new Batches();
    RegistryBatcher batcher = new RegistryBatcher(b.registry, 1);
    CompletableFuture<CasResult> first = batcher.submit(cas("txn/1"));
    assertThat(b.sent).hasSize(1);
    assertThat(b.keys(0)).containsExactly("txn/1");

    List<CompletableFuture<CasResult>> waiting = new ArrayList<>();
    for (int i = 2; i <= 5; i++) {
      waiting.add(batcher.submit(cas("txn/" + i)));
    }
    assertThat(b.sent).as("one batch in flight at most").hasSize(1);
    assertThat(waiting).noneMatch(CompletableFuture::isDone);

    b.answer(0);
    assertThat(first).isCompleted();
    assertThat(b.sent).hasSize(2);
    assertThat(b.keys(1)).containsExactly("txn/2", "txn/3", "txn/4", "txn/5");
    // Each write keeps its own answer.
    b.answers.get(1).get(2).complete(CasResult.failure(Optional.empty()));
    b.answer(1);
    assertThat(waiting.get(2).join().succeeded()).isFalse();
    assertThat(waiting.get(0).join().succeeded()).isTrue();

    // Idle again: the next write leaves at once.
    batcher.submit(cas("txn/6"));
    assertThat(b.sent).hasSize(3);
    assertThat(b.keys(2)).containsExactly("txn/6");
  }

  @Test
  void twoBatchesInFlightWhenAllowedAndARepeatedKeyWaitsForTheNextBatch() {
    Batches b = new Batches();
    RegistryBatcher batcher = new RegistryBatcher(b.registry, 2);
    batcher.submit(cas("txn/a"));
    batcher.submit(cas("txn/b"));
    assertThat(b.sent).hasSize(2);
    batcher.submit(cas("txn/c"));
    batcher.submit(
        BatchWrite.delete("txn/c", io.amberio.cluster.registry.DeleteOptions.unconditionally()));
    batcher.submit(cas("txn/d"));
    assertThat(b.sent).hasSize(2);
    b.answer(0);
    assertThat(b.keys(2)).containsExactly("txn/c", "txn/d");
    b.answer(1);
    assertThat(b.keys(3)).containsExactly("txn/c");
    assertThat(b.sent.get(3).get(0).isDelete()).isTrue();
  }

  @Test
  void withALingerWritesWaitForItOrForAFullBatch() {
    Batches b = new Batches();
    SimScheduler sched = SimScheduler.create(3);
    RegistryBatcher batcher = new RegistryBatcher(b.registry, 1, sched, Duration.ofMillis(20));
    batcher.submit(cas("txn/1"));
    sched.runFor(Duration.ofMillis(5));
    batcher.submit(cas("txn/2"));
    sched.runFor(Duration.ofMillis(10));
    assertThat(b.sent).as("still lingering").isEmpty();
    sched.runFor(Duration.ofMillis(10));
    assertThat(b.sent).hasSize(1);
    assertThat(b.keys(0)).containsExactly("txn/1", "txn/2");

    // While that batch is in flight writes queue up; a full batch does not wait for the linger
    // once the way is free, and the rest leaves when the batch is answered.
    for (int i = 0; i < Registry.MAX_BATCH_WRITES + 3; i++) {
      batcher.submit(cas("txn/m" + i));
    }
    assertThat(b.sent).hasSize(1);
    b.answer(0);
    assertThat(b.sent).hasSize(2);
    assertThat(b.sent.get(1)).hasSize(Registry.MAX_BATCH_WRITES);
    b.answer(1);
    assertThat(b.keys(2)).hasSize(3);

    // Idle again: a full batch submitted at once leaves without waiting.
    b.answer(2);
    for (int i = 0; i < Registry.MAX_BATCH_WRITES; i++) {
      batcher.submit(cas("txn/f" + i));
    }
    assertThat(b.sent).hasSize(4);
    assertThat(b.sent.get(3)).hasSize(Registry.MAX_BATCH_WRITES);
  }

  @Test
  void aFailedBatchFailsEachOfItsWritesAndTheNextBatchStillLeaves() {
    Batches b = new Batches();
    RegistryBatcher batcher = new RegistryBatcher(b.registry, 1);
    CompletableFuture<CasResult> lost = batcher.submit(cas("txn/1"));
    CompletableFuture<CasResult> next = batcher.submit(cas("txn/2"));
    RegistryException timeout =
        new RegistryException(RegistryException.Reason.TIMEOUT, "no answer; outcome unknown");
    b.answers.get(0).get(0).completeExceptionally(timeout);
    assertThat(lost).isCompletedExceptionally();
    assertThat(lost.handle((r, t) -> t instanceof CompletionException c ? c.getCause() : t).join())
        .isSameAs(timeout);
    assertThat(b.keys(1)).containsExactly("txn/2");
    b.answer(1);
    assertThat(next.join().succeeded()).isTrue();

    // A batch the registry refuses outright (bad arguments) fails its writes and frees the way.
    b.refuseNext = new IllegalArgumentException("refused");
    CompletableFuture<CasResult> refused = batcher.submit(cas("txn/3"));
    assertThat(refused).isCompletedExceptionally();
    batcher.submit(cas("txn/4"));
    assertThat(b.keys(2)).containsExactly("txn/4");
  }
}
