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

import io.amberio.core.BlobContent;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.ByteRange;
import io.amberio.core.Compression;
import io.amberio.core.GcReport;
import io.amberio.core.PutOptions;
import io.amberio.core.SlotStats;
import io.amberio.core.internal.journal.Journal;
import io.amberio.core.internal.journal.JournalRecord;
import io.amberio.core.internal.meta.Catalog;
import io.amberio.core.internal.meta.LookupCache;
import io.amberio.core.internal.meta.SlotDatabase;
import io.amberio.core.internal.meta.SlotDatabase.Lookup;
import io.amberio.core.internal.row.VersionRow;
import io.amberio.core.replica.VersionChecksums;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One slot on disk: {@code meta.sqlite3} and {@code blobs/<blob_id>/chunks/<chunk_id>}.
 *
 * <p>Write path. Small blobs (up to the inline threshold) go into the version's row, so a write is
 * one SQLite commit. Larger ones: (1) a reclaim record for the new blob id is committed, (2) the
 * chunk files are written and fsynced with their directories, (3) one transaction checks the
 * version (compare-and-set), inserts the row and drops the reclaim record. The commit in (3) is the
 * moment the version becomes visible, all of it at once. A crash before it leaves a reclaim record
 * whose directory is deleted when the slot is next opened; a failure deletes the directory at once.
 *
 * <p>Read path. One query on the slot database's connection returns the row (and inline bytes);
 * chunk files are then read lazily by a {@link ChunkStream} that verifies every chunk before
 * returning any of its bytes.
 *
 * <p>This class holds the plain writes and reads, listing, statistics and garbage collection. The
 * slot's other duties have rooms of their own, sharing one {@link SlotChanges} (the write lock, the
 * journal, the fence after a failed apply): two-phase-commit transactions in {@link
 * SlotTransactions} (a plain write asks it whether a transaction holds its path, at its commit),
 * copying versions from a peer in {@link SlotHistory}.
 */
public final class Slot implements AutoCloseable, SlotManager.Managed {
  private static final Logger log = LoggerFactory.getLogger(Slot.class);

  private final int number;
  private final SlotDatabase db;
  private final ChunkFiles files;
  private final SlotContext ctx;
  private final SlotChanges changes;
  private final SlotTransactions transactions;
  private final SlotHistory history;

  private Slot(int number, SlotDatabase db, ChunkFiles files, SlotContext ctx) {
    this.number = number;
    this.db = db;
    this.files = files;
    this.ctx = ctx;
    this.changes = new SlotChanges(number, db, files, ctx);
    this.transactions = new SlotTransactions(changes);
    this.history = new SlotHistory(changes, transactions);
  }

  /** The two-phase-commit transactions of this slot. */
  public SlotTransactions transactions() {
    return transactions;
  }

  /** What this slot holds in blob-id order, and imports from peers. */
  public SlotHistory history() {
    return history;
  }

  /**
   * Opens the slot in {@code dir}, creating it when {@code create} is set. The caller then runs
   * {@link #reclaimOrphans()} once the journal has been replayed.
   *
   * @return the slot, or null if it does not exist and {@code create} is not set
   */
  public static Slot open(
      int number, Path dir, FileStore fileStore, boolean create, SlotContext ctx) {
    Path meta = dir.resolve("meta.sqlite3");
    Path blobs = dir.resolve("blobs");
    boolean isNew = !Files.exists(meta);
    if (isNew && !create) {
      return null;
    }
    try {
      Files.createDirectories(blobs);
    } catch (IOException e) {
      throw BlobStoreException.io("creating slot directory " + dir, e);
    }
    if (isNew) {
      SlotDatabase.create(meta, ctx.slotTemplate(dir.getParent()));
    }
    SlotDatabase db = SlotDatabase.open(meta, ctx.lookupCache(), ctx.catalog(), number);
    if (isNew) {
      try {
        // The new database file and the slot directory must survive a crash like the data they will
        // hold.
        ChunkFiles.fsyncDirectory(dir);
        ChunkFiles.fsyncDirectory(dir.getParent());
      } catch (IOException e) {
        db.close();
        throw BlobStoreException.io("creating slot directory " + dir, e);
      }
    }
    return new Slot(
        number,
        db,
        new ChunkFiles(blobs, fileStore, ctx.minFreeBytes(), ctx.compression(), ctx.chunkIo()),
        ctx);
  }

