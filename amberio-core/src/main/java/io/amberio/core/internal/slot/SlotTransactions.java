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
package io.amberio.core.internal.slot;

import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.PutOptions;
import io.amberio.core.internal.journal.JournalRecord;
import io.amberio.core.internal.meta.SlotDatabase;
import io.amberio.core.internal.row.PreparedRow;
import io.amberio.core.internal.row.VersionRow;
import io.amberio.core.internal.slot.Slot.SlotContext;
import io.amberio.core.replica.PrepareSpec;
import io.amberio.core.replica.PreparedTxn;
import io.amberio.core.replica.TxnKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The two-phase-commit transactions of one slot ({@code ReplicaTransactions}). A prepared write
 * takes a <em>hold</em> on its path (one per path, never waited for) and receives its bytes like a
 * put, through a {@link PendingWrite}: small ones stay in memory and go into the prepared row,
 * larger ones become chunk files of {@code blobs/<txn>/} behind a reclaim record. {@code finish}
 * journals a Prepare record: from then on the transaction survives a crash, its reclaim record is
 * not swept (the sweep skips blobs with a prepared row), and garbage collection leaves its path
 * alone. Commit turns the prepared row into a version row (or a tombstone) in one record; abort
 * drops the row and then the bytes. Plain writes of a held path fail with BUSY at their commit
 * (they ask {@link #requireNotHeld} under the write lock), so a replica's vote (the path's highest
 * version, read when the transaction is prepared) stays true until the transaction is decided.
 * Holds live in memory; durable ones are rebuilt from the {@code prepared} table when the slot
 * opens and after a journal replay touched it.
 */
public final class SlotTransactions {
  private final SlotChanges changes;
  private final int number;
  private final SlotDatabase db;
  private final SlotContext ctx;

  /**
   * A path held by a transaction: {@code write} while it receives bytes, null once durably
   * prepared.
   */
  private static final class Hold {
    final String txn;
    final String path;
    PendingWrite write;

    Hold(String txn, String path, PendingWrite write) {
      this.txn = txn;
      this.path = path;
      this.write = write;
    }
  }

  // Lock order: the slot's write lock (SlotChanges.writeLock), then holdLock; the database's own
  // lock is
  // taken under either.
  private final Object holdLock = new Object();
  // @GuardedBy("holdLock")
  private final Map<String, Hold> holdsByPath = new HashMap<>();
  // @GuardedBy("holdLock")
  private final Map<String, Hold> holdsByTxn = new HashMap<>();
  // @GuardedBy("holdLock"): the durable holds must be (re)read from the prepared table before use;
  // set at
  // open and by a replay, which may apply records the table already reflects (so it, not the
  // records, tells)
  private boolean holdsStale = true;

  SlotTransactions(SlotChanges changes) {
    this.changes = changes;
    this.number = changes.number;
    this.db = changes.db;
    this.ctx = changes.ctx;
  }

  // @GuardedBy("holdLock")
  private void loadHolds() {
    if (!holdsStale) {
      return;
    }
    holdsByPath.values().removeIf(h -> h.write == null);
    holdsByTxn.values().removeIf(h -> h.write == null);
    for (PreparedRow r : db.preparedRows()) {
      Hold h = new Hold(r.txn(), r.path(), null);
      holdsByPath.putIfAbsent(r.path(), h);
      holdsByTxn.put(r.txn(), h);
    }
    holdsStale = false;
  }

  /** Fails with BUSY when a transaction holds {@code path}. */
  void requireNotHeld(String path) {
    synchronized (holdLock) {
      loadHolds();
      Hold h = holdsByPath.get(path);
      if (h != null) {
        throw busy(path, h.txn);
      }
    }
  }

  private static BlobStoreException busy(String path, String txn) {
    return BlobStoreException.of(
        Reason.BUSY,
        "'"
            + path
            + "' is held by transaction "
            + txn
            + ", which is not decided yet; nothing was written, retry later");
  }

  /** The transactions holding a path here, prepared or still receiving bytes. */
  public List<String> heldTxns() {
    synchronized (holdLock) {
      loadHolds();
      return List.copyOf(holdsByTxn.keySet());
    }
  }

  /**
   * Whether this slot knows {@code txn}: undecided, the blob id of a version, or a committed
   * tombstone.
   */
  public boolean knowsTxn(String txn) {
    synchronized (holdLock) {
      loadHolds();
      if (holdsByTxn.containsKey(txn)) {
        return true;
      }
    }
    return db.knowsTxn(txn);
  }

  /**
   * Starts a prepared write: takes the path's hold without waiting. {@code done} is called once,
   * when the write has finished (true) or was abandoned (false).
   *
   * @throws BlobStoreException BUSY if a transaction holds the path
   * @throws IllegalArgumentException if this slot knows the transaction id already
   */
  public PendingWrite prepare(PrepareSpec spec, PendingWrite.Done done) {
    String txn = spec.txn().toString();
    synchronized (holdLock) {
      loadHolds();
      if (holdsByTxn.containsKey(txn) || db.knowsTxn(txn)) {
        throw new IllegalArgumentException(
            "transaction "
                + txn
                + " is already known to slot "
                + number
                + " (prepared, or committed)");
      }
      Hold held = holdsByPath.get(spec.path());
      if (held != null) {
        throw busy(spec.path(), held.txn);
      }
      PendingWrite w =
          new PendingWrite(
              this, changes, spec, ctx.chunkSize(), ctx.inlineThreshold(), ctx.maxBlobSize(), done);
      Hold h = new Hold(txn, spec.path(), w);
      holdsByPath.put(spec.path(), h);
      holdsByTxn.put(txn, h);
      return w;
    }
  }

  /**
   * Makes a write durably prepared: checks what it needs (a marker: the path exists; a tombstone:
   * the version exists and is not collected), reads the vote (the path's highest version) and
   * journals the Prepare record, all under the write lock, so no version slips in between.
   */
  PreparedTxn completePrepare(
      PrepareSpec spec,
      long size,
      int chunkSize,
      int chunkCount,
      byte[] checksums,
      boolean inline,
      byte[] data) {
    String path = spec.path();
    String txn = spec.txn().toString();
    changes.writeLock.lock();
    try {
      SlotDatabase.PathState ps = db.pathStateForWrite(path);
      long max = ps == null ? 0 : ps.maxVersion();
      if (spec.kind() == TxnKind.MARKER && ps == null && !spec.learner()) {
        // A learner may not have copied the path yet: the in-sync replicas check that it exists.
        throw BlobStoreException.of(Reason.NOT_FOUND, "'" + path + "' was never written");
      }
      if (spec.kind() == TxnKind.TOMBSTONE
          && spec.learner()
          && db.versionForWrite(path, spec.tombstoneVersion()) == null) {
        // Missing here may mean not copied yet or collected: only the in-sync replicas can tell,
        // and the learner must not tombstone a version it will import later. The write retries
        // until the copy brings the version (or fails with what the in-sync replicas say).
        throw BlobStoreException.of(
            Reason.BUSY,
            "version "
                + spec.tombstoneVersion()
                + " of '"
                + path
                + "' is not copied to this learner yet");
      }
      if (spec.kind() == TxnKind.TOMBSTONE) {
        long v = spec.tombstoneVersion();
        if (v > max) {
          throw BlobStoreException.of(Reason.NOT_FOUND, "'" + path + "' has no version " + v);
        }
        if (db.versionForWrite(path, v) == null) {
          throw BlobStoreException.of(
              Reason.DELETED, "version " + v + " of '" + path + "' was garbage-collected");
        }
      }
      PreparedRow row =
          new PreparedRow(
              txn,
              path,
              kindCode(spec.kind()),
              spec.tombstoneVersion(),
              spec.contentType(),
              spec.createdAtMillis(),
              spec.context(),
              max,
              size,
              chunkSize,
              chunkCount,
              checksums,
              inline,
              null,
              ctx.clock().millis());
      changes.journaled(new JournalRecord.Prepare(number, row, inline ? data : null), true);
      synchronized (holdLock) {
        Hold h = holdsByTxn.get(txn);
        if (h != null) {
          h.write = null;
        }
      }
      return toTxn(row);
    } finally {
      changes.writeLock.unlock();
    }
  }

  /**
   * Drops what an abandoned prepared write left: its bytes (when it had chunk files) and its hold.
   */
  void dropPending(String txn, boolean chunked) {
    try {
      if (chunked) {
        changes.discardUnlessFenced(txn);
      }
    } finally {
      releaseHold(txn);
    }
  }

  private void releaseHold(String txn) {
    synchronized (holdLock) {
      Hold h = holdsByTxn.remove(txn);
      if (h != null) {
        holdsByPath.remove(h.path, h);
      }
    }
  }

  /**
   * Commits a prepared transaction; see {@code ReplicaStore.commitPrepared}.
   *
   * @param learner whether the transaction was prepared by a learner: its version may then be above
   *     the path's highest version plus one (the versions in between arrive later by import)
   * @throws BlobStoreException NOT_FOUND if the slot knows no such transaction (or it is still
   *     receiving bytes), VERSION_CONFLICT if {@code version} is not the path's highest version
   *     plus one (for a learner: not above the highest version)
   */
  public BlobInfo commitPrepared(String txn, long version, boolean learner) {
    VersionRow result;
    changes.writeLock.lock();
    try {
      PreparedRow p = db.prepared(txn, true);
      if (p == null) {
        VersionRow done = committed(txn);
        if (done != null) {
          return done.toInfo();
        }
        boolean receiving;
        synchronized (holdLock) {
          loadHolds();
          receiving = holdsByTxn.containsKey(txn);
        }
        throw BlobStoreException.of(
            Reason.NOT_FOUND,
            receiving
                ? "transaction " + txn + " is not prepared yet: its write has not finished"
                : "no transaction " + txn + " is prepared here (never prepared, or aborted)");
      }
      if (p.kind() == PreparedRow.TXN_TOMBSTONE) {
        long v = p.tombstoneVersion();
        if (db.versionForWrite(p.path(), v) == null) {
          // Collection skips held paths, so only damage behind the store's back gets here.
          throw BlobStoreException.of(
              Reason.DELETED,
              "version "
                  + v
                  + " of '"
                  + p.path()
                  + "' is gone; transaction "
                  + txn
                  + " cannot tombstone it");
        }
        changes.journaled(
            new JournalRecord.CommitTombstone(number, txn, p.path(), v, p.createdAt()), true);
        result = db.versionForWrite(p.path(), v);
      } else {
        SlotDatabase.PathState ps = db.pathStateForWrite(p.path());
        long max = ps == null ? 0 : ps.maxVersion();
        if (learner ? version <= max : version != max + 1) {
          throw BlobStoreException.versionConflict(p.path(), version, max);
        }
        boolean put = p.kind() == PreparedRow.TXN_PUT;
        String contentType =
            !put
                ? null
                : p.contentType() == null ? PutOptions.DEFAULT_CONTENT_TYPE : p.contentType();
        result =
            new VersionRow(
                p.path(),
                version,
                txn,
                put ? VersionRow.LIVE : VersionRow.MARKER,
                p.size(),
                contentType,
                p.createdAt(),
                p.createdAt(),
                p.chunkSize(),
                p.chunkCount(),
                p.checksums(),
                p.inline(),
                null);
        changes.journaled(
            new JournalRecord.CommitPrepared(number, result, p.inline() ? p.inlineData() : null),
            true);
      }
      releaseHold(txn);
    } finally {
      changes.writeLock.unlock();
    }
    return result.toInfo();
  }

  /** The version a committed transaction wrote or tombstoned, or null. */
  private VersionRow committed(String txn) {
    VersionRow done = db.versionByBlobId(txn);
    return done != null ? done : db.tombstonedBy(txn);
  }

  /** The version a committed transaction wrote or tombstoned, if this slot has it. */
  public Optional<BlobInfo> committedTxn(String txn) {
    return Optional.ofNullable(committed(txn)).map(VersionRow::toInfo);
  }

  /**
   * Aborts a transaction, prepared or still receiving bytes; see {@code
   * ReplicaStore.abortPrepared}.
   *
   * @return whether there was something to abort
   * @throws IllegalStateException if the transaction is committed here
   */
  public boolean abortPrepared(String txn) {
    PendingWrite receiving;
    synchronized (holdLock) {
      loadHolds();
      Hold h = holdsByTxn.get(txn);
      receiving = h == null ? null : h.write;
    }
    if (receiving != null
        && receiving.abortFromOutside(
            BlobStoreException.of(Reason.NOT_FOUND, "transaction " + txn + " was aborted"))) {
      return true;
    }
    PreparedRow p;
    changes.writeLock.lock();
    try {
      p = db.prepared(txn, false);
      if (p == null) {
        if (committed(txn) != null) {
          throw new IllegalStateException(
              "transaction " + txn + " is committed; it cannot be aborted");
        }
        return false;
      }
      changes.journaled(new JournalRecord.AbortPrepared(number, txn), true);
      releaseHold(txn);
    } finally {
      changes.writeLock.unlock();
    }
    if (p.chunked()) {
      changes.discard(txn);
    }
    return true;
  }

  /** The durable prepared transactions of this slot, in txn order. */
  public List<PreparedTxn> preparedTxns() {
    List<PreparedTxn> out = new ArrayList<>();
    for (PreparedRow r : db.preparedRows()) {
      out.add(toTxn(r));
    }
    return out;
  }

  /** The durable prepared transaction holding {@code path}, if any. */
  public Optional<PreparedTxn> preparedOn(String path) {
    return Optional.ofNullable(db.preparedOn(path)).map(this::toTxn);
  }

  /**
   * For an import: fails with BUSY when {@code blobId} is a transaction of this slot, prepared or
   * still receiving bytes (commit or abort decides it).
   */
  void requireNotPending(String blobId) {
    synchronized (holdLock) {
      loadHolds();
      if (holdsByTxn.containsKey(blobId) || db.prepared(blobId, false) != null) {
        throw BlobStoreException.of(
            Reason.BUSY,
            "blob "
                + blobId
                + " is a transaction prepared here and not"
                + " decided yet; commit or abort it");
      }
    }
  }

  /**
   * Tells that a replayed record may have changed the {@code prepared} table: holds are read again.
   */
  void replayed(JournalRecord record) {
    if (record instanceof JournalRecord.Prepare
        || record instanceof JournalRecord.CommitPrepared
        || record instanceof JournalRecord.CommitTombstone
        || record instanceof JournalRecord.AbortPrepared) {
      synchronized (holdLock) {
        holdsStale = true;
      }
    }
  }

  private PreparedTxn toTxn(PreparedRow r) {
    TxnKind kind =
        switch (r.kind()) {
          case PreparedRow.TXN_PUT -> TxnKind.PUT;
          case PreparedRow.TXN_MARKER -> TxnKind.MARKER;
          case PreparedRow.TXN_TOMBSTONE -> TxnKind.TOMBSTONE;
          default ->
              throw new IllegalStateException(
                  "unknown transaction kind " + r.kind() + " of " + r.txn());
        };
    PrepareSpec spec =
        new PrepareSpec(
            BlobId.parse(r.txn()),
            r.path(),
            kind,
            r.tombstoneVersion(),
            r.contentType(),
            r.createdAt(),
            r.context());
    return new PreparedTxn(number, spec, r.size(), r.maxVersion());
  }

  private static int kindCode(TxnKind kind) {
    return switch (kind) {
      case PUT -> PreparedRow.TXN_PUT;
      case MARKER -> PreparedRow.TXN_MARKER;
      case TOMBSTONE -> PreparedRow.TXN_TOMBSTONE;
    };
  }
}
