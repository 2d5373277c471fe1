package io.amberio.core.internal.slot;

import io.amberio.core.BlobContent;
import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.ByteRange;
import io.amberio.core.GcReport;
import io.amberio.core.PutOptions;
import io.amberio.core.replica.PrepareSpec;
import io.amberio.core.replica.PreparedTxn;
import io.amberio.core.replica.TxnKind;
import io.amberio.core.SlotStats;
import io.amberio.core.VersionState;
import io.amberio.core.internal.journal.Journal;
import io.amberio.core.internal.journal.JournalRecord;
import io.amberio.core.internal.row.PreparedRow;
import io.amberio.core.internal.meta.SlotDatabase;
import io.amberio.core.internal.meta.SlotDatabase.Lookup;
import io.amberio.core.internal.row.VersionRow;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One slot on disk: {@code meta.sqlite3} and {@code blobs/<blob_id>/chunks/<chunk_id>}.
 *
 * <p>Write path. Small blobs (up to the inline threshold) go into the version's row, so a write is one
 * SQLite commit. Larger ones: (1) a reclaim record for the new blob id is committed, (2) the chunk files are
 * written and fsynced with their directories, (3) one transaction checks the version (compare-and-set),
 * inserts the row and drops the reclaim record. The commit in (3) is the moment the version becomes visible,
 * all of it at once. A crash before it leaves a reclaim record whose directory is deleted when the slot is
 * next opened; a failure deletes the directory at once.
 *
 * <p>Read path. One query on the reader connection returns the row (and inline bytes); chunk files are then
 * read lazily by a {@link ChunkStream} that verifies every chunk before returning any of its bytes.
 *
 * <p>Two-phase commit ({@code ReplicaStore}). A prepared write takes a <em>hold</em> on its path (one per
 * path, never waited for) and receives its bytes like a put, through a {@link PendingWrite}: small ones stay
 * in memory and go into the prepared row, larger ones become chunk files of {@code blobs/<txn>/} behind a
 * reclaim record. {@code finish} journals a Prepare record: from then on the transaction survives a crash,
 * its reclaim record is not swept (the sweep skips blobs with a prepared row), and garbage collection leaves
 * its path alone. Commit turns the prepared row into a version row (or a tombstone) in one record; abort
 * drops the row and then the bytes. Plain writes of a held path fail with BUSY at their commit, so a
 * replica's vote (the path's highest version, read when the transaction is prepared) stays true until the
 * transaction is decided. Holds live in memory; durable ones are rebuilt from the {@code prepared} table
 * when the slot opens and after a journal replay touched it.
 */