  /**
   * Deletes the directories of writes that never committed (after a crash or a failed delete). Run
   * it only when no write of this slot is in progress and the journal has been replayed.
   */
  public void reclaimOrphans() {
    for (String blobId : db.orphanedReclaims()) {
      try {
        files.deleteBlob(blobId);
        changes.journaled(new JournalRecord.RemoveReclaim(number, blobId), false);
        log.debug("slot {}: reclaimed uncommitted blob {}", number, blobId);
      } catch (IOException e) {
        log.warn("slot {}: could not reclaim blob {} yet: {}", number, blobId, e.toString());
      }
    }
  }

  public int number() {
    return number;
  }

  /** Writes a new version; see {@code BlobStore.put}. */
  public BlobInfo put(String path, InputStream in, PutOptions options) {
    transactions.requireNotHeld(
        path); // checked again at the commit; this only saves streaming bytes in vain
    int threshold = ctx.inlineThreshold();
    byte[] head = new byte[threshold + 1];
    int n = SlotChanges.readHead(in, head, "store");
    if (n > ctx.maxBlobSize()) {
      throw BlobStoreException.of(
          Reason.TOO_LARGE,
          "the blob is larger than the maximum of " + ctx.maxBlobSize() + " bytes");
    }
    String blobId = ctx.newBlobId();
    if (n <= threshold) {
      files.requireSpace(n);
      byte[] data = Arrays.copyOf(head, n);
      return commitVersion(
          path,
          blobId,
          VersionRow.LIVE,
          n,
          options,
          0,
          SlotChanges.inlineChecksums(head, n),
          true,
          data);
    }
    changes.recordReclaim(blobId);
    try {
      ChunkFiles.Written w = files.write(blobId, head, n, in, ctx.chunkSize(), ctx.maxBlobSize());
      return commitVersion(
          path,
          blobId,
          VersionRow.LIVE,
          w.size(),
          options,
          w.chunkCount(),
          VersionRow.packChecksums(w.crcs()),
          false,
          null);
    } catch (RuntimeException e) {
      changes.discard(blobId);
      throw e;
    }
  }

  /**
   * The linearization point of a write: under the slot's write lock, check the version
   * (compare-and-set), make the decided row durable in the journal, then apply it to the database.
   */
  private BlobInfo commitVersion(
      String path,
      String blobId,
      int state,
      long size,
      PutOptions options,
      int chunkCount,
      byte[] checksums,
      boolean inline,
      byte[] data) {
    changes.writeLock.lock();
    try {
      transactions.requireNotHeld(path);
      SlotDatabase.PathState ps = db.pathStateForWrite(path);
      if (ps == null && state == VersionRow.MARKER) {
        throw BlobStoreException.of(Reason.NOT_FOUND, "'" + path + "' was never written");
      }
      long max = ps == null ? 0 : ps.maxVersion();
      OptionalLong expected = options == null ? OptionalLong.empty() : options.expectedVersion();
      if (expected.isPresent() && expected.getAsLong() != max + 1) {
        throw BlobStoreException.versionConflict(path, expected.getAsLong(), max);
      }
      long now = ctx.clock().millis();
      VersionRow row =
          new VersionRow(
              path,
              max + 1,
              blobId,
              state,
              size,
              options == null ? null : options.contentType(),
              now,
              now,
              ctx.chunkSize(),
              chunkCount,
              checksums,
              inline,
              null);
      changes.journaled(new JournalRecord.PutVersion(number, row, data), true);
      return row.toInfo();
    } finally {
      changes.writeLock.unlock();
    }
  }

