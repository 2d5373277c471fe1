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

import io.amberio.cluster.registry.BatchWrite;
import io.amberio.cluster.registry.CasResult;
import io.amberio.cluster.registry.Registry;
import io.amberio.core.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Sends registry writes in batches ({@link Registry#writeEach}): while {@code maxInFlight} batches
 * are in flight, the writes that arrive wait and leave together in the next one. There is no timer:
 * a lone write leaves at once, and under load a batch holds what arrived during one round trip
 * (group commit), so the registry sees one request, one Raft entry and one fsync per member for
 * many writes. Each write keeps its own answer; a batch never holds one key twice (a repeated key
 * waits for the next batch).
 *
 * <p>With a {@code linger}, writes that nobody waits for (the deletes of decided keys) are held up
 * to that long, or until a full batch of {@link Registry#MAX_BATCH_WRITES} is waiting, so that a
 * batch gathers more of them.
 */
public final class RegistryBatcher {

  private record Item(BatchWrite write, CompletableFuture<CasResult> result) {}

  private final Registry registry;
  private final int maxInFlight;
  private final Scheduler scheduler;
  private final Duration linger;
  // @GuardedBy("this")
  private final LinkedList<Item> queue = new LinkedList<>();
  // @GuardedBy("this")
  private int inFlight;
  // @GuardedBy("this")
  private boolean lingering;

  /** Sends each batch as soon as fewer than {@code maxInFlight} are in flight. */
  public RegistryBatcher(Registry registry, int maxInFlight) {
    this(registry, maxInFlight, null, Duration.ZERO);
  }

  /** Holds writes up to {@code linger} on {@code scheduler} before a batch leaves. */
  public RegistryBatcher(Registry registry, int maxInFlight, Scheduler scheduler, Duration linger) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be >= 1, was " + maxInFlight);
    }
    if (linger.isNegative() || (!linger.isZero() && scheduler == null)) {
      throw new IllegalArgumentException("a linger needs a scheduler and must not be negative");
    }
    this.registry = registry;
    this.maxInFlight = maxInFlight;
    this.scheduler = scheduler;
    this.linger = linger;
  }

  /** Queues {@code write}; its answer, or the failure of the batch it went in. */
  public CompletableFuture<CasResult> submit(BatchWrite write) {
    Item item = new Item(write, new CompletableFuture<>());
    List<Item> batch = null;
    boolean wait = false;
    synchronized (this) {
      queue.add(item);
      if (inFlight < maxInFlight) {
        if (linger.isZero() || queue.size() >= Registry.MAX_BATCH_WRITES) {
          inFlight++;
          batch = take();
        } else if (!lingering) {
          lingering = true;
          wait = true;
        }
      }
    }
    if (batch != null) {
      send(batch);
    } else if (wait) {
      scheduler.schedule(linger, this::lingered);
    }
    return item.result;
  }

  /** The linger is over: what waits leaves, unless a batch took it meanwhile. */
  private void lingered() {
    List<Item> batch = null;
    synchronized (this) {
      lingering = false;
      if (!queue.isEmpty() && inFlight < maxInFlight) {
        inFlight++;
        batch = take();
      }
    }
    if (batch != null) {
      send(batch);
    }
  }

  // @GuardedBy("this")
  private List<Item> take() {
    List<Item> batch = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (Iterator<Item> it = queue.iterator();
        it.hasNext() && batch.size() < Registry.MAX_BATCH_WRITES; ) {
      Item i = it.next();
      if (keys.add(i.write.key())) {
        batch.add(i);
        it.remove();
      }
    }
    return batch;
  }

  private void send(List<Item> batch) {
    List<CompletableFuture<CasResult>> results;
    try {
      List<BatchWrite> writes = new ArrayList<>(batch.size());
      for (Item i : batch) {
        writes.add(i.write);
      }
      results = registry.writeEach(writes);
    } catch (RuntimeException e) {
      for (Item i : batch) {
        i.result.completeExceptionally(e);
      }
      sent();
      return;
    }
    for (int k = 0; k < batch.size(); k++) {
      CompletableFuture<CasResult> mine = batch.get(k).result;
      results
          .get(k)
          .whenComplete(
              (r, t) -> {
                if (t != null) {
                  mine.completeExceptionally(t);
                } else {
                  mine.complete(r);
                }
              });
    }
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .whenComplete((x, t) -> sent());
  }

  /** A batch is answered: the next one leaves with whatever waits. */
  private void sent() {
    List<Item> next = null;
    synchronized (this) {
      if (queue.isEmpty()) {
        inFlight--;
      } else {
        next = take();
      }
    }
    if (next != null) {
      send(next);
    }
  }
}
