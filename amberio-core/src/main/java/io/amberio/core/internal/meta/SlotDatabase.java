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
package io.amberio.core.internal.meta;

import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.internal.journal.JournalRecord;
import io.amberio.core.internal.row.PreparedRow;
import io.amberio.core.internal.row.VersionRow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The metadata of one slot: a SQLite database in WAL mode behind one connection and one lock. (A
 * second connection for readers would let reads skip the writer's lock, but each SQLite connection
 * costs about 170 KiB of native memory, and a busy node keeps every slot open: one connection per
 * slot halves that.) Every method is one transaction; callers never see a connection.
 *
 * <p>Changes arrive as {@link JournalRecord}s that the store's journal has already made durable, so
 * commits run with {@code synchronous=NORMAL} and {@link #sync()} makes them durable here when the
 * journal wants to reuse its space.
 */
public final class SlotDatabase implements AutoCloseable {
  private static final String ROW_COLUMNS =
      "b.path, b.version, b.blob_id, b.state, b.size, b.content_type, b.created_at, b.state_changed_at,"
          + " b.chunk_size, b.chunk_count, b.checksums, b.inline_data IS NOT NULL";

  private final String where;
  private final Path walFile;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final ReentrantLock readLock = writeLock;
  // @GuardedBy("writeLock")
  private final Connection writer;
  // Whether a write may have reached the WAL since the last sync (the migration on open counts).
  // @GuardedBy("writeLock")
  private boolean unsynced = true;
  private final Connection reader;
  private final LookupCache cache;
  private final Catalog catalog; // null: no catalog
  private final int slot;

  private SlotDatabase(
      Path file,
      Connection writer,
      Connection reader,
      LookupCache cache,
      Catalog catalog,
      int slot) {
    this.where = file.toString();
    this.walFile = file.resolveSibling(file.getFileName() + "-wal");
    this.writer = writer;
    this.reader = reader;
    this.cache = cache;
    this.catalog = catalog;
    this.slot = slot;
  }

  /**
   * Opens (creating if absent) and migrates the database at {@code file}, without a cache or a
   * catalog.
   */
  public static SlotDatabase open(Path file) {
    return open(file, LookupCache.DISABLED, null, 0);
  }

  /**
   * Opens (creating if absent) and migrates the database at {@code file}, the metadata of slot
   * {@code slot}, whose lookups {@code cache} keeps and whose current versions {@code catalog}
   * (null: none) lists.
   */
  public static SlotDatabase open(Path file, LookupCache cache, Catalog catalog, int slot) {
    String where = file.toString();
    Connection writer = null;
    try {
      writer = CONFIG.createConnection("jdbc:sqlite:" + file);
      setPragmas(writer, where, 64, 1 << 20);
      SlotSchema.migrate(writer, where);
      SlotDatabase db = new SlotDatabase(file, writer, writer, cache, catalog, slot);
      db.changed();
      return db;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(writer);
      if (e instanceof BlobStoreException bse) {
        throw bse;
      }
      throw translate("opening " + where, e);
    }
  }

  /**
   * The bytes of a new, empty slot database at {@link SlotSchema#LATEST}, in WAL mode: built in a
   * scratch file in {@code scratchDir} (deleted after, as are scratch files a crash left). A slot
   * created from it skips what creating a database costs: a rollback journal to enter WAL mode,
   * three fsyncs, and one transaction per migration (about half of a new slot's time here).
   */
  public static byte[] template(Path scratchDir) {
    try {
      try (DirectoryStream<Path> old =
          Files.newDirectoryStream(scratchDir, TEMPLATE_PREFIX + "*")) {
        for (Path p : old) {
          Files.deleteIfExists(p);
        }
      }
      Path scratch = Files.createTempFile(scratchDir, TEMPLATE_PREFIX, ".sqlite3");
      try {
        Files.delete(scratch); // SQLite creates it
        open(scratch).close(); // the close checkpoints everything into the file and drops the WAL
        byte[] bytes = Files.readAllBytes(scratch);
        if (bytes.length < 100 || bytes[18] != 2 || bytes[19] != 2) {
          throw new IOException("the template database is not in WAL mode");
        }
        return bytes;
      } finally {
        for (String suffix : new String[] {"", "-wal", "-journal"}) {
          Files.deleteIfExists(scratch.resolveSibling(scratch.getFileName() + suffix));
        }
      }
    } catch (IOException e) {
      throw BlobStoreException.io("building the slot database template in " + scratchDir, e);
    }
  }

  /** Scratch files of {@link #template}; never a slot's name (slots are numbers). */
  public static final String TEMPLATE_PREFIX = ".slot-template-";

  /**
   * Creates the database file {@code file} from {@code template}: written next to it, synced, and
   * renamed over it, so a crash leaves either no database or a whole one. The caller syncs the
   * directory.
   */
  public static void create(Path file, byte[] template) {
    Path next = file.resolveSibling(file.getFileName() + ".new");
    try {
      try (FileChannel ch =
          FileChannel.open(
              next,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(template);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw BlobStoreException.io("creating " + file, e);
    }
  }

  // Built once: building one parses its defaults, and a slot opens often when the open-slot bound
  // is small. Never changed after.
  static final SQLiteConfig CONFIG = config();

  private static SQLiteConfig config() {
    SQLiteConfig c = new SQLiteConfig();
    c.setBusyTimeout(30_000);
    // Nothing else here: the config applies its pragmas in its own order, and some of them read the
    // database; see setPragmas.
    return c;
  }

  /**
   * Sets the connection's pragmas, the locking mode first (for a slot: a page cache of 64 KiB, so
   * that memory stays small with many open slots, and a WAL truncated back to 1 MiB). One
   * connection per database and one process per store (amberio.lock): exclusive locking keeps the
   * WAL index in heap memory (no -shm file to create, map and delete on every open and close) and
   * skips the file locks SQLite otherwise takes on every transaction, but only when it comes before
   * the first read of a database already in WAL mode; {@code synchronous} and {@code cache_size}
   * read it.
   */
  static void setPragmas(Connection conn, String where, int cacheKiB, int journalSizeLimit)
      throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute("PRAGMA locking_mode = EXCLUSIVE");
      try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
        String mode = rs.next() ? rs.getString(1) : null;
        if (!"wal".equalsIgnoreCase(mode)) {
          throw new SQLException(where + ": SQLite refused WAL mode (journal mode " + mode + ")");
        }
      }
      // Commits do not sync: the store's journal made them durable first (see sync()).
      st.execute("PRAGMA synchronous = NORMAL");
      st.execute("PRAGMA cache_size = -" + cacheKiB);
      st.execute("PRAGMA temp_store = MEMORY");
      // Keep the WAL small: truncate the file back to this size after a checkpoint.
      st.execute("PRAGMA journal_size_limit = " + journalSizeLimit);
    }
  }

  /**
   * The highest version of {@code path} and its current version (0 when none), or null if never
   * written.
   */
  public record PathState(long maxVersion, long currentVersion) {}

  /** A row found by {@link #find}, with the path's state for telling NOT_FOUND from DELETED. */
  public record Lookup(PathState path, VersionRow row) {}

  // ---------------------------------------------------------------- reads

  /**
   * Finds a version of {@code path}: {@code version} or, when empty, the current one. The path
   * state and the row come from one snapshot. {@code row} is null when no such row exists; the
   * whole result is null when the path was never written.
   */
  public Lookup find(String path, OptionalLong version, boolean withData) {
    if (!cache.enabled()) {
      return query(path, version, withData);
    }
    long key = version.orElse(0);
    Lookup hit = cache.get(slot, path, key);
    if (hit != null) {
      cache.hit();
      return hit == LookupCache.NEVER_WRITTEN ? null : hit;
    }
    cache.miss();
    // A miss always reads the inline bytes, so the entry serves reads and heads alike. The query
    // and the generation come from under the same lock (see LookupCache).
    readLock.lock();
    try {
      Lookup found = query(path, version, true);
      cache.put(slot, path, key, cache.generation(slot), found);
      return found;
    } finally {
      readLock.unlock();
    }
  }

  private Lookup query(String path, OptionalLong version, boolean withData) {
    String sql =
        "SELECT p.max_version, IFNULL(p.current_version, 0), "
            + ROW_COLUMNS
            + (withData ? ", b.inline_data" : "")
            + " FROM paths p LEFT JOIN blobs b ON b.path = p.path AND b.version = IFNULL(?, p.current_version)"
            + " WHERE p.path = ?";
    return read(
        "reading",
        sql,
        ps -> {
          if (version.isPresent()) {
            ps.setLong(1, version.getAsLong());
          } else {
            ps.setNull(1, Types.INTEGER);
          }
          ps.setString(2, path);
        },
        firstOrNull(
            rs -> {
              PathState state = new PathState(rs.getLong(1), rs.getLong(2));
              rs.getString(3);
              VersionRow row = rs.wasNull() ? null : readRow(rs, 3, withData);
              return new Lookup(state, row);
            }));
  }

  /** Whether a version with this blob id is committed. */
  public boolean hasBlob(String blobId) {
    return read(
        "reading",
        "SELECT 1 FROM blobs WHERE blob_id = ?",
        ps -> ps.setString(1, blobId),
        ResultSet::next);
  }

  /** The version whose blob id is {@code blobId}, or null. */
  public VersionRow versionByBlobId(String blobId) {
    return oneRow("SELECT " + ROW_COLUMNS + " FROM blobs b WHERE b.blob_id = ?", blobId);
  }

  /** The version that the committed tombstone transaction {@code txn} tombstoned, or null. */
  public VersionRow tombstonedBy(String txn) {
    return oneRow(
        "SELECT "
            + ROW_COLUMNS
            + " FROM tombstone_txns t JOIN blobs b ON b.path = t.path"
            + " AND b.version = t.version WHERE t.txn = ?",
        txn);
  }

  private VersionRow oneRow(String sql, String key) {
    return read(
        "reading", sql, ps -> ps.setString(1, key), firstOrNull(rs -> readRow(rs, 1, false)));
  }

  /**
   * Whether {@code txn} is known here: a prepared transaction, the blob id of a version, or a
   * committed tombstone transaction.
   */
  public boolean knowsTxn(String txn) {
    return read(
        "reading",
        "SELECT EXISTS (SELECT 1 FROM prepared WHERE txn = ?)"
            + " OR EXISTS (SELECT 1 FROM blobs WHERE blob_id = ?) OR EXISTS (SELECT 1 FROM tombstone_txns WHERE txn = ?)",
        ps -> {
          ps.setString(1, txn);
          ps.setString(2, txn);
          ps.setString(3, txn);
        },
        rs -> rs.next() && rs.getBoolean(1));
  }

  /**
   * Up to {@code limit} versions of any state whose blob id is greater than {@code after} (null:
   * from the first), in blob-id order. Blob ids are stored in the canonical upper-case form of a
   * ULID, whose string order is id order, so the {@code blobs_by_id} index serves this.
   */
  public List<VersionRow> versionsAfter(String after, int limit) {
    return read(
        "listing",
        "SELECT " + ROW_COLUMNS + " FROM blobs b WHERE b.blob_id > ? ORDER BY b.blob_id LIMIT ?",
        ps -> {
          ps.setString(1, after == null ? "" : after);
          ps.setInt(2, limit);
        },
        all(rs -> readRow(rs, 1, false)));
  }

  private static final String PREPARED_COLUMNS =
      "txn, path, kind, tombstone_version, content_type, created_at, context, max_version, size, chunk_size,"
          + " chunk_count, checksums, inline_data IS NOT NULL, prepared_at";

  /** Every prepared transaction of this slot, in txn order, without inline bytes. */
  public List<PreparedRow> preparedRows() {
    return read(
        "reading",
        "SELECT " + PREPARED_COLUMNS + " FROM prepared ORDER BY txn",
        NO_PARAMETERS,
        all(rs -> readPrepared(rs, false)));
  }

  /** The prepared transaction {@code txn} (with its inline bytes when asked), or null. */
  public PreparedRow prepared(String txn, boolean withData) {
    return onePrepared(
        "SELECT "
            + PREPARED_COLUMNS
            + (withData ? ", inline_data" : "")
            + " FROM prepared WHERE txn = ?",
        txn,
        withData);
  }

  /** The prepared transaction holding {@code path}, or null. */
  public PreparedRow preparedOn(String path) {
    return onePrepared(
        "SELECT " + PREPARED_COLUMNS + " FROM prepared WHERE path = ? ORDER BY txn LIMIT 1",
        path,
        false);
  }

  private PreparedRow onePrepared(String sql, String key, boolean withData) {
    return read(
        "reading", sql, ps -> ps.setString(1, key), firstOrNull(rs -> readPrepared(rs, withData)));
  }

  private static PreparedRow readPrepared(ResultSet rs, boolean withData) throws SQLException {
    int c = 1;
    String txn = rs.getString(c++);
    String path = rs.getString(c++);
    int kind = rs.getInt(c++);
    long tombstoneVersion = rs.getLong(c++);
    String contentType = rs.getString(c++);
    long createdAt = rs.getLong(c++);
    byte[] context = rs.getBytes(c++);
    long maxVersion = rs.getLong(c++);
    long size = rs.getLong(c++);
    int chunkSize = rs.getInt(c++);
    int chunkCount = rs.getInt(c++);
    byte[] checksums = rs.getBytes(c++);
    boolean inline = rs.getBoolean(c++);
    long preparedAt = rs.getLong(c++);
    byte[] data = inlineData(rs, c, withData && inline);
    return new PreparedRow(
        txn,
        path,
        kind,
        tombstoneVersion,
        contentType,
        createdAt,
        context == null ? new byte[0] : context,
        maxVersion,
        size,
        chunkSize,
        chunkCount,
        checksums == null ? new byte[0] : checksums,
        inline,
        data,
        preparedAt);
  }

  /**
   * Up to {@code limit} current versions with {@code prefix <= path < upper} (upper may be null)
   * and {@code path > after} (after may be null), in path order.
   */
  public List<VersionRow> listCurrent(String prefix, String upper, String after, int limit) {
    String sql =
        "SELECT "
            + ROW_COLUMNS
            + " FROM paths p JOIN blobs b ON b.path = p.path AND b.version = p.current_version"
            + " WHERE p.current_version IS NOT NULL AND p.path >= ?"
            + (upper != null ? " AND p.path < ?" : "")
            + (after != null ? " AND p.path > ?" : "")
            + " ORDER BY p.path LIMIT ?";
    return list(sql, prefix, upper, after, OptionalLong.empty(), limit);
  }

  /**
   * Up to {@code limit} versions of any state with {@code prefix <= path < upper}, after the
   * position ({@code afterPath}, {@code afterVersion}) in (path ascending, version descending)
   * order.
   */
  public List<VersionRow> listVersions(
      String prefix, String upper, String afterPath, long afterVersion, int limit) {
    String sql =
        "SELECT "
            + ROW_COLUMNS
            + " FROM blobs b WHERE b.path >= ?"
            + (upper != null ? " AND b.path < ?" : "")
            + (afterPath != null ? " AND (b.path > ? OR (b.path = ? AND b.version < ?))" : "")
            + " ORDER BY b.path, b.version DESC LIMIT ?";
    return list(
        sql,
        prefix,
        upper,
        afterPath,
        afterPath == null ? OptionalLong.empty() : OptionalLong.of(afterVersion),
        limit);
  }

  private List<VersionRow> list(
      String sql, String prefix, String upper, String after, OptionalLong afterVersion, int limit) {
    return read(
        "listing",
        sql,
        ps -> {
          int i = 1;
          ps.setString(i++, prefix);
          if (upper != null) {
            ps.setString(i++, upper);
          }
          if (after != null) {
            ps.setString(i++, after);
            if (afterVersion.isPresent()) {
              ps.setString(i++, after);
              ps.setLong(i++, afterVersion.getAsLong());
            }
          }
          ps.setInt(i, limit);
        },
        all(rs -> readRow(rs, 1, false)));
  }

  /** Counts: versions, live versions, bytes. */
  public long[] stats() {
    return read(
        "reading",
        "SELECT COUNT(*), IFNULL(SUM(state = 0), 0), IFNULL(SUM(size), 0) FROM blobs",
        NO_PARAMETERS,
        rs -> {
          rs.next();
          return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        });
  }

  private static VersionRow readRow(ResultSet rs, int first, boolean withData) throws SQLException {
    int c = first;
    String path = rs.getString(c++);
    long version = rs.getLong(c++);
    String blobId = rs.getString(c++);
    int state = rs.getInt(c++);
    long size = rs.getLong(c++);
    String contentType = rs.getString(c++);
    long createdAt = rs.getLong(c++);
    long changedAt = rs.getLong(c++);
    int chunkSize = rs.getInt(c++);
    int chunkCount = rs.getInt(c++);
    byte[] checksums = rs.getBytes(c++);
    boolean inline = rs.getBoolean(c++);
    byte[] data = inlineData(rs, c, withData && inline);
    return new VersionRow(
        path,
        version,
        blobId,
        state,
        size,
        contentType,
        createdAt,
        changedAt,
        chunkSize,
        chunkCount,
        checksums == null ? new byte[0] : checksums,
        inline,
        data);
  }

  /**
   * The inline bytes in {@code column} when {@code wanted} (the query selected them and the row is
   * inline), else null. SQLite may hand back an empty BLOB as NULL, so an inline row always gets an
   * array.
   */
  private static byte[] inlineData(ResultSet rs, int column, boolean wanted) throws SQLException {
    if (!wanted) {
      return null;
    }
    byte[] data = rs.getBytes(column);
    return data == null ? new byte[0] : data;
  }

  // ---------------------------------------------------------------- writes

  /** The state of {@code path} as the writer sees it, or null if it was never written. */
  public PathState pathStateForWrite(String path) {
    writeLock.lock();
    try {
      return pathState(path);
    } catch (SQLException e) {
      throw translate("reading " + where, e);
    } finally {
      writeLock.unlock();
    }
  }

  /** One version as the writer sees it, or null. */
  public VersionRow versionForWrite(String path, long version) {
    writeLock.lock();
    try {
      return rowForWrite(path, version);
    } catch (SQLException e) {
      throw translate("reading " + where, e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * The versions that garbage collection removes at {@code cutoff}: tombstones and markers whose
   * state changed at or before it, and with each such marker every version below it.
   */
  public List<VersionRow> expired(long cutoff) {
    writeLock.lock();
    try {
      // A path with a prepared transaction keeps its versions until the transaction is decided: a
      // prepared
      // tombstone must find its version at commit.
      List<VersionRow> expired =
          select(
              writer,
              "SELECT "
                  + ROW_COLUMNS
                  + " FROM blobs b"
                  + " WHERE b.state <> 0 AND b.state_changed_at <= ?"
                  + " AND NOT EXISTS (SELECT 1 FROM prepared p WHERE p.path = b.path)"
                  + " ORDER BY b.path, b.version",
              ps -> ps.setLong(1, cutoff),
              all(rs -> readRow(rs, 1, false)));
      List<VersionRow> doomed = new ArrayList<>(expired);
      for (VersionRow r : expired) {
        if (r.state() == VersionRow.MARKER) {
          doomed.addAll(
              select(
                  writer,
                  "SELECT "
                      + ROW_COLUMNS
                      + " FROM blobs b WHERE b.path = ? AND b.version < ?"
                      + " AND NOT (b.state <> 0 AND b.state_changed_at <= ?)",
                  ps -> {
                    ps.setString(1, r.path());
                    ps.setLong(2, r.version());
                    ps.setLong(3, cutoff);
                  },
                  all(rs -> readRow(rs, 1, false))));
        }
      }
      Set<String> seen = new HashSet<>();
      doomed.removeIf(r -> !seen.add(r.blobId()));
      return doomed;
    } catch (SQLException e) {
      throw translate("reading " + where, e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Applies one journal record in one transaction. Idempotent: applying a record the database
   * already reflects (as replay after a crash may) leaves the same state.
   */
  public void apply(JournalRecord record) {
    writeLock.lock();
    try {
      begin();
      try {
        if (record instanceof JournalRecord.PutVersion p) {
          putVersion(p.row(), p.inlineData());
        } else if (record instanceof JournalRecord.CommitPrepared c) {
          putVersion(c.row(), c.inlineData());
          deletePrepared(c.row().blobId());
        } else if (record instanceof JournalRecord.Tombstone t) {
          tombstone(t.path(), t.version(), t.at());
        } else if (record instanceof JournalRecord.CommitTombstone t) {
          tombstone(t.path(), t.version(), t.at());
          update(
              "INSERT OR IGNORE INTO tombstone_txns (txn, path, version) VALUES (?, ?, ?)",
              ps -> {
                ps.setString(1, t.txn());
                ps.setString(2, t.path());
                ps.setLong(3, t.version());
              });
          deletePrepared(t.txn());
        } else if (record instanceof JournalRecord.Prepare p) {
          insertPrepared(p.row(), p.inlineData());
        } else if (record instanceof JournalRecord.AbortPrepared a) {
          deletePrepared(a.txn());
        } else if (record instanceof JournalRecord.AddReclaim a) {
          addReclaim(a.blobId(), a.at());
        } else if (record instanceof JournalRecord.RemoveReclaim r) {
          deleteReclaim(r.blobId());
        } else if (record instanceof JournalRecord.Collect c) {
          {
            PreparedStatement del =
                prepared(writer, "DELETE FROM blobs WHERE path = ? AND version = ?");
            PreparedStatement delTxns =
                prepared(writer, "DELETE FROM tombstone_txns WHERE path = ? AND version = ?");
            for (JournalRecord.Removed x : c.removed()) {
              del.setString(1, x.path());
              del.setLong(2, x.version());
              del.executeUpdate();
              delTxns.setString(1, x.path());
              delTxns.setLong(2, x.version());
              delTxns.executeUpdate();
              if (x.chunked()) {
                addReclaim(x.blobId(), c.at());
              }
            }
            // Collection never changes a current version; recomputing keeps replays exact all the
            // same.
            for (String path :
                c.removed().stream().map(JournalRecord.Removed::path).distinct().toList()) {
              PathState state = pathState(path);
              if (state != null) {
                upsertPath(path, state.maxVersion(), recomputeCurrent(path));
              }
            }
          }
        }
        commit();
      } catch (SQLException | RuntimeException e) {
        rollback();
        throw e;
      }
      if (catalog != null) {
        catalog.enqueue(currentOf(touchedPaths(record)));
      }
    } catch (SQLException e) {
      throw translate("writing " + where, e);
    } finally {
      // Under the lock and after the commit (or the rollback): see LookupCache.
      changed();
      writeLock.unlock();
    }
  }

  /** The paths whose current version {@code record} may have changed. */
  private static List<String> touchedPaths(JournalRecord record) {
    if (record instanceof JournalRecord.PutVersion p) {
      return List.of(p.row().path());
    } else if (record instanceof JournalRecord.CommitPrepared c) {
      return List.of(c.row().path());
    } else if (record instanceof JournalRecord.Tombstone t) {
      return List.of(t.path());
    } else if (record instanceof JournalRecord.CommitTombstone t) {
      return List.of(t.path());
    } else if (record instanceof JournalRecord.Collect c) {
      return c.removed().stream().map(JournalRecord.Removed::path).distinct().toList();
    }
    return List.of(); // prepared transactions and reclaim records change no current version
  }

  /** The current versions of {@code paths} as committed, for the catalog; the lock is held. */
  private List<Catalog.Change> currentOf(List<String> paths) throws SQLException {
    List<Catalog.Change> changes = new ArrayList<>(paths.size());
    for (String path : paths) {
      VersionRow row =
          select(
              writer,
              "SELECT "
                  + ROW_COLUMNS
                  + " FROM paths p JOIN blobs b ON b.path = p.path AND b.version = p.current_version"
                  + " WHERE p.path = ?",
              ps -> ps.setString(1, path),
              firstOrNull(rs -> readRow(rs, 1, false)));
      changes.add(new Catalog.Change(slot, path, row));
    }
    return changes;
  }

  /**
   * Hands every current version of this slot to the catalog (building it), under the lock so that
   * later changes follow them.
   */
  public void publishCurrent() {
    if (catalog == null) {
      return;
    }
    writeLock.lock();
    try {
      List<VersionRow> rows =
          select(
              writer,
              "SELECT "
                  + ROW_COLUMNS
                  + " FROM paths p JOIN blobs b ON b.path = p.path AND b.version = p.current_version"
                  + " WHERE p.current_version IS NOT NULL",
              NO_PARAMETERS,
              all(rs -> readRow(rs, 1, false)));
      List<Catalog.Change> changes = new ArrayList<>(rows.size());
      for (VersionRow r : rows) {
        changes.add(new Catalog.Change(slot, r.path(), r));
      }
      catalog.enqueue(changes);
    } catch (SQLException e) {
      throw translate("reading " + where, e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Invalidates the cached lookups of this slot; the caller holds the lock, or owns the database.
   */
  private void changed() {
    cache.changed(slot);
  }

  /**
   * The blob ids of every reclaim record whose version is not committed and that are not the bytes
   * of a prepared transaction (those stay until it is decided).
   */
  public List<String> orphanedReclaims() {
    writeLock.lock();
    try {
      return select(
          writer,
          "SELECT r.blob_id FROM reclaim r WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.blob_id = r.blob_id)"
              + " AND NOT EXISTS (SELECT 1 FROM prepared p WHERE p.txn = r.blob_id)",
          NO_PARAMETERS,
          all(rs -> rs.getString(1)));
    } catch (SQLException e) {
      throw translate("reading " + where, e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Makes every applied change durable by syncing the WAL file, as a commit with {@code
   * synchronous=FULL} would, but once for many commits. Commits themselves do not sync ({@code
   * synchronous=NORMAL}): the journal made them durable first. Checkpoints (SQLite's own, and the
   * one on close) sync the database file before the WAL is reused or deleted, so the WAL plus the
   * database always hold every synced commit. A database with no write since its last sync is not
   * synced again, so the journal's sealer and the close of a slot that was only read cost no fsync.
   */
  public void sync() {
    writeLock.lock();
    try {
      if (unsynced) {
        forceWal(walFile);
        unsynced = false;
      }
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Syncs a database's WAL file, if it has one, as a commit with {@code synchronous=FULL} would;
   * the caller holds the connection's lock, so no checkpoint resets the file meanwhile.
   */
  static void forceWal(Path walFile) {
    try {
      if (Files.exists(walFile)) {
        try (FileChannel ch = FileChannel.open(walFile, StandardOpenOption.WRITE)) {
          ch.force(false);
        }
      }
    } catch (IOException e) {
      throw BlobStoreException.io("syncing " + walFile, e);
    }
  }

  // ---------------------------------------------------------------- helpers (writer, lock held)

  private PathState pathState(String path) throws SQLException {
    return select(
        writer,
        "SELECT max_version, IFNULL(current_version, 0) FROM paths WHERE path = ?",
        ps -> ps.setString(1, path),
        firstOrNull(rs -> new PathState(rs.getLong(1), rs.getLong(2))));
  }

  private VersionRow rowForWrite(String path, long version) throws SQLException {
    return select(
        writer,
        "SELECT " + ROW_COLUMNS + " FROM blobs b WHERE b.path = ? AND b.version = ?",
        ps -> {
          ps.setString(1, path);
          ps.setLong(2, version);
        },
        firstOrNull(rs -> readRow(rs, 1, false)));
  }

  /**
   * The current version by the rule: the newest live version newer than every marker; 0 if none.
   */
  private long recomputeCurrent(String path) throws SQLException {
    return select(
        writer,
        "SELECT IFNULL(MAX(version), 0) FROM blobs WHERE path = ? AND state = 0 AND version >"
            + " (SELECT IFNULL(MAX(version), 0) FROM blobs WHERE path = ? AND state = 2)",
        ps -> {
          ps.setString(1, path);
          ps.setString(2, path);
        },
        rs -> {
          rs.next();
          return rs.getLong(1);
        });
  }

  /**
   * Inserts a version (unless it is there already) and brings its path level. Versions may arrive
   * out of order (copied from a peer), so only a new highest version that is live or a marker
   * decides the current version by itself; anything else recomputes it.
   */
  private void putVersion(VersionRow row, byte[] inlineData) throws SQLException {
    PathState state = pathState(row.path());
    boolean inserted = insertRow(row, inlineData);
    if (!row.inline()) {
      deleteReclaim(row.blobId());
    }
    long max = state == null ? 0 : state.maxVersion();
    long current;
    if (inserted && row.version() > max && row.state() != VersionRow.TOMBSTONED) {
      // The newest version: it is current if live, and a marker leaves no current version.
      current = row.state() == VersionRow.LIVE ? row.version() : 0;
    } else {
      current = recomputeCurrent(row.path()); // an older or tombstoned version, or a replay
    }
    upsertPath(row.path(), Math.max(max, row.version()), current);
  }

  private void tombstone(String path, long version, long at) throws SQLException {
    update(
        "UPDATE blobs SET state = 1, state_changed_at = ? WHERE path = ? AND version = ? AND state <> 1",
        ps -> {
          ps.setLong(1, at);
          ps.setString(2, path);
          ps.setLong(3, version);
        });
    PathState state = pathState(path);
    if (state != null) {
      upsertPath(path, state.maxVersion(), recomputeCurrent(path));
    }
  }

  private void insertPrepared(PreparedRow row, byte[] inlineData) throws SQLException {
    update(
        "INSERT OR IGNORE INTO prepared (txn, path, kind, tombstone_version, content_type, created_at, context,"
            + " max_version, size, chunk_size, chunk_count, checksums, inline_data, prepared_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ps -> {
          ps.setString(1, row.txn());
          ps.setString(2, row.path());
          ps.setInt(3, row.kind());
          ps.setLong(4, row.tombstoneVersion());
          ps.setString(5, row.contentType());
          ps.setLong(6, row.createdAt());
          ps.setBytes(7, row.context());
          ps.setLong(8, row.maxVersion());
          ps.setLong(9, row.size());
          ps.setInt(10, row.chunkSize());
          ps.setInt(11, row.chunkCount());
          ps.setBytes(12, row.checksums());
          if (row.inline()) {
            ps.setBytes(13, inlineData == null ? new byte[0] : inlineData);
          } else {
            ps.setNull(13, Types.BLOB);
          }
          ps.setLong(14, row.preparedAt());
        });
  }

  private void deletePrepared(String txn) throws SQLException {
    update("DELETE FROM prepared WHERE txn = ?", ps -> ps.setString(1, txn));
  }

  private boolean insertRow(VersionRow row, byte[] inlineData) throws SQLException {
    return update(
            "INSERT OR IGNORE INTO blobs (path, version, blob_id, state, size, content_type, created_at,"
                + " state_changed_at, chunk_size, chunk_count, checksums, inline_data)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ps -> {
              ps.setString(1, row.path());
              ps.setLong(2, row.version());
              ps.setString(3, row.blobId());
              ps.setInt(4, row.state());
              ps.setLong(5, row.size());
              ps.setString(6, row.contentType());
              ps.setLong(7, row.createdAt());
              ps.setLong(8, row.stateChangedAt());
              ps.setInt(9, row.chunkSize());
              ps.setInt(10, row.chunkCount());
              ps.setBytes(11, row.checksums());
              if (row.inline()) {
                ps.setBytes(12, inlineData);
              } else {
                ps.setNull(12, Types.BLOB);
              }
            })
        == 1;
  }

  private void upsertPath(String path, long max, long current) throws SQLException {
    update(
        "INSERT INTO paths (path, max_version, current_version) VALUES (?, ?, ?)"
            + " ON CONFLICT (path) DO UPDATE SET max_version = excluded.max_version,"
            + " current_version = excluded.current_version",
        ps -> {
          ps.setString(1, path);
          ps.setLong(2, max);
          if (current > 0) {
            ps.setLong(3, current);
          } else {
            ps.setNull(3, Types.INTEGER);
          }
        });
  }

  private void addReclaim(String blobId, long at) throws SQLException {
    update(
        "INSERT OR REPLACE INTO reclaim (blob_id, since) VALUES (?, ?)",
        ps -> {
          ps.setString(1, blobId);
          ps.setLong(2, at);
        });
  }

  private void deleteReclaim(String blobId) throws SQLException {
    update("DELETE FROM reclaim WHERE blob_id = ?", ps -> ps.setString(1, blobId));
  }

  // ---------------------------------------------------------------- queries

  /** Sets the parameters of a cached statement. */
  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /**
   * Turns a whole result set into the query's answer (see {@link #firstOrNull} and {@link #all}).
   */
  @FunctionalInterface
  private interface Results<T> {
    T from(ResultSet rs) throws SQLException;
  }

  /** Reads the current row of a result set. */
  @FunctionalInterface
  private interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private static final Binder NO_PARAMETERS = ps -> {};

  private static <T> Results<T> firstOrNull(RowMapper<T> row) {
    return rs -> rs.next() ? row.map(rs) : null;
  }

  private static <T> Results<List<T>> all(RowMapper<T> row) {
    return rs -> {
      List<T> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(row.map(rs));
      }
      return rows;
    };
  }

  /**
   * One read on its own: under the read lock (the connection is shared with the writer, see the
   * class comment), a SQLite failure reported as {@code "<verb> <database file>"}, with {@code
   * verb} "reading" or "listing" as the caller's failures have always been worded.
   */
  private <T> T read(String verb, String sql, Binder binder, Results<T> results) {
    readLock.lock();
    try {
      return select(reader, sql, binder, results);
    } catch (SQLException e) {
      throw translate(verb + " " + where, e);
    } finally {
      readLock.unlock();
    }
  }

  /**
   * Runs a query on {@code conn}'s cached statement; the caller holds that connection's lock (and,
   * on the writer, may be inside a transaction), so failures are left to it.
   */
  private <T> T select(Connection conn, String sql, Binder binder, Results<T> results)
      throws SQLException {
    PreparedStatement ps = prepared(conn, sql);
    binder.bind(ps);
    try (ResultSet rs = ps.executeQuery()) {
      return results.from(rs);
    }
  }

  /**
   * Runs one statement of the write under way on the writer's cached statement; returns the rows
   * changed. The caller holds the write lock and owns the transaction, so failures are left to it.
   */
  private int update(String sql, Binder binder) throws SQLException {
    PreparedStatement ps = prepared(writer, sql);
    binder.bind(ps);
    return ps.executeUpdate();
  }

  // Prepared statements are cached per connection (under that connection's lock) and closed with
  // it.
  private final Map<String, PreparedStatement> statements = new ConcurrentHashMap<>();

  private PreparedStatement prepared(Connection conn, String sql) throws SQLException {
    String key = sql;
    PreparedStatement ps = statements.get(key);
    if (ps == null) {
      ps = conn.prepareStatement(sql);
      statements.put(key, ps);
    }
    return ps;
  }

  private void begin() throws SQLException {
    unsynced = true;
    prepared(writer, "BEGIN IMMEDIATE").executeUpdate();
  }

  private void commit() throws SQLException {
    prepared(writer, "COMMIT").executeUpdate();
  }

  private void rollback() {
    try {
      prepared(writer, "ROLLBACK").executeUpdate();
    } catch (SQLException ignored) {
      // No transaction was open (BEGIN failed) or SQLite already rolled it back.
    }
  }

  /** Maps a SQLite failure to a typed store failure by its result code. */
  static BlobStoreException translate(String what, Exception e) {
    if (e instanceof BlobStoreException bse) {
      return bse;
    }
    if (e instanceof SQLiteException se) {
      SQLiteErrorCode code = se.getResultCode();
      int primary = code.code & 0xff;
      if (primary == SQLiteErrorCode.SQLITE_FULL.code) {
        return BlobStoreException.of(Reason.NO_SPACE, what + ": the disk is full", e);
      }
      if (primary == SQLiteErrorCode.SQLITE_CORRUPT.code
          || primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
        return BlobStoreException.of(Reason.CORRUPT, what + ": the database is corrupt", e);
      }
    }
    return BlobStoreException.io(what, e);
  }

  @Override
  public void close() {
    writeLock.lock();
    try {
      for (PreparedStatement ps : statements.values()) {
        try {
          ps.close();
        } catch (SQLException ignored) {
          // Closing the connection releases it anyway.
        }
      }
      statements.clear();
      closeQuietly(writer);
    } finally {
      changed();
      writeLock.unlock();
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // Closing is best effort; a WAL that was not checkpointed is recovered on the next open.
      }
    }
  }
}
