package io.amberio.core.internal.meta;

import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.GcReport;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The metadata of one slot: a SQLite database in WAL mode with {@code synchronous=FULL}, so a commit is
 * durable when it returns. It has exactly one writer connection and one reader connection, each guarded by
 * its own lock (readers never wait for writers in WAL mode). Every method is one transaction; callers never
 * see a connection.
 *
 * <p>The linearization point of a write is its COMMIT: the version check (compare-and-set) and the insert
 * happen inside one {@code BEGIN IMMEDIATE} transaction on the single writer connection.
 */
public final class SlotDatabase implements AutoCloseable {
  private static final String ROW_COLUMNS =
      "b.path, b.version, b.blob_id, b.state, b.size, b.content_type, b.created_at, b.state_changed_at,"
          + " b.chunk_size, b.chunk_count, b.checksums, b.inline_data IS NOT NULL";

  private final String where;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final ReentrantLock readLock = new ReentrantLock();
  // @GuardedBy("writeLock")
  private final Connection writer;
  // @GuardedBy("readLock")
  private final Connection reader;

  private SlotDatabase(String where, Connection writer, Connection reader) {
    this.where = where;
    this.writer = writer;
    this.reader = reader;
  }

  /** Opens (creating if absent) and migrates the database at {@code file}. */
  public static SlotDatabase open(Path file) {
    String where = file.toString();
    Connection writer = null;
    Connection reader = null;
    try {
      writer = config().createConnection("jdbc:sqlite:" + file);
      SlotSchema.migrate(writer, where);
      reader = config().createConnection("jdbc:sqlite:" + file);
      return new SlotDatabase(where, writer, reader);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(reader);
      closeQuietly(writer);
      if (e instanceof BlobStoreException bse) {
        throw bse;
      }
      throw translate("opening " + where, e);
    }
  }

  private static SQLiteConfig config() {
    SQLiteConfig c = new SQLiteConfig();
    c.setJournalMode(SQLiteConfig.JournalMode.WAL);
    c.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    c.setBusyTimeout(30_000);
    c.setCacheSize(-512); // KiB: memory stays small with many open slots
    c.setTempStore(SQLiteConfig.TempStore.MEMORY);
    return c;
  }

  /** The highest version of {@code path} and its current version (0 when none), or null if never written. */
  public record PathState(long maxVersion, long currentVersion) {}

  /** A row found by {@link #find}, with the path's state for telling NOT_FOUND from DELETED. */
  public record Lookup(PathState path, VersionRow row) {}

  // ---------------------------------------------------------------- reads

