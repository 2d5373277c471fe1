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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The schema of a slot's {@code meta.sqlite3} and its forward-only migrations. The schema version
 * lives in {@code PRAGMA user_version}: migration {@code i} (0-based) takes a database from version
 * {@code i} to {@code i + 1}. A database with a version newer than this code knows is refused,
 * never touched.
 *
 * <p>Tables (version 1):
 *
 * <ul>
 *   <li>{@code paths}: one row per path ever written: its highest version (never decreases, so
 *       numbers are never reused, even after garbage collection) and its current version (null when
 *       none).
 *   <li>{@code blobs}: one row per version: state (0 live, 1 tombstoned, 2 marker), size, content
 *       type, times, the chunk layout and one CRC32C per chunk (4 bytes each, big-endian), and the
 *       bytes themselves for small blobs ({@code inline_data}).
 *   <li>{@code blob_chunk_archives}: where archived chunks live in an archive store (tiering).
 *   <li>{@code reclaim}: blob directories that may exist on disk without a committed version (a
 *       write in progress, or bytes of a version being garbage-collected). Recorded durably before
 *       the directory is created; on open, every directory listed here whose version is not
 *       committed, and that is not the blob of a prepared transaction, is deleted.
 * </ul>
 *
 * <p>Added in version 2 (two-phase commit, see {@code ReplicaStore}):
 *
 * <ul>
 *   <li>{@code prepared}: one row per durable, undecided transaction: what it writes (kind, path,
 *       the version to tombstone, content type, the coordinator's time, the caller's context), the
 *       path's highest version when it was prepared, and for a PUT its bytes' layout like a {@code
 *       blobs} row (inline bytes, or chunk checksums of {@code blobs/<txn>/chunks/}). A path has at
 *       most one row.
 *   <li>{@code tombstone_txns}: which transaction tombstoned which version, so that committing a
 *       tombstone again can answer as the first commit did. Removed with the version by garbage
 *       collection.
 * </ul>
 */
public final class SlotSchema {
  private static final List<List<String>> MIGRATIONS =
      List.of(
          List.of(
              "CREATE TABLE paths ("
                  + " path TEXT PRIMARY KEY,"
                  + " max_version INTEGER NOT NULL,"
                  + " current_version INTEGER"
                  + ") WITHOUT ROWID",
              "CREATE TABLE blobs ("
                  + " path TEXT NOT NULL,"
                  + " version INTEGER NOT NULL,"
                  + " blob_id TEXT NOT NULL,"
                  + " state INTEGER NOT NULL,"
                  + " size INTEGER NOT NULL,"
                  + " content_type TEXT,"
                  + " created_at INTEGER NOT NULL,"
                  + " state_changed_at INTEGER NOT NULL,"
                  + " chunk_size INTEGER NOT NULL,"
                  + " chunk_count INTEGER NOT NULL,"
                  + " checksums BLOB NOT NULL,"
                  + " inline_data BLOB,"
                  + " PRIMARY KEY (path, version))",
              "CREATE UNIQUE INDEX blobs_by_id ON blobs (blob_id)",
              "CREATE INDEX blobs_expiring ON blobs (state_changed_at) WHERE state <> 0",
              "CREATE TABLE blob_chunk_archives ("
                  + " blob_id TEXT NOT NULL,"
                  + " chunk_id INTEGER NOT NULL,"
                  + " archive_key TEXT NOT NULL,"
                  + " size INTEGER NOT NULL,"
                  + " checksum INTEGER NOT NULL,"
                  + " archived_at INTEGER NOT NULL,"
                  + " PRIMARY KEY (blob_id, chunk_id)"
                  + ") WITHOUT ROWID",
              "CREATE TABLE reclaim ("
                  + " blob_id TEXT PRIMARY KEY,"
                  + " since INTEGER NOT NULL"
                  + ") WITHOUT ROWID"),
          List.of(
              // A rowid table (unlike the small ones above): rows may hold up to the inline
              // threshold of bytes.
              "CREATE TABLE prepared ("
                  + " txn TEXT PRIMARY KEY,"
                  + " path TEXT NOT NULL,"
                  + " kind INTEGER NOT NULL,"
                  + " tombstone_version INTEGER NOT NULL,"
                  + " content_type TEXT,"
                  + " created_at INTEGER NOT NULL,"
                  + " context BLOB NOT NULL,"
                  + " max_version INTEGER NOT NULL,"
                  + " size INTEGER NOT NULL,"
                  + " chunk_size INTEGER NOT NULL,"
                  + " chunk_count INTEGER NOT NULL,"
                  + " checksums BLOB NOT NULL,"
                  + " inline_data BLOB,"
                  + " prepared_at INTEGER NOT NULL)",
              "CREATE INDEX prepared_by_path ON prepared (path)",
              "CREATE TABLE tombstone_txns ("
                  + " txn TEXT PRIMARY KEY,"
                  + " path TEXT NOT NULL,"
                  + " version INTEGER NOT NULL"
                  + ") WITHOUT ROWID",
              "CREATE INDEX tombstone_txns_by_version ON tombstone_txns (path, version)"));

  /** The schema version this code writes. */
  public static final int LATEST = MIGRATIONS.size();

  private SlotSchema() {}

  /**
   * Brings the database of {@code conn} (in auto-commit mode) to {@link #LATEST}, each migration in
   * its own transaction.
   *
   * @throws BlobStoreException with reason INCOMPATIBLE_STORE if the database is newer than this
   *     code
   */
  public static void migrate(Connection conn, String where) throws SQLException {
    int version = userVersion(conn);
    if (version > LATEST) {
      throw BlobStoreException.of(
          Reason.INCOMPATIBLE_STORE,
          where
              + " has schema version "
              + version
              + " but this Amberio knows versions up to "
              + LATEST
              + "; use a newer Amberio");
    }
    for (int v = version; v < LATEST; v++) {
      conn.setAutoCommit(false);
      try (Statement st = conn.createStatement()) {
        for (String sql : MIGRATIONS.get(v)) {
          st.executeUpdate(sql);
        }
        st.executeUpdate("PRAGMA user_version = " + (v + 1));
        conn.commit();
      } catch (SQLException | RuntimeException e) {
        conn.rollback();
        throw e;
      } finally {
        conn.setAutoCommit(true);
      }
    }
  }

  /** Reads {@code PRAGMA user_version}. */
  public static int userVersion(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }
}