  /** Writes a delete marker; see {@code BlobStore.delete}. */
  public BlobInfo delete(String path) {
    return commitVersion(
        path, ctx.newBlobId(), VersionRow.MARKER, 0, null, 0, new byte[0], true, new byte[0]);
  }

  /** Tombstones one version; see {@code BlobStore.deleteVersion}. */
  public BlobInfo deleteVersion(String path, long version) {
    changes.writeLock.lock();
    try {
      transactions.requireNotHeld(path);
      SlotDatabase.PathState ps = db.pathStateForWrite(path);
      if (ps == null || version > ps.maxVersion()) {
        throw BlobStoreException.of(Reason.NOT_FOUND, "'" + path + "' has no version " + version);
      }
      VersionRow row = db.versionForWrite(path, version);
      if (row == null) {
        throw BlobStoreException.of(
            Reason.DELETED, "version " + version + " of '" + path + "' was garbage-collected");
      }
      if (row.state() != VersionRow.TOMBSTONED) {
        changes.journaled(
            new JournalRecord.Tombstone(number, path, version, ctx.clock().millis()), true);
        row = db.versionForWrite(path, version);
      }
      return row.toInfo();
    } finally {
      changes.writeLock.unlock();
    }
  }

  /** The live version asked for, or NOT_FOUND / DELETED. */
  public BlobInfo head(String path, OptionalLong version) {
    return live(path, version, false).toInfo();
  }

  /** The checksums of a live version; see {@code ReplicaHistory.checksums}. */
  public VersionChecksums checksums(String path, long version) {
    VersionRow row = live(path, OptionalLong.of(version), false);
    int n = row.inline() ? 1 : row.chunkCount();
    int[] crcs = new int[n];
    for (int i = 0; i < n; i++) {
      crcs[i] = row.checksum(i);
    }
    int chunk = row.inline() ? (int) Math.max(1, row.size()) : row.chunkSize();
    return new VersionChecksums(chunk, crcs);
  }

  /** Opens a live version for reading; see {@code BlobStore.get}. */
  public BlobContent get(String path, OptionalLong version, ByteRange range) {
    VersionRow row = live(path, version, true);
    ByteRange.Resolved r = range.resolve(row.size());
    BlobInfo info = row.toInfo();
    if (row.inline()) {
      return inlineContent(row, r);
    }
    ChunkStream stream =
        new ChunkStream(
            files.chunksDir(row.blobId()),
            row,
            r.offset(),
            r.length(),
            ctx.readBuffers(),
            () -> ctx.stillCommitted(number, row.blobId()));
    return new BlobContent(info, r, stream.open());
  }

  /** The bytes of an inline row, checked against their CRC32C, or CORRUPT. */
  public static BlobContent inlineContent(VersionRow row, ByteRange.Resolved r) {
    byte[] data = row.inlineData();
    CRC32C crc = new CRC32C();
    crc.update(data);
    if (data.length != row.size() || (int) crc.getValue() != row.checksum(0)) {
      throw BlobStoreException.of(
          Reason.CORRUPT,
          "version "
              + row.version()
              + " of '"
              + row.path()
              + "' (blob "
              + row.blobId()
              + ") is corrupt: its inline"
              + " bytes do not match their checksum");
    }
    return new BlobContent(
        row.toInfo(), r, new ByteArrayInputStream(data, (int) r.offset(), (int) r.length()));
  }

  /** Whether the version with this blob id is still committed. */
  public boolean hasBlob(String blobId) {
    return db.hasBlob(blobId);
  }

  private VersionRow live(String path, OptionalLong version, boolean withData) {
    return liveRow(db.find(path, version, withData), path, version);
  }

