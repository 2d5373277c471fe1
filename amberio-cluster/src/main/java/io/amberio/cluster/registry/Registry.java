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

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A small linearizable key-value store with revisions, compare-and-set, leases and watches: where
 * the cluster keeps what must be decided once (2PC decision keys {@code txn/<id>}), who is alive
 * (keys bound to liveness leases), and slot epochs and in-sync sets. Implementations: {@link
 * io.amberio.cluster.registry.memory.InMemoryRegistry InMemoryRegistry} (one process: tests and
 * simulation) and {@link io.amberio.cluster.registry.etcd.EtcdRegistry EtcdRegistry} (etcd through
 * jetcd).
 *
 * <h2>Model</h2>
 *
 * Keys are non-empty strings (ordered by code point, the byte order of UTF-8); values are byte
 * arrays of at most {@value #MAX_VALUE_BYTES} bytes. The registry has one revision counter; every
 * change (a write, a delete, the end of a lease with its keys) takes the next revision, and each
 * key remembers the revision that created it and the one that last changed it ({@link
 * KeyValue#modRevision()}). Compare-and-set names a mod revision, so a writer that read a key can
 * replace it only if nobody changed it since. Every operation is linearizable.
 *
 * <h2>Failures</h2>
 *
 * Every future fails with {@link RegistryException}. Its reason says whether a write is
 * <em>definitely not applied</em> (every reason but {@link RegistryException.Reason#TIMEOUT}) or
 * its <em>outcome is unknown</em> ({@code TIMEOUT}: read the key to learn it). Wrong arguments
 * throw {@link IllegalArgumentException} (or {@link NullPointerException}) at once, before anything
 * is sent. After {@link #close()} every operation fails with {@link
 * RegistryException.Reason#CLOSED}.
 *
 * <p>Futures may complete on any thread of the registry's scheduler (or on the caller's thread);
 * chain non-blocking work only.
 */
public interface Registry extends AutoCloseable {

  /** The lease id that means "no lease". */
  long NO_LEASE = 0;

  /** The largest value, in bytes (etcd's default request limit is 1.5 MiB). */
  int MAX_VALUE_BYTES = 1 << 20;

  /**
   * Reads one key.
   *
   * @return the key, or empty if it is absent
   * @throws IllegalArgumentException if {@code key} is empty or not well-formed UTF-16
   */
  CompletableFuture<Optional<KeyValue>> get(String key);

  /**
   * Lists the keys that start with {@code prefix}, in key order, one bounded page at a time, all as
   * of one revision ({@link ListResult#revision()}).
   *
   * @throws IllegalArgumentException if {@code prefix} is empty or not well-formed UTF-16
   */
  CompletableFuture<ListResult> list(String prefix, ListOptions options);

  /**
   * Writes {@code value} to {@code key} if the key's mod revision is {@code
   * options.expectedRevision()} (0: if the key is absent), binding it to {@code options.leaseId()}
   * if one is given. This is the linearization point of a 2PC decision: {@code
   * compareAndSet("txn/<id>", COMMIT, ifAbsent())}.
   *
   * <p>A condition that does not hold is an answer, not a failure: the future succeeds with {@code
   * succeeded == false} and the key's current value. The future fails with:
   *
   * <ul>
   *   <li>{@link RegistryException.Reason#TIMEOUT}: <b>outcome unknown</b>. The write may have been
   *       applied (now or later, as the request may still be in flight). Do not report failure;
   *       resolve by reading the key. A retry of a create-if-absent that did succeed answers {@code
   *       succeeded == false} with the caller's own value as current.
   *   <li>{@link RegistryException.Reason#LEASE_NOT_FOUND}: the condition held but the lease has
   *       ended; not applied.
   *   <li>{@link RegistryException.Reason#UNAVAILABLE}, {@code INVALID_ARGUMENT}, {@code CLOSED}:
   *       not applied.
   * </ul>
   *
   * @throws IllegalArgumentException if {@code key} is not a valid key or {@code value} is larger
   *     than {@value #MAX_VALUE_BYTES} bytes
   */
  CompletableFuture<CasResult> compareAndSet(String key, byte[] value, CasOptions options);

  /**
   * Deletes {@code key}, unconditionally or only if its mod revision is the expected one. Succeeds
   * with {@code succeeded == true} if a key was deleted; with {@code false} and the current value
   * (or empty) if the key was absent or had another revision. Failures are as for {@link
   * #compareAndSet}: after a {@link RegistryException.Reason#TIMEOUT} the key may or may not have
   * been deleted.
   *
   * @throws IllegalArgumentException if {@code key} is not a valid key
   */
  CompletableFuture<CasResult> delete(String key, DeleteOptions options);

  /**
   * The most writes {@link #writeEach} takes in one call (etcd allows 128 operations per request).
   */
  int MAX_BATCH_WRITES = 64;

  /**
   * Several writes, each applied or not on its own exactly as {@link #compareAndSet} or {@link
   * #delete} alone would apply it, judged against the state before any of them; one future per
   * write, in the order of {@code writes}, each with the answers and failures of the single call. A
   * registry that can sends them as one request: {@link
   * io.amberio.cluster.registry.etcd.EtcdRegistry EtcdRegistry} makes one etcd transaction of them
   * (one Raft entry, one fsync per member), so every future then completes together, and after a
   * {@link RegistryException.Reason#TIMEOUT} none or all of the writes that met their condition
   * were applied. The default sends them one by one, concurrently.
   *
   * @throws IllegalArgumentException if a key repeats, there are more than {@value
   *     #MAX_BATCH_WRITES} writes, or a key or value is not valid
   */
  default List<CompletableFuture<CasResult>> writeEach(List<BatchWrite> writes) {
    checkBatch(writes);
    List<CompletableFuture<CasResult>> results = new ArrayList<>(writes.size());
    for (BatchWrite w : writes) {
      results.add(
          w.isDelete() ? delete(w.key(), w.delete()) : compareAndSet(w.key(), w.value(), w.cas()));
    }
    return results;
  }

  /**
   * Checks the arguments of {@link #writeEach}: at most {@value #MAX_BATCH_WRITES}, distinct keys.
   */
  static void checkBatch(List<BatchWrite> writes) {
    if (writes.size() > MAX_BATCH_WRITES) {
      throw new IllegalArgumentException(
          "at most " + MAX_BATCH_WRITES + " writes in one batch, not " + writes.size());
    }
    Set<String> keys = new HashSet<>();
    for (BatchWrite w : writes) {
      if (!keys.add(w.key())) {
        throw new IllegalArgumentException("key '" + w.key() + "' appears twice in one batch");
      }
    }
  }

  /**
   * Watches the keys that start with {@code prefix}. The future completes once the watch is
   * established, with a handle whose {@link Watch#startRevision()} is the first revision it
   * delivers; from then on the listener sees every PUT and DELETE under the prefix (deletions by
   * lease expiry included), in revision order, until the watch is cancelled or ends with {@link
   * WatchListener#onError}.
   *
   * @throws IllegalArgumentException if {@code prefix} is empty or not well-formed UTF-16
   */
  CompletableFuture<Watch> watch(String prefix, WatchOptions options, WatchListener listener);

  /** The leases of this registry. */
  Leases leases();

  /**
   * Closes this registry object (not the data: an etcd cluster keeps its keys, and leases run out
   * on their own). Idempotent. Afterwards every operation fails with {@link
   * RegistryException.Reason#CLOSED} and every watch ends with {@code onError(CLOSED)}. A write in
   * flight when close is called may fail with {@code TIMEOUT} (outcome unknown); a read, with
   * {@code CLOSED}.
   */
  @Override
  void close();
}