public final class Slot implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Slot.class);

  private final int number;
  private final SlotDatabase db;
  private final ChunkFiles files;
  private final SlotContext ctx;
  private final java.util.concurrent.locks.ReentrantLock writeLock = new java.util.concurrent.locks.ReentrantLock();
  // Set when a journaled change could not be applied: the slot then refuses writes until reopened.
  private volatile RuntimeException failed;

  /** A path held by a transaction: {@code write} while it receives bytes, null once durably prepared. */
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

  // Lock order: writeLock, then holdLock; the database's own lock is taken under either.
  private final Object holdLock = new Object();
  // @GuardedBy("holdLock")
  private final Map<String, Hold> holdsByPath = new HashMap<>();
  // @GuardedBy("holdLock")
  private final Map<String, Hold> holdsByTxn = new HashMap<>();
  // @GuardedBy("holdLock"): the durable holds must be (re)read from the prepared table before use; set at
  // open and by a replay, which may apply records the table already reflects (so it, not the records, tells)
  private boolean holdsStale = true;

  private Slot(int number, SlotDatabase db, ChunkFiles files, SlotContext ctx) {
    this.number = number;
    this.db = db;
    this.files = files;
    this.ctx = ctx;
  }

  /**
   * Opens the slot in {@code dir}, creating it when {@code create} is set. The caller then runs
   * {@link #reclaimOrphans()} once the journal has been replayed.
   *
   * @return the slot, or null if it does not exist and {@code create} is not set
   */
  public static Slot open(int number, Path dir, FileStore fileStore, boolean create, SlotContext ctx) {
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
    SlotDatabase db = SlotDatabase.open(meta);
    if (isNew) {
      try {
        // The new database file and the slot directory must survive a crash like the data they will hold.
        ChunkFiles.fsyncDirectory(dir);
        ChunkFiles.fsyncDirectory(dir.getParent());
      } catch (IOException e) {
        db.close();
        throw BlobStoreException.io("creating slot directory " + dir, e);
      }
    }
    return new Slot(number, db, new ChunkFiles(blobs, fileStore, ctx.minFreeBytes()), ctx);
  }

  /**
   * Deletes the directories of writes that never committed (after a crash or a failed delete). Run it only
   * when no write of this slot is in progress and the journal has been replayed.
   */
  public void reclaimOrphans() {
    for (String blobId : db.orphanedReclaims()) {
      try {
        files.deleteBlob(blobId);
        journaled(new JournalRecord.RemoveReclaim(number, blobId), false);
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
    requireNotHeld(path); // checked again at the commit; this only saves streaming bytes in vain
    int threshold = ctx.inlineThreshold();
    byte[] head = new byte[threshold + 1];
    int n = readHead(in, head, "store");
    if (n > ctx.maxBlobSize()) {
      throw BlobStoreException.of(Reason.TOO_LARGE, "the blob is larger than the maximum of " + ctx.maxBlobSize() + " bytes");
    }
    String blobId = ctx.newBlobId();
    if (n <= threshold) {
      files.requireSpace(n);
      byte[] data = java.util.Arrays.copyOf(head, n);
      return commitVersion(path, blobId, VersionRow.LIVE, n, options, 0, inlineChecksums(head, n), true, data);
    }
    recordReclaim(blobId);
    try {
      ChunkFiles.Written w = files.write(blobId, head, n, in, ctx.chunkSize(), ctx.maxBlobSize());
      return commitVersion(path, blobId, VersionRow.LIVE, w.size(), options, w.chunkCount(),
          VersionRow.packChecksums(w.crcs()), false, null);
    } catch (RuntimeException e) {
      discard(blobId);
      throw e;
    }
  }

  /**
   * The linearization point of a write: under the slot's write lock, check the version (compare-and-set),
   * make the decided row durable in the journal, then apply it to the database.
   */
  private BlobInfo commitVersion(String path, String blobId, int state, long size, PutOptions options,
      int chunkCount, byte[] checksums, boolean inline, byte[] data) {
    writeLock.lock();
    try {
      requireNotHeld(path);
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
      VersionRow row = new VersionRow(path, max + 1, blobId, state, size,
          options == null ? null : options.contentType(), now, now, ctx.chunkSize(), chunkCount, checksums, inline, null);
      journaled(new JournalRecord.PutVersion(number, row, data), true);
      return row.toInfo();
    } finally {
      writeLock.unlock();
    }
  }

  /** Appends a record to the journal, then applies it; a failed apply fences the slot (see {@link #failed}). */
  private void journaled(JournalRecord record, boolean sync) {
    if (failed != null) {
      throw BlobStoreException.of(Reason.IO_ERROR,
          "slot " + number + " stopped taking writes after an earlier failure; reopen the store", failed);
    }
    Journal journal = ctx.journal(number);
    Journal.Ticket ticket = journal.append(record, sync);
    try {
      db.apply(record);
    } catch (RuntimeException e) {
      // The record is durable but not applied: numbering from the database would now be wrong. Only a
      // replay (reopening the store) can bring the database level, so refuse writes until then.
      failed = e;
      throw e;
    } finally {
      journal.applied(ticket);
    }
  }

  private void discard(String blobId) {
    try {
      files.deleteBlob(blobId);
      writeLock.lock();
      try {
        journaled(new JournalRecord.RemoveReclaim(number, blobId), false);
      } finally {
        writeLock.unlock();
      }
    } catch (IOException | RuntimeException e) {
      log.warn("slot {}: could not delete the bytes of blob {} yet; they are reclaimed on next open: {}",
          number, blobId, e.toString());
    }
  }

  /**
   * Reads the first {@code head.length} bytes of a put or an import (the inline threshold plus one: enough to
   * tell an inline blob from a chunked one); returns how many there were. {@code what} names the operation
   * in the INPUT_FAILED message ("reading the data to store failed: ...").
   */
  private static int readHead(InputStream in, byte[] head, String what) {
    try {
      return in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw BlobStoreException.of(Reason.INPUT_FAILED, "reading the data to " + what + " failed: " + e.getMessage(), e);
    }
  }

  /** The {@code checksums} of an inline blob, {@code data[0, length)}: one CRC32C, as if it were one chunk. */
  static byte[] inlineChecksums(byte[] data, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, 0, length);
    return VersionRow.packChecksums(new int[] {(int) crc.getValue()});
  }

  /** Writes a delete marker; see {@code BlobStore.delete}. */
  public BlobInfo delete(String path) {
    return commitVersion(path, ctx.newBlobId(), VersionRow.MARKER, 0, null, 0, new byte[0], true, new byte[0]);
  }

  /** Tombstones one version; see {@code BlobStore.deleteVersion}. */
  public BlobInfo deleteVersion(String path, long version) {
    writeLock.lock();
    try {
      requireNotHeld(path);
      SlotDatabase.PathState ps = db.pathStateForWrite(path);
      if (ps == null || version > ps.maxVersion()) {
        throw BlobStoreException.of(Reason.NOT_FOUND, "'" + path + "' has no version " + version);
      }
      VersionRow row = db.versionForWrite(path, version);
      if (row == null) {
        throw BlobStoreException.of(Reason.DELETED, "version " + version + " of '" + path + "' was garbage-collected");
      }
      if (row.state() != VersionRow.TOMBSTONED) {
        journaled(new JournalRecord.Tombstone(number, path, version, ctx.clock().millis()), true);
        row = db.versionForWrite(path, version);
      }
      return row.toInfo();
    } finally {
      writeLock.unlock();
    }
  }

  /** The live version asked for, or NOT_FOUND / DELETED. */
  public BlobInfo head(String path, OptionalLong version) {
    return live(path, version, false).toInfo();
  }

  /** Opens a live version for reading; see {@code BlobStore.get}. */
  public BlobContent get(String path, OptionalLong version, ByteRange range) {
    VersionRow row = live(path, version, true);
    ByteRange.Resolved r = range.resolve(row.size());
    BlobInfo info = row.toInfo();
    if (row.inline()) {
      byte[] data = row.inlineData();
      CRC32C crc = new CRC32C();
      crc.update(data);
      if (data.length != row.size() || (int) crc.getValue() != row.checksum(0)) {
        throw BlobStoreException.of(Reason.CORRUPT,
            "version " + row.version() + " of '" + path + "' (blob " + row.blobId() + ") is corrupt: its inline"
                + " bytes do not match their checksum");
      }
      return new BlobContent(info, r, new ByteArrayInputStream(data, (int) r.offset(), (int) r.length()));
    }
    ChunkStream stream = new ChunkStream(files.chunksDir(row.blobId()), row, r.offset(), r.length(),
        ctx.readBuffers(), () -> ctx.stillCommitted(number, row.blobId()));
    return new BlobContent(info, r, stream.open());
  }

  // ------------------------------------------------------------------ two-phase commit

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
  private void requireNotHeld(String path) {
    synchronized (holdLock) {
      loadHolds();
      Hold h = holdsByPath.get(path);
      if (h != null) {
        throw busy(path, h.txn);
      }
    }
  }

  private static BlobStoreException busy(String path, String txn) {
    return BlobStoreException.of(Reason.BUSY,
        "'" + path + "' is held by transaction " + txn + ", which is not decided yet; nothing was written, retry later");
  }

  /** The transactions holding a path here, prepared or still receiving bytes. */
  public List<String> heldTxns() {
    synchronized (holdLock) {
      loadHolds();
      return List.copyOf(holdsByTxn.keySet());
    }
  }

  /** Whether this slot knows {@code txn}: undecided, the blob id of a version, or a committed tombstone. */
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
   * Starts a prepared write: takes the path's hold without waiting. {@code done} is called once, when the
   * write has finished (true) or was abandoned (false).
   *
   * @throws BlobStoreException BUSY if a transaction holds the path
   * @throws IllegalArgumentException if this slot knows the transaction id already
   */
  public PendingWrite prepare(PrepareSpec spec, PendingWrite.Done done) {
    String txn = spec.txn().toString();
    synchronized (holdLock) {
      loadHolds();
      if (holdsByTxn.containsKey(txn) || db.knowsTxn(txn)) {
        throw new IllegalArgumentException("transaction " + txn + " is already known to slot " + number
            + " (prepared, or committed)");
      }
      Hold held = holdsByPath.get(spec.path());
      if (held != null) {
        throw busy(spec.path(), held.txn);
      }
      PendingWrite w = new PendingWrite(this, spec, ctx.chunkSize(), ctx.inlineThreshold(), ctx.maxBlobSize(), done);
      Hold h = new Hold(txn, spec.path(), w);
      holdsByPath.put(spec.path(), h);
      holdsByTxn.put(txn, h);
      return w;
    }
  }

  /**
   * Makes the reclaim record of a blob's chunk files durable; called before they are created (by a put, an
   * import, or a prepared write), so a crash in between leaves nothing the sweep on open cannot find.
   */
  void recordReclaim(String blobId) {
    writeLock.lock();
    try {
      journaled(new JournalRecord.AddReclaim(number, blobId, ctx.clock().millis()), true);
    } finally {
      writeLock.unlock();
    }
  }

  ChunkFiles files() {
    return files;
  }

  /**
   * Makes a write durably prepared: checks what it needs (a marker: the path exists; a tombstone: the version
   * exists and is not collected), reads the vote (the path's highest version) and journals the Prepare
   * record, all under the write lock, so no version slips in between.
   */
  PreparedTxn completePrepare(PrepareSpec spec, long size, int chunkSize, int chunkCount, byte[] checksums,
      boolean inline, byte[] data) {
    String path = spec.path();
    String txn = spec.txn().toString();
    writeLock.lock();
    try {
      SlotDatabase.PathState ps = db.pathStateForWrite(path);
      long max = ps == null ? 0 : ps.maxVersion();
      if (spec.kind() == TxnKind.MARKER && ps == null) {
        throw BlobStoreException.of(Reason.NOT_FOUND, "'" + path + "' was never written");
      }
      if (spec.kind() == TxnKind.TOMBSTONE) {
        long v = spec.tombstoneVersion();
        if (v > max) {
          throw BlobStoreException.of(Reason.NOT_FOUND, "'" + path + "' has no version " + v);
        }
        if (db.versionForWrite(path, v) == null) {
          throw BlobStoreException.of(Reason.DELETED, "version " + v + " of '" + path + "' was garbage-collected");
        }
      }
      PreparedRow row = new PreparedRow(txn, path, kindCode(spec.kind()), spec.tombstoneVersion(), spec.contentType(),
          spec.createdAtMillis(), spec.context(), max, size, chunkSize, chunkCount, checksums, inline, null,
          ctx.clock().millis());
      journaled(new JournalRecord.Prepare(number, row, inline ? data : null), true);
      synchronized (holdLock) {
        Hold h = holdsByTxn.get(txn);
        if (h != null) {
          h.write = null;
        }
      }
      return toTxn(row);
    } finally {
      writeLock.unlock();
    }
  }

  /** Drops what an abandoned prepared write left: its bytes (when it had chunk files) and its hold. */
  void dropPending(String txn, boolean chunked) {
    try {
      if (chunked) {
        discardUnlessFenced(txn);
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

  // After a failed apply the slot is fenced and its journal may hold a record naming these bytes (a
  // Prepare that is durable but not applied): leave them to the reclaim sweep after the replay on reopen.
  private void discardUnlessFenced(String blobId) {
    if (failed != null) {
      log.warn("slot {}: keeping the bytes of blob {} until the slot is reopened", number, blobId);
      return;
    }
    discard(blobId);
  }

  /**
   * Commits a prepared transaction; see {@code ReplicaStore.commitPrepared}.
   *
   * @throws BlobStoreException NOT_FOUND if the slot knows no such transaction (or it is still receiving
   *     bytes), VERSION_CONFLICT if {@code version} is not the path's highest version plus one
   */
  public BlobInfo commitPrepared(String txn, long version) {
    VersionRow result;
    writeLock.lock();
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
        throw BlobStoreException.of(Reason.NOT_FOUND, receiving
            ? "transaction " + txn + " is not prepared yet: its write has not finished"
            : "no transaction " + txn + " is prepared here (never prepared, or aborted)");
      }
      if (p.kind() == PreparedRow.TXN_TOMBSTONE) {
        long v = p.tombstoneVersion();
        if (db.versionForWrite(p.path(), v) == null) {
          // Collection skips held paths, so only damage behind the store's back gets here.
          throw BlobStoreException.of(Reason.DELETED,
              "version " + v + " of '" + p.path() + "' is gone; transaction " + txn + " cannot tombstone it");
        }
        journaled(new JournalRecord.CommitTombstone(number, txn, p.path(), v, p.createdAt()), true);
        result = db.versionForWrite(p.path(), v);
      } else {
        SlotDatabase.PathState ps = db.pathStateForWrite(p.path());
        long max = ps == null ? 0 : ps.maxVersion();
        if (version != max + 1) {
          throw BlobStoreException.versionConflict(p.path(), version, max);
        }
        boolean put = p.kind() == PreparedRow.TXN_PUT;
        String contentType = !put ? null : p.contentType() == null ? PutOptions.DEFAULT_CONTENT_TYPE : p.contentType();
        result = new VersionRow(p.path(), version, txn, put ? VersionRow.LIVE : VersionRow.MARKER, p.size(),
            contentType, p.createdAt(), p.createdAt(), p.chunkSize(), p.chunkCount(), p.checksums(), p.inline(), null);
        journaled(new JournalRecord.CommitPrepared(number, result, p.inline() ? p.inlineData() : null), true);
      }
      releaseHold(txn);
    } finally {
      writeLock.unlock();
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
   * Aborts a transaction, prepared or still receiving bytes; see {@code ReplicaStore.abortPrepared}.
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
    if (receiving != null && receiving.abortFromOutside(
        BlobStoreException.of(Reason.NOT_FOUND, "transaction " + txn + " was aborted"))) {
      return true;
    }
    PreparedRow p;
    writeLock.lock();
    try {
      p = db.prepared(txn, false);
      if (p == null) {
        if (committed(txn) != null) {
          throw new IllegalStateException("transaction " + txn + " is committed; it cannot be aborted");
        }
        return false;
      }
      journaled(new JournalRecord.AbortPrepared(number, txn), true);
      releaseHold(txn);
    } finally {
      writeLock.unlock();
    }
    if (p.chunked()) {
      discard(txn);
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

  /** The highest version {@code path} ever had here, 0 if never written. */
  public long maxVersion(String path) {
    SlotDatabase.PathState ps = db.pathStateForWrite(path);
    return ps == null ? 0 : ps.maxVersion();
  }

  /** Versions of every state after a blob id, in blob-id order; see {@link SlotDatabase#versionsAfter}. */
  public List<BlobInfo> versionsAfter(String afterBlobId, int limit) {
    return db.versionsAfter(afterBlobId, limit).stream().map(VersionRow::toInfo).toList();
  }

  private PreparedTxn toTxn(PreparedRow r) {
    TxnKind kind = switch (r.kind()) {
      case PreparedRow.TXN_PUT -> TxnKind.PUT;
      case PreparedRow.TXN_MARKER -> TxnKind.MARKER;
      case PreparedRow.TXN_TOMBSTONE -> TxnKind.TOMBSTONE;
      default -> throw new IllegalStateException("unknown transaction kind " + r.kind() + " of " + r.txn());
    };
    PrepareSpec spec = new PrepareSpec(BlobId.parse(r.txn()), r.path(), kind, r.tombstoneVersion(), r.contentType(),
        r.createdAt(), r.context());
    return new PreparedTxn(number, spec, r.size(), r.maxVersion());
  }

  private static int kindCode(TxnKind kind) {
    return switch (kind) {
      case PUT -> PreparedRow.TXN_PUT;
      case MARKER -> PreparedRow.TXN_MARKER;
      case TOMBSTONE -> PreparedRow.TXN_TOMBSTONE;
    };
  }

  // ------------------------------------------------------------------ copying from a peer

  /**
   * Stores a committed version copied from a peer; see {@code ReplicaStore.importVersion}. The bytes take
   * the path of a put (inline, or chunk files behind a reclaim record); the row keeps the peer's blob id,
   * version, state, size, content type and time. Path holds do not stop it: it copies history that was
   * decided elsewhere, and a replica may have to catch up before it can commit a prepared write.
   */
  public BlobInfo importVersion(BlobInfo info, InputStream in) {
    String path = info.path();
    String blobId = info.blobId().toString();
    writeLock.lock();
    try {
      BlobInfo level = levelExisting(info);
      if (level != null) {
        return level;
      }
    } finally {
      writeLock.unlock();
    }
    if (info.state() != VersionState.LIVE) {
      // Tombstoned versions and markers are metadata only: their bytes are never read again.
      return commitImport(info, 0, new byte[0], true, new byte[0], null);
    }
    if (info.size() > ctx.maxBlobSize()) {
      throw BlobStoreException.of(Reason.TOO_LARGE, "version " + info.version() + " of '" + path + "' has "
          + info.size() + " bytes, more than the maximum of " + ctx.maxBlobSize());
    }
    int threshold = ctx.inlineThreshold();
    byte[] head = new byte[threshold + 1];
    int n = readHead(in, head, "import");
    if (n <= threshold) {
      if (n != info.size()) {
        throw wrongSize(info, n);
      }
      files.requireSpace(n);
      return commitImport(info, 0, inlineChecksums(head, n), true, java.util.Arrays.copyOf(head, n), null);
    }
    if (info.size() <= threshold) {
      throw wrongSize(info, n);
    }
    recordReclaim(blobId);
    try {
      ChunkFiles.Written w;
      try {
        // At most the size the version has: one byte more is already wrong.
        w = files.write(blobId, head, n, in, ctx.chunkSize(), info.size());
      } catch (BlobStoreException e) {
        throw e.reason() == Reason.TOO_LARGE ? wrongSize(info, info.size() + 1) : e;
      }
      if (w.size() != info.size()) {
        throw wrongSize(info, w.size());
      }
      return commitImport(info, w.chunkCount(), VersionRow.packChecksums(w.crcs()), false, null, blobId);
    } catch (RuntimeException e) {
      discard(blobId);
      throw e;
    }
  }

  private static BlobStoreException wrongSize(BlobInfo info, long got) {
    return BlobStoreException.of(Reason.CORRUPT, "the bytes given for version " + info.version() + " of '"
        + info.path() + "' (blob " + info.blobId() + ") are " + (got > info.size() ? "more than" : got + " bytes, not")
        + " the " + info.size() + " bytes it has; nothing was stored");
  }

  /**
   * Inserts an imported version under the write lock, unless it arrived meanwhile; then its own chunk files
   * ({@code chunkedBlob}, if any) are deleted again and the version already held is returned.
   */
  private BlobInfo commitImport(BlobInfo info, int chunkCount, byte[] checksums, boolean inline, byte[] data,
      String chunkedBlob) {
    BlobInfo level;
    writeLock.lock();
    try {
      level = levelExisting(info);
      if (level == null) {
        int state = switch (info.state()) {
          case LIVE -> VersionRow.LIVE;
          case TOMBSTONED -> VersionRow.TOMBSTONED;
          case MARKER -> VersionRow.MARKER;
        };
        long created = info.lastModified().toEpochMilli();
        // A tombstone's retention runs from when this replica learnt of it: the peer's time is not known.
        long changed = state == VersionRow.TOMBSTONED ? ctx.clock().millis() : created;
        VersionRow row = new VersionRow(info.path(), info.version(), info.blobId().toString(), state, info.size(),
            info.contentType(), created, changed, ctx.chunkSize(), chunkCount, checksums, inline, null);
        journaled(new JournalRecord.PutVersion(number, row, inline ? data : null), true);
        return row.toInfo();
      }
    } finally {
      writeLock.unlock();
    }
    if (chunkedBlob != null) {
      discard(chunkedBlob);
    }
    return level;
  }

  /**
   * For an import: the version as held here, with its state brought level, if this slot has it already;
   * null if not. Fails with VERSION_CONFLICT when the version or the blob id is taken by another, and with
   * BUSY when the blob id is a transaction prepared here (commit or abort decides it).
   */
  // @GuardedBy("writeLock")
  private BlobInfo levelExisting(BlobInfo info) {
    String path = info.path();
    long version = info.version();
    String blobId = info.blobId().toString();
    VersionRow row = db.versionForWrite(path, version);
    if (row != null) {
      if (!row.blobId().equals(blobId)) {
        throw BlobStoreException.of(Reason.VERSION_CONFLICT, "version " + version + " of '" + path + "' is blob "
            + row.blobId() + " here, not " + blobId);
      }
      if (info.state() == VersionState.TOMBSTONED && row.state() != VersionRow.TOMBSTONED) {
        journaled(new JournalRecord.Tombstone(number, path, version, ctx.clock().millis()), true);
        row = db.versionForWrite(path, version);
      }
      return row.toInfo();
    }
    VersionRow other = db.versionByBlobId(blobId);
    if (other != null) {
      throw BlobStoreException.of(Reason.VERSION_CONFLICT, "blob " + blobId + " is version " + other.version()
          + " of '" + other.path() + "' here, not version " + version + " of '" + path + "'");
    }
    synchronized (holdLock) {
      loadHolds();
      if (holdsByTxn.containsKey(blobId) || db.prepared(blobId, false) != null) {
        throw BlobStoreException.of(Reason.BUSY, "blob " + blobId + " is a transaction prepared here and not"
            + " decided yet; commit or abort it");
      }
    }
    return null;
  }

  /** Whether the version with this blob id is still committed. */
  public boolean hasBlob(String blobId) {
    return db.hasBlob(blobId);
  }

  private VersionRow live(String path, OptionalLong version, boolean withData) {
    Lookup found = db.find(path, version, withData);
    if (found == null || (version.isPresent() && version.getAsLong() > found.path().maxVersion())) {
      throw BlobStoreException.of(Reason.NOT_FOUND,
          version.isPresent() ? "'" + path + "' has no version " + version.getAsLong() : "'" + path + "' was never written");
    }
    VersionRow row = found.row();
    if (row == null) {
      throw BlobStoreException.of(Reason.DELETED, version.isPresent()
          ? "version " + version.getAsLong() + " of '" + path + "' was garbage-collected"
          : "'" + path + "' has no current version (deleted)");
    }
    if (row.state() != VersionRow.LIVE) {
      throw BlobStoreException.of(Reason.DELETED, "version " + row.version() + " of '" + path + "' is "
          + (row.state() == VersionRow.MARKER ? "a delete marker" : "tombstoned"));
    }
    return row;
  }

  /** Current versions under a prefix after a path; see {@link SlotDatabase#listCurrent}. */
  public List<VersionRow> listCurrent(String prefix, String upper, String after, int limit) {
    return db.listCurrent(prefix, upper, after, limit);
  }

  /** Every version under a prefix after a position; see {@link SlotDatabase#listVersions}. */
  public List<VersionRow> listVersions(String prefix, String upper, String afterPath, long afterVersion, int limit) {
    return db.listVersions(prefix, upper, afterPath, afterVersion, limit);
  }

  /** Counts of this slot. */
  public SlotStats stats() {
    long[] s = db.stats();
    return new SlotStats(number, s[0], s[1], s[2]);
  }

  /** Removes what has passed retention, metadata first, then bytes. */
  public GcReport collectGarbage(long cutoff) {
    List<JournalRecord.Removed> removed = new java.util.ArrayList<>();
    long bytes = 0;
    writeLock.lock();
    try {
      for (VersionRow r : db.expired(cutoff)) {
        boolean chunked = !r.inline() && r.chunkCount() > 0;
        removed.add(new JournalRecord.Removed(r.path(), r.version(), r.blobId(), chunked));
        bytes += r.size();
      }
      if (removed.isEmpty()) {
        return new GcReport(0, 0);
      }
      journaled(new JournalRecord.Collect(number, removed, ctx.clock().millis()), true);
    } finally {
      writeLock.unlock();
    }
    for (JournalRecord.Removed x : removed) {
      if (x.chunked()) {
        discard(x.blobId());
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
    if (record instanceof JournalRecord.Prepare || record instanceof JournalRecord.CommitPrepared
        || record instanceof JournalRecord.CommitTombstone || record instanceof JournalRecord.AbortPrepared) {
      synchronized (holdLock) {
        holdsStale = true;
      }
    }
  }

  /** Makes the database durable and closes it. */
  @Override
  public void close() {
    try {
      if (failed == null) {
        db.sync();
      }
    } finally {
      db.close();
    }
  }

  /** What a slot needs from its store. */
  public interface SlotContext {
    java.time.InstantSource clock();

    int inlineThreshold();

    int chunkSize();

    long maxBlobSize();

    long minFreeBytes();

    ReadBuffers readBuffers();

    String newBlobId();

    /** The journal of the disk that holds slot {@code slot}. */
    Journal journal(int slot);

    /** Whether blob {@code blobId} of slot {@code slot} is still committed (for reads racing a delete). */
    boolean stillCommitted(int slot, String blobId);
  }
}
