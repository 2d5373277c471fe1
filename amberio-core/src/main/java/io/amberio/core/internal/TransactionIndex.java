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
package io.amberio.core.internal;

import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.internal.journal.JournalRecord;
import io.amberio.core.internal.slot.PendingWrite;
import io.amberio.core.internal.slot.Slot;
import io.amberio.core.internal.slot.SlotManager;
import io.amberio.core.replica.PrepareSpec;
import io.amberio.core.replica.PreparedWrite;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which slot holds which two-phase-commit transaction. Commit and abort name only the transaction,
 * so the store keeps the slot of every undecided transaction (prepared, or receiving bytes) of the
 * slots opened so far: filled as slots open (each reports its holds), by journal replay and by
 * {@link #prepare}. A transaction it does not find is looked for in the slots not opened yet, once
 * per process. Recently decided transactions are remembered too (a bounded number), so a repeated
 * commit finds its answer quickly.
 *
 * <p>A prepared write keeps its slot acquired (so it is never closed under the write) until the
 * write is finished or abandoned; the writes still receiving bytes are kept here, so that closing
 * the store can abandon them ({@link #abandonReceiving}).
 */
final class TransactionIndex {
  private static final Logger log = LoggerFactory.getLogger(TransactionIndex.class);
  private static final int RESOLVED_TXNS_KEPT = 4096;

  /**
   * Runs a function on a slot, or returns null when the slot does not exist; see {@code
   * LocalBlobStore}.
   */
  interface SlotRunner {
    <T> T withSlot(int n, boolean create, Function<Slot, T> fn);
  }

  private final SlotManager<Slot> slots;
  private final SlotRunner runner;
  private final BooleanSupplier closed;

  // The slot of every undecided transaction (prepared, or receiving bytes) of the slots in
  // txnsIndexed, and
  // of recently decided ones (so that a repeated commit finds its answer quickly).
  private final Map<String, Integer> pendingTxns = new ConcurrentHashMap<>();
  private final Map<String, Integer> resolvedTxns =
      Collections.synchronizedMap(
          new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
              return size() > RESOLVED_TXNS_KEPT;
            }
          });
  // @GuardedBy("itself")
  private final BitSet txnsIndexed = new BitSet();
  private final Map<String, PendingWrite> receiving = new ConcurrentHashMap<>();

  TransactionIndex(SlotManager<Slot> slots, SlotRunner runner, BooleanSupplier closed) {
    this.slots = slots;
    this.runner = runner;
    this.closed = closed;
  }

  /** Records the transactions that hold paths in slot {@code n}, which has just opened. */
  void slotOpened(int n, List<String> heldTxns) {
    for (String txn : heldTxns) {
      pendingTxns.put(txn, n);
    }
    synchronized (txnsIndexed) {
      txnsIndexed.set(n);
    }
  }

  /** Records what a replayed journal record tells about transactions. */
  void replayed(JournalRecord record) {
    if (record instanceof JournalRecord.Prepare p) {
      // An opening slot reports the rows already in its table; the replay may add more.
      pendingTxns.put(p.row().txn(), record.slot());
    }
  }

  /**
   * Starts a prepared write in slot {@code n}, whose path the caller has checked; see {@code
   * ReplicaStore}.
   */
  PreparedWrite prepare(PrepareSpec spec, int n) {
    String txn = spec.txn().toString();
    Integer elsewhere = pendingTxns.get(txn);
    if (elsewhere == null) {
      elsewhere = resolvedTxns.get(txn);
    }
    if (elsewhere != null
        && elsewhere != n
        && Boolean.TRUE.equals(
            runner.withSlot(elsewhere, false, s -> s.transactions().knowsTxn(txn)))) {
      throw new IllegalArgumentException(
          "transaction "
              + txn
              + " is already known to this store (in slot "
              + elsewhere
              + ", not the slot of '"
              + spec.path()
              + "')");
    }
    Slot slot = slots.acquire(n, true);
    PendingWrite w;
    try {
      w =
          slot.transactions()
              .prepare(
                  spec,
                  prepared -> {
                    receiving.remove(txn);
                    if (!prepared) {
                      pendingTxns.remove(txn);
                    }
                    slots.release(slot);
                  });
    } catch (RuntimeException e) {
      slots.release(slot);
      throw e;
    }
    pendingTxns.put(txn, n);
    receiving.put(txn, w);
    if (closed.getAsBoolean()) {
      // close() may have looked for writes to abandon before this one was registered
      w.abandon();
      throw BlobStoreException.of(Reason.CLOSED, "the store is closed");
    }
    return w;
  }

  /** Commits a transaction wherever it is; see {@code ReplicaStore.commitPrepared}. */
  BlobInfo commit(BlobId txn, long version, boolean learner) {
    String id = txn.toString();
    int n = locate(id);
    if (n < 0) {
      // Not undecided here: committed before this process started, or unknown.
      BitSet existing = slots.existing();
      for (int s = existing.nextSetBit(0); s >= 0; s = existing.nextSetBit(s + 1)) {
        Optional<BlobInfo> done =
            runner.withSlot(s, false, slot -> slot.transactions().committedTxn(id));
        if (done != null && done.isPresent()) {
          resolvedTxns.put(id, s);
          return done.get();
        }
      }
      throw BlobStoreException.of(
          Reason.NOT_FOUND,
          "no transaction " + txn + " is prepared here (never prepared," + " or aborted)");
    }
    BlobInfo info =
        runner.withSlot(n, false, slot -> slot.transactions().commitPrepared(id, version, learner));
    if (info == null) {
      throw BlobStoreException.of(Reason.NOT_FOUND, "no transaction " + txn + " is prepared here");
    }
    pendingTxns.remove(id);
    resolvedTxns.put(id, n);
    return info;
  }

  /** Aborts a transaction wherever it is; see {@code ReplicaStore.abortPrepared}. */
  boolean abort(BlobId txn) {
    String id = txn.toString();
    int n = locate(id);
    if (n < 0) {
      return false;
    }
    Boolean aborted = runner.withSlot(n, false, slot -> slot.transactions().abortPrepared(id));
    pendingTxns.remove(id);
    resolvedTxns.put(id, n);
    return aborted != null && aborted;
  }

  /**
   * The slot of a transaction that is undecided or was decided recently, or -1. Slots that have not
   * been opened since the store opened are opened first (once per process), since only an open slot
   * has reported its prepared transactions.
   */
  private int locate(String txn) {
    Integer n = pendingTxns.get(txn);
    if (n == null) {
      n = resolvedTxns.get(txn);
    }
    if (n != null) {
      return n;
    }
    BitSet missing = slots.existing();
    synchronized (txnsIndexed) {
      missing.andNot(txnsIndexed);
    }
    for (int s = missing.nextSetBit(0); s >= 0; s = missing.nextSetBit(s + 1)) {
      runner.withSlot(s, false, slot -> null); // opening it indexes it
    }
    n = pendingTxns.get(txn);
    return n == null ? -1 : n;
  }

  /**
   * At close: abandons every write still receiving bytes (its writer's next call fails with
   * CLOSED), so the slots they keep acquired can close. Their bytes are deleted now, or by the next
   * open.
   */
  void abandonReceiving() {
    for (PendingWrite w : List.copyOf(receiving.values())) {
      try {
        w.abortFromOutside(BlobStoreException.of(Reason.CLOSED, "the store is closed"));
      } catch (RuntimeException e) {
        log.warn("abandoning a prepared write at close failed", e);
      }
    }
  }
}