  /**
   * The live row of a lookup of {@code path} ({@code version}, or the current one when empty), or
   * NOT_FOUND / DELETED as a read of it answers.
   */
  public static VersionRow liveRow(Lookup found, String path, OptionalLong version) {
    if (found == null || (version.isPresent() && version.getAsLong() > found.path().maxVersion())) {
      throw BlobStoreException.of(
          Reason.NOT_FOUND,
          version.isPresent()
              ? "'" + path + "' has no version " + version.getAsLong()
              : "'" + path + "' was never written");
    }
    VersionRow row = found.row();
    if (row == null) {
      throw BlobStoreException.of(
          Reason.DELETED,
          version.isPresent()
              ? "version " + version.getAsLong() + " of '" + path + "' was garbage-collected"
              : "'" + path + "' has no current version (deleted)");
    }
    if (row.state() != VersionRow.LIVE) {
      throw BlobStoreException.of(
          Reason.DELETED,
          "version "
              + row.version()
              + " of '"
              + path
              + "' is "
              + (row.state() == VersionRow.MARKER ? "a delete marker" : "tombstoned"));
    }
    return row;
  }

  /** Hands every current version of this slot to the store's catalog (building it). */
  public void publishCurrent() {
    db.publishCurrent();
  }

  /** Current versions under a prefix after a path; see {@link SlotDatabase#listCurrent}. */
  public List<VersionRow> listCurrent(String prefix, String upper, String after, int limit) {
    return db.listCurrent(prefix, upper, after, limit);
  }

  /** Every version under a prefix after a position; see {@link SlotDatabase#listVersions}. */
  public List<VersionRow> listVersions(
      String prefix, String upper, String afterPath, long afterVersion, int limit) {
    return db.listVersions(prefix, upper, afterPath, afterVersion, limit);
  }

  /** Counts of this slot. */
  public SlotStats stats() {
    long[] s = db.stats();
    return new SlotStats(number, s[0], s[1], s[2]);
  }

  /** Removes what has passed retention, metadata first, then bytes. */
  public GcReport collectGarbage(long cutoff) {
    List<JournalRecord.Removed> removed = new ArrayList<>();
    long bytes = 0;
    changes.writeLock.lock();
    try {
      for (VersionRow r : db.expired(cutoff)) {
        boolean chunked = !r.inline() && r.chunkCount() > 0;
        removed.add(new JournalRecord.Removed(r.path(), r.version(), r.blobId(), chunked));
        bytes += r.size();
      }
      if (removed.isEmpty()) {
        return new GcReport(0, 0);
      }
      changes.journaled(new JournalRecord.Collect(number, removed, ctx.clock().millis()), true);
    } finally {
      changes.writeLock.unlock();
    }
    for (JournalRecord.Removed x : removed) {
      if (x.chunked()) {
        changes.discard(x.blobId());
      }
    }
    return new GcReport(removed.size(), bytes);
  }

  /** Makes this slot's database durable; see {@link SlotDatabase#sync()}. */
  public void sync() {
    db.sync();
  }

  /** Applies a replayed journal record. */
  public void replay(JournalRecord record) {
    db.apply(record);
    transactions.replayed(record);
  }

  /** Makes the database durable and closes it. */
  @Override
  public void close() {
    try {
      if (!changes.fenced()) {
        db.sync();
      }
    } finally {
      db.close();
    }
  }

  /** What a slot needs from its store. */
  public interface SlotContext {
    InstantSource clock();

    int inlineThreshold();

    int chunkSize();

    long maxBlobSize();

    long minFreeBytes();

    ReadBuffers readBuffers();

    /** The store's helper threads for chunk I/O: syncing chunk files (see {@link ChunkIo}). */
    ChunkIo chunkIo();

    /** The store's read cache (possibly {@link LookupCache#DISABLED}). */
    LookupCache lookupCache();

    /** The store's listing catalog, or null when it has none. */
    Catalog catalog();

    /** How new chunk files are compressed; reads take chunk files of any compression. */
    Compression compression();

    String newBlobId();

    /** The journal of the disk that holds slot {@code slot}. */
    Journal journal(int slot);

    /**
     * The bytes of a new slot database (see {@link SlotDatabase#template}), built once, in {@code
     * slotsDir} on first use.
     */
    byte[] slotTemplate(Path slotsDir);

    /**
     * Whether blob {@code blobId} of slot {@code slot} is still committed (for reads racing a
     * delete).
     */
    boolean stillCommitted(int slot, String blobId);
  }
}
