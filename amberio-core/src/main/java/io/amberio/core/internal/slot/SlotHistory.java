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

import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.VersionState;
import io.amberio.core.internal.journal.JournalRecord;
import io.amberio.core.internal.meta.SlotDatabase;
import io.amberio.core.internal.row.VersionRow;
import io.amberio.core.internal.slot.Slot.SlotContext;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one slot holds, in the order every replica shares (blob-id order), and copying in a version
 * a peer decided ({@code ReplicaHistory}). An import takes the path of a put (inline bytes, or
 * chunk files behind a reclaim record), but the row keeps the peer's blob id, version, state, size,
 * content type and time, so the version is equal on both. Path holds do not stop it: it copies
 * history decided elsewhere, and a replica may have to catch up before it can commit a prepared
 * write. Only a blob id that is itself an undecided transaction here is refused (BUSY), until
 * commit or abort decides it.
 */
public final class SlotHistory {
  private final SlotChanges changes;
  private final SlotTransactions transactions;
  private final int number;
  private final SlotDatabase db;
  private final SlotContext ctx;

  SlotHistory(SlotChanges changes, SlotTransactions transactions) {
    this.changes = changes;
    this.transactions = transactions;
    this.number = changes.number;
    this.db = changes.db;
    this.ctx = changes.ctx;
  }

  /** The highest version {@code path} ever had here, 0 if never written. */
  public long maxVersion(String path) {
    SlotDatabase.PathState ps = db.pathStateForWrite(path);
    return ps == null ? 0 : ps.maxVersion();
  }

  /**
   * Versions of every state after a blob id, in blob-id order; see {@link
   * SlotDatabase#versionsAfter}.
   */
  public List<BlobInfo> versionsAfter(String afterBlobId, int limit) {
    return db.versionsAfter(afterBlobId, limit).stream().map(VersionRow::toInfo).toList();
  }

  /**
   * Stores a committed version copied from a peer; see {@code ReplicaStore.importVersion}. The
   * bytes take the path of a put (inline, or chunk files behind a reclaim record); the row keeps
   * the peer's blob id, version, state, size, content type and time. Path holds do not stop it: it
   * copies history that was decided elsewhere, and a replica may have to catch up before it can
   * commit a prepared write.
   */
  public BlobInfo importVersion(BlobInfo info, InputStream in) {
    String path = info.path();
    String blobId = info.blobId().toString();
    changes.writeLock.lock();
    try {
      BlobInfo level = levelExisting(info);
      if (level != null) {
        return level;
      }
    } finally {
      changes.writeLock.unlock();
    }
    if (info.state() != VersionState.LIVE) {
      // Tombstoned versions and markers are metadata only: their bytes are never read again.
      return commitImport(info, 0, new byte[0], true, new byte[0], null);
    }
    if (info.size() > ctx.maxBlobSize()) {
      throw BlobStoreException.of(
          Reason.TOO_LARGE,
          "version "
              + info.version()
              + " of '"
              + path
              + "' has "
              + info.size()
              + " bytes, more than the maximum of "
              + ctx.maxBlobSize());
    }
    int threshold = ctx.inlineThreshold();
    byte[] head = new byte[threshold + 1];
    int n = SlotChanges.readHead(in, head, "import");
    if (n <= threshold) {
      if (n != info.size()) {
        throw wrongSize(info, n);
      }
      changes.files.requireSpace(n);
      return commitImport(
          info, 0, SlotChanges.inlineChecksums(head, n), true, Arrays.copyOf(head, n), null);
    }
    if (info.size() <= threshold) {
      throw wrongSize(info, n);
    }
    changes.recordReclaim(blobId);
    try {
      ChunkFiles.Written w;
      try {
        // At most the size the version has: one byte more is already wrong.
        w = changes.files.write(blobId, head, n, in, ctx.chunkSize(), info.size());
      } catch (BlobStoreException e) {
        throw e.reason() == Reason.TOO_LARGE ? wrongSize(info, info.size() + 1) : e;
      }
      if (w.size() != info.size()) {
        throw wrongSize(info, w.size());
      }
      return commitImport(
          info, w.chunkCount(), VersionRow.packChecksums(w.crcs()), false, null, blobId);
    } catch (RuntimeException e) {
      changes.discard(blobId);
      throw e;
    }
  }

  private static BlobStoreException wrongSize(BlobInfo info, long got) {
    return BlobStoreException.of(
        Reason.CORRUPT,
        "the bytes given for version "
            + info.version()
            + " of '"
            + info.path()
            + "' (blob "
            + info.blobId()
            + ") are "
            + (got > info.size() ? "more than" : got + " bytes, not")
            + " the "
            + info.size()
            + " bytes it has; nothing was stored");
  }