  /**
   * Finds a version of {@code path}: {@code version} or, when empty, the current one. The path state and
   * the row come from one snapshot. {@code row} is null when no such row exists; the whole result is null
   * when the path was never written.
   */
  public Lookup find(String path, OptionalLong version, boolean withData) {
    String sql =
        "SELECT p.max_version, IFNULL(p.current_version, 0), " + ROW_COLUMNS
            + (withData ? ", b.inline_data" : "")
            + " FROM paths p LEFT JOIN blobs b ON b.path = p.path AND b.version = IFNULL(?, p.current_version)"
            + " WHERE p.path = ?";
    readLock.lock();
    try (PreparedStatement ps = reader.prepareStatement(sql)) {
      if (version.isPresent()) {
        ps.setLong(1, version.getAsLong());
      } else {
        ps.setNull(1, java.sql.Types.INTEGER);
      }
      ps.setString(2, path);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        PathState state = new PathState(rs.getLong(1), rs.getLong(2));
        rs.getString(3);
        VersionRow row = rs.wasNull() ? null : readRow(rs, 3, withData);
        return new Lookup(state, row);
      }
    } catch (SQLException e) {
      throw translate("reading " + where, e);
    } finally {
      readLock.unlock();
    }
  }

  /** Whether a version with this blob id is committed. */
  public boolean hasBlob(String blobId) {
    readLock.lock();
    try (PreparedStatement ps = reader.prepareStatement("SELECT 1 FROM blobs WHERE blob_id = ?")) {
      ps.setString(1, blobId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw translate("reading " + where, e);
    } finally {
      readLock.unlock();
    }
  }

  /**
   * Up to {@code limit} current versions with {@code prefix <= path < upper} (upper may be null) and
   * {@code path > after} (after may be null), in path order.
   */
  public List<VersionRow> listCurrent(String prefix, String upper, String after, int limit) {
    String sql =
        "SELECT " + ROW_COLUMNS + " FROM paths p JOIN blobs b ON b.path = p.path AND b.version = p.current_version"
            + " WHERE p.current_version IS NOT NULL AND p.path >= ?"
            + (upper != null ? " AND p.path < ?" : "")
            + (after != null ? " AND p.path > ?" : "")
            + " ORDER BY p.path LIMIT ?";
    return list(sql, prefix, upper, after, OptionalLong.empty(), limit);
  }

  /**
   * Up to {@code limit} versions of any state with {@code prefix <= path < upper}, after the position
   * ({@code afterPath}, {@code afterVersion}) in (path ascending, version descending) order.
   */
  public List<VersionRow> listVersions(String prefix, String upper, String afterPath, long afterVersion, int limit) {
    String sql =
        "SELECT " + ROW_COLUMNS + " FROM blobs b WHERE b.path >= ?"
            + (upper != null ? " AND b.path < ?" : "")
            + (afterPath != null ? " AND (b.path > ? OR (b.path = ? AND b.version < ?))" : "")
            + " ORDER BY b.path, b.version DESC LIMIT ?";
    return list(sql, prefix, upper, afterPath,
        afterPath == null ? OptionalLong.empty() : OptionalLong.of(afterVersion), limit);
  }

  private List<VersionRow> list(String sql, String prefix, String upper, String after, OptionalLong afterVersion, int limit) {
    readLock.lock();
    try (PreparedStatement ps = reader.prepareStatement(sql)) {
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
      List<VersionRow> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(readRow(rs, 1, false));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw translate("listing " + where, e);
    } finally {
      readLock.unlock();
    }
  }

  /** Counts: versions, live versions, bytes. */
  public long[] stats() {
    readLock.lock();
    try (Statement st = reader.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT COUNT(*), IFNULL(SUM(state = 0), 0), IFNULL(SUM(size), 0) FROM blobs")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
    } catch (SQLException e) {
      throw translate("reading " + where, e);
    } finally {
      readLock.unlock();
    }
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
    byte[] data = withData && inline ? rs.getBytes(c) : null;
    if (withData && inline && data == null) {
      data = new byte[0];
    }
    return new VersionRow(path, version, blobId, state, size, contentType, createdAt, changedAt, chunkSize,
        chunkCount, checksums == null ? new byte[0] : checksums, inline, data);
  }

  // ---------------------------------------------------------------- writes

  /**
   * Commits a new version of {@code row.path()} numbered {@code max + 1}, or fails with VERSION_CONFLICT
   * when {@code expected} is present and is not {@code max + 1}. {@code row.version()} is ignored. When
   * the row is chunked, its reclaim record is removed in the same transaction. With {@code requireExisting}
   * (delete markers) a path that was never written fails with NOT_FOUND.
   *
   * @return the version number written
   */
  public long commitVersion(VersionRow row, byte[] inlineData, OptionalLong expected, boolean requireExisting) {
    writeLock.lock();
    try {
      begin();
      try {
        PathState state = pathState(row.path());
        if (state == null && requireExisting) {
          throw BlobStoreException.of(Reason.NOT_FOUND, "'" + row.path() + "' was never written");
        }
        long max = state == null ? 0 : state.maxVersion();
        if (expected.isPresent() && expected.getAsLong() != max + 1) {
          throw BlobStoreException.versionConflict(row.path(), expected.getAsLong(), max);
        }
        long version = max + 1;
        insertRow(row, version, inlineData);
        long current;
        if (row.state() == SlotSchema.LIVE) {
          current = version;
        } else {
          current = 0; // a marker hides everything below it
        }
        upsertPath(row.path(), version, current);
        if (!row.inline()) {
          try (PreparedStatement ps = writer.prepareStatement("DELETE FROM reclaim WHERE blob_id = ?")) {
            ps.setString(1, row.blobId());
            ps.executeUpdate();
          }
        }
        commit();
        return version;
      } catch (SQLException | RuntimeException e) {
        rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw translate("writing " + where, e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Tombstones version {@code version} of {@code path} at time {@code now} and recomputes the current
   * version. Tombstoning a tombstone changes nothing.
   *
   * @return the row after the change
   * @throws BlobStoreException NOT_FOUND if the version never existed, DELETED if it was collected
   */
  public VersionRow tombstone(String path, long version, long now) {
    writeLock.lock();
    try {
      begin();
      try {
        PathState state = pathState(path);
        if (state == null || version > state.maxVersion()) {
          throw BlobStoreException.of(Reason.NOT_FOUND, "'" + path + "' has no version " + version);
        }
        VersionRow row = rowForWrite(path, version);
        if (row == null) {
          throw BlobStoreException.of(Reason.DELETED, "version " + version + " of '" + path + "' was garbage-collected");
        }
        if (row.state() != SlotSchema.TOMBSTONED) {
          try (PreparedStatement ps =
              writer.prepareStatement("UPDATE blobs SET state = 1, state_changed_at = ? WHERE path = ? AND version = ?")) {
            ps.setLong(1, now);
            ps.setString(2, path);
            ps.setLong(3, version);
            ps.executeUpdate();
          }
          upsertPath(path, state.maxVersion(), recomputeCurrent(path));
          row = rowForWrite(path, version);
        }
        commit();
        return row;
      } catch (SQLException | RuntimeException e) {
        rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw translate("writing " + where, e);
    } finally {
      writeLock.unlock();
    }
  }

  /** Durably records that the directory of {@code blobId} may exist and must go unless committed. */
  public void addReclaim(String blobId, long now) {
    writeLock.lock();
    try (PreparedStatement ps = writer.prepareStatement("INSERT OR REPLACE INTO reclaim (blob_id, since) VALUES (?, ?)")) {
      ps.setString(1, blobId);
      ps.setLong(2, now);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw translate("writing " + where, e);
    } finally {
      writeLock.unlock();
    }
  }

  /** Forgets a reclaim record once its directory is gone. */
  public void removeReclaim(String blobId) {
    writeLock.lock();
    try (PreparedStatement ps = writer.prepareStatement("DELETE FROM reclaim WHERE blob_id = ?")) {
      ps.setString(1, blobId);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw translate("writing " + where, e);
    } finally {
      writeLock.unlock();
    }
  }

  /** The blob ids of every reclaim record whose version is not committed. */
  public List<String> orphanedReclaims() {
    writeLock.lock();
    try (Statement st = writer.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT r.blob_id FROM reclaim r WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.blob_id = r.blob_id)")) {
      List<String> ids = new ArrayList<>();
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
      return ids;
    } catch (SQLException e) {
      throw translate("reading " + where, e);
    } finally {
      writeLock.unlock();
    }
  }

  /** What garbage collection removed: the report and the blob ids whose directories must be deleted. */
  public record Collected(GcReport report, List<String> chunkedBlobIds) {}

  /**
   * Removes tombstones and markers whose state changed at or before {@code cutoff}, and with each expired
   * marker every version below it. Directories of removed chunked blobs get reclaim records in the same
   * transaction, so a crash before they are deleted cannot leak them.
   */
  public Collected collect(long cutoff, long now) {
    writeLock.lock();
    try {
      begin();
      try {
        List<VersionRow> expired = new ArrayList<>();
        try (PreparedStatement ps =
            writer.prepareStatement("SELECT " + ROW_COLUMNS + " FROM blobs b WHERE b.state <> 0 AND b.state_changed_at <= ?"
                + " ORDER BY b.path, b.version")) {
          ps.setLong(1, cutoff);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              expired.add(readRow(rs, 1, false));
            }
          }
        }
        List<VersionRow> doomed = new ArrayList<>(expired);
        for (VersionRow r : expired) {
          if (r.state() == SlotSchema.MARKER) {
            try (PreparedStatement ps =
                writer.prepareStatement("SELECT " + ROW_COLUMNS + " FROM blobs b WHERE b.path = ? AND b.version < ?"
                    + " AND NOT (b.state <> 0 AND b.state_changed_at <= ?)")) {
              ps.setString(1, r.path());
              ps.setLong(2, r.version());
              ps.setLong(3, cutoff);
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  doomed.add(readRow(rs, 1, false));
                }
              }
            }
          }
        }
        long bytes = 0;
        List<String> dirs = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (PreparedStatement del = writer.prepareStatement("DELETE FROM blobs WHERE path = ? AND version = ?");
            PreparedStatement rec = writer.prepareStatement("INSERT OR REPLACE INTO reclaim (blob_id, since) VALUES (?, ?)")) {
          for (VersionRow r : doomed) {
            if (!seen.add(r.blobId())) {
              continue;
            }
            del.setString(1, r.path());
            del.setLong(2, r.version());
            del.executeUpdate();
            bytes += r.size();
            if (!r.inline() && r.chunkCount() > 0) {
              rec.setString(1, r.blobId());
              rec.setLong(2, now);
              rec.executeUpdate();
              dirs.add(r.blobId());
            }
          }
        }
        commit();
        return new Collected(new GcReport(seen.size(), bytes), dirs);
      } catch (SQLException | RuntimeException e) {
        rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw translate("collecting garbage in " + where, e);
    } finally {
      writeLock.unlock();
    }
  }

  // ---------------------------------------------------------------- helpers (writer, lock held)

  private PathState pathState(String path) throws SQLException {
    try (PreparedStatement ps =
        writer.prepareStatement("SELECT max_version, IFNULL(current_version, 0) FROM paths WHERE path = ?")) {
      ps.setString(1, path);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new PathState(rs.getLong(1), rs.getLong(2)) : null;
      }
    }
  }

  private VersionRow rowForWrite(String path, long version) throws SQLException {
    try (PreparedStatement ps =
        writer.prepareStatement("SELECT " + ROW_COLUMNS + " FROM blobs b WHERE b.path = ? AND b.version = ?")) {
      ps.setString(1, path);
      ps.setLong(2, version);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? readRow(rs, 1, false) : null;
      }
    }
  }

  /** The current version by the rule: the newest live version newer than every marker; 0 if none. */
  private long recomputeCurrent(String path) throws SQLException {
    try (PreparedStatement ps =
        writer.prepareStatement(
            "SELECT IFNULL(MAX(version), 0) FROM blobs WHERE path = ? AND state = 0 AND version >"
                + " (SELECT IFNULL(MAX(version), 0) FROM blobs WHERE path = ? AND state = 2)")) {
      ps.setString(1, path);
      ps.setString(2, path);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private void insertRow(VersionRow row, long version, byte[] inlineData) throws SQLException {
    try (PreparedStatement ps =
        writer.prepareStatement(
            "INSERT INTO blobs (path, version, blob_id, state, size, content_type, created_at, state_changed_at,"
                + " chunk_size, chunk_count, checksums, inline_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, row.path());
      ps.setLong(2, version);
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
        ps.setNull(12, java.sql.Types.BLOB);
      }
      ps.executeUpdate();
    }
  }

  private void upsertPath(String path, long max, long current) throws SQLException {
    try (PreparedStatement ps =
        writer.prepareStatement(
            "INSERT INTO paths (path, max_version, current_version) VALUES (?, ?, ?)"
                + " ON CONFLICT (path) DO UPDATE SET max_version = excluded.max_version,"
                + " current_version = excluded.current_version")) {
      ps.setString(1, path);
      ps.setLong(2, max);
      if (current > 0) {
        ps.setLong(3, current);
      } else {
        ps.setNull(3, java.sql.Types.INTEGER);
      }
      ps.executeUpdate();
    }
  }

  private void begin() throws SQLException {
    try (Statement st = writer.createStatement()) {
      st.executeUpdate("BEGIN IMMEDIATE");
    }
  }

  private void commit() throws SQLException {
    try (Statement st = writer.createStatement()) {
      st.executeUpdate("COMMIT");
    }
  }

  private void rollback() {
    try (Statement st = writer.createStatement()) {
      st.executeUpdate("ROLLBACK");
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
      if (primary == SQLiteErrorCode.SQLITE_CORRUPT.code || primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
        return BlobStoreException.of(Reason.CORRUPT, what + ": the database is corrupt", e);
      }
    }
    return BlobStoreException.io(what, e);
  }

  @Override
  public void close() {
    writeLock.lock();
    readLock.lock();
    try {
      closeQuietly(reader);
      closeQuietly(writer);
    } finally {
      readLock.unlock();
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