  /**
   * Inserts an imported version under the write lock, unless it arrived meanwhile; then its own
   * chunk files ({@code chunkedBlob}, if any) are deleted again and the version already held is
   * returned.
   */
  private BlobInfo commitImport(
      BlobInfo info,
      int chunkCount,
      byte[] checksums,
      boolean inline,
      byte[] data,
      String chunkedBlob) {
    BlobInfo level;
    changes.writeLock.lock();
    try {
      level = levelExisting(info);
      if (level == null) {
        VersionRow row = importRow(info, chunkCount, checksums, inline);
        changes.journaled(new JournalRecord.PutVersion(number, row, inline ? data : null), true);
        return row.toInfo();
      }
    } finally {
      changes.writeLock.unlock();
    }
    if (chunkedBlob != null) {
      changes.discard(chunkedBlob);
    }
    return level;
  }

  /**
   * Stores several committed versions copied from a peer, each small enough to be held inline (or
   * without bytes: tombstones and markers), with one journal flush for all; see {@code
   * ReplicaHistory.importVersions}. Every version it can import is imported; then the first
   * failure, if any, is thrown.
   */
  public List<BlobInfo> importSmall(List<BlobInfo> infos, List<byte[]> data) {
    List<BlobInfo> out = new ArrayList<>();
    List<JournalRecord> records = new ArrayList<>();
    List<VersionRow> rows = new ArrayList<>();
    RuntimeException first = null;
    changes.writeLock.lock();
    try {
      for (int i = 0; i < infos.size(); i++) {
        BlobInfo info = infos.get(i);
        boolean live = info.state() == VersionState.LIVE;
        // Tombstoned versions and markers are metadata only: their bytes are never read again.
        byte[] bytes = live ? data.get(i) : new byte[0];
        try {
          BlobInfo level = levelExisting(info);
          if (level != null) {
            out.add(level); // held already: its bytes are not needed
            continue;
          }
          if (live && bytes.length != info.size()) {
            throw wrongSize(info, bytes.length);
          }
          if (bytes.length > ctx.inlineThreshold()) {
            throw new IllegalArgumentException(
                "version " + info.version() + " of '" + info.path() + "' is not small");
          }
          changes.files.requireSpace(bytes.length);
          VersionRow row =
              importRow(
                  info,
                  0,
                  live ? SlotChanges.inlineChecksums(bytes, bytes.length) : new byte[0],
                  true);
          records.add(new JournalRecord.PutVersion(number, row, bytes));
          rows.add(row);
          out.add(row.toInfo());
        } catch (RuntimeException e) {
          if (first == null) {
            first = e;
          }
        }
      }
      changes.journaledAll(records);
    } finally {
      changes.writeLock.unlock();
    }
    if (first != null) {
      throw first;
    }
    return out;
  }

  /** The row of an imported version, with the peer's blob id, version, state, size and times. */
  private VersionRow importRow(BlobInfo info, int chunkCount, byte[] checksums, boolean inline) {
    int state =
        switch (info.state()) {
          case LIVE -> VersionRow.LIVE;
          case TOMBSTONED -> VersionRow.TOMBSTONED;
          case MARKER -> VersionRow.MARKER;
        };
    long created = info.lastModified().toEpochMilli();
    // A tombstone's retention runs from when this replica learnt of it: the peer's time is not
    // known.
    long changed = state == VersionRow.TOMBSTONED ? ctx.clock().millis() : created;
    return new VersionRow(
        info.path(),
        info.version(),
        info.blobId().toString(),
        state,
        info.size(),
        info.contentType(),
        created,
        changed,
        ctx.chunkSize(),
        chunkCount,
        checksums,
        inline,
        null);
  }

  /**
   * For an import: the version as held here, with its state brought level, if this slot has it
   * already; null if not. Fails with VERSION_CONFLICT when the version or the blob id is taken by
   * another, and with BUSY when the blob id is a transaction prepared here (commit or abort decides
   * it).
   */
  // @GuardedBy("writeLock")
  private BlobInfo levelExisting(BlobInfo info) {
    String path = info.path();
    long version = info.version();
    String blobId = info.blobId().toString();
    VersionRow row = db.versionForWrite(path, version);
    if (row != null) {
      if (!row.blobId().equals(blobId)) {
        throw BlobStoreException.of(
            Reason.VERSION_CONFLICT,
            "version "
                + version
                + " of '"
                + path
                + "' is blob "
                + row.blobId()
                + " here, not "
                + blobId);
      }
      if (info.state() == VersionState.TOMBSTONED && row.state() != VersionRow.TOMBSTONED) {
        changes.journaled(
            new JournalRecord.Tombstone(number, path, version, ctx.clock().millis()), true);
        row = db.versionForWrite(path, version);
      }
      return row.toInfo();
    }
    VersionRow other = db.versionByBlobId(blobId);
    if (other != null) {
      throw BlobStoreException.of(
          Reason.VERSION_CONFLICT,
          "blob "
              + blobId
              + " is version "
              + other.version()
              + " of '"
              + other.path()
              + "' here, not version "
              + version
              + " of '"
              + path
              + "'");
    }
    transactions.requireNotPending(blobId);
    return null;
  }
}
