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

import com.github.f4b6a3.ulid.Ulid;
import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.VersionState;
import io.amberio.core.internal.row.VersionRow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listing catalog: the current version of every path of the store, in one SQLite table sorted
 * by path, so that a listing of current versions is one range scan instead of a merge of every
 * slot's database (which costs a query per slot per page). It is <em>derived</em> data: every row
 * follows from the slot databases, and the catalog can always be rebuilt from them.
 *
 * <h2>How it stays level with the slots</h2>
 *
 * A slot database, after it commits a journal record, reads the new current version of each path
 * the record touched and {@linkplain #enqueue hands it here} under its own lock, so the changes of
 * one path arrive in commit order. One writer thread applies them in batches (one transaction per
 * batch). A listing first waits until every change handed over before it started is applied, so an
 * acknowledged write (acknowledged after its apply) is always listed.
 *
 * <h2>Why a crash is safe</h2>
 *
 * Commits use {@code synchronous=NORMAL}, like the slot databases: the journal is what is durable.
 * Before the journal forgets a record (sealing a segment), it calls {@link #sync}, which waits for
 * the changes handed over so far and syncs the catalog's WAL, exactly as it syncs the slots'. After
 * a crash, replaying the journal re-applies every record it still holds to the slots, which hand
 * the paths' current versions over again. Rows are whole current states, not deltas, so applying
 * one twice or late changes nothing.
 *
 * <h2>Building it</h2>
 *
 * A store without a complete catalog (created by an older release, or whose catalog was lost) lists
 * by merging slots while a background pass hands over every slot's current versions, each slot
 * under its database's lock; a final marker, applied after them, records the catalog as complete
 * (durably, in the same WAL order as the rows it vouches for). A catalog file of an unknown format,
 * or one that fails, is deleted and rebuilt.
 */
public final class Catalog implements AutoCloseable {
  /** The format of the catalog file, in {@code PRAGMA user_version}. */
  public static final int FORMAT = 1;

  private static final Logger log = LoggerFactory.getLogger(Catalog.class);
  private static final int MAX_QUEUED = 65_536;
  private static final int MAX_BATCH = 4_096;

  /** The current version of {@code path} in {@code slot}, or null when it has none. */
  public record Change(int slot, String path, VersionRow current) {}

  // Marks the end of a build: applied after every row handed over before it.
  private static final Change COMPLETE = new Change(-1, "", null);

  private final Path file;
  private final Path walFile;
  private final ReentrantLock db = new ReentrantLock(); // the connection
  // @GuardedBy("db")
  private Connection conn;

  private final ReentrantLock queueLock = new ReentrantLock();
  private final Condition changed = queueLock.newCondition();
  // @GuardedBy("queueLock")
  private final ArrayDeque<Change> queue = new ArrayDeque<>();
  // @GuardedBy("queueLock")
  private long enqueued;
  // @GuardedBy("queueLock")
  private long applied;
  // @GuardedBy("queueLock")
  private boolean closing;

  private volatile boolean complete;
  private volatile Exception failure;
  private volatile boolean undeletable;
  private final Thread writer;

  private Catalog(Path file, Connection conn, boolean complete) {
    this.file = file;
    this.walFile = file.resolveSibling(file.getFileName() + "-wal");
    this.conn = conn;
    this.complete = complete;
    this.writer = new Thread(this::writeLoop, "amberio-catalog");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  /**
   * Opens the catalog at {@code file}, creating it (empty, not complete) when absent, of an unknown
   * format, or unreadable.
   */
  public static Catalog open(Path file) {
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw BlobStoreException.io("creating " + file.getParent(), e);
    }
    try {
      return openOnce(file);
    } catch (SQLException | RuntimeException e) {
      log.warn("the listing catalog {} cannot be used ({}); rebuilding it", file, e.toString());
      deleteFiles(file);
      try {
        return openOnce(file);
      } catch (SQLException e2) {
        throw SlotDatabase.translate("opening " + file, e2);
      }
    }
  }

  private static Catalog openOnce(Path file) throws SQLException {
    Connection conn = SlotDatabase.CONFIG.createConnection("jdbc:sqlite:" + file);
    try {
      SlotDatabase.setPragmas(conn, file.toString(), 2048, 4 << 20);
    } catch (SQLException e) {
      conn.close();
      throw e;
    }
    try (Statement s = conn.createStatement()) {
      int version;
      try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
        version = rs.next() ? rs.getInt(1) : 0;
      }
      if (version > FORMAT) {
        throw new SQLException("catalog format " + version + " is newer than " + FORMAT);
      }
      if (version == 0) {
        // A listing reads every column of every row it returns, and sqlite-jdbc crosses JNI once
        // per column, so what a listing shows is packed into one column (see Entry).
        s.execute(
            "CREATE TABLE IF NOT EXISTS current ("
                + " path TEXT PRIMARY KEY,"
                + " slot INTEGER NOT NULL,"
                + " entry BLOB NOT NULL"
                + ") WITHOUT ROWID");
        s.execute(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID");
        s.execute("PRAGMA user_version = " + FORMAT);
      }
      boolean complete;
      try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'complete'")) {
        complete = rs.next() && "1".equals(rs.getString(1));
      }
      if (!complete) {
        // A build starts from nothing: rows left by an earlier, unfinished one may be stale.
        s.execute("DELETE FROM current");
      }
      return new Catalog(file, conn, complete);
    } catch (SQLException | RuntimeException e) {
      try {
        conn.close();
      } catch (SQLException ignored) {
        // Reported through e.
      }
      throw e;
    }
  }

  /** Whether every slot's current versions are here, so listings may use it. */
  public boolean complete() {
    return complete && failure == null;
  }

  /**
   * Hands over the current versions of the paths a slot just changed; call it under the slot
   * database's lock, after its commit. Waits while the writer is far behind.
   */
  public void enqueue(List<Change> changes) {
    if (changes.isEmpty()) {
      return;
    }
    queueLock.lock();
    try {
      while (queue.size() >= MAX_QUEUED && failure == null && !closing) {
        changed.awaitUninterruptibly();
      }
      if (failure != null) {
        return; // the catalog is gone; listings merge slots until it is rebuilt
      }
      queue.addAll(changes);
      enqueued += changes.size();
      changed.signalAll();
    } finally {
      queueLock.unlock();
    }
  }

  /** Records, after every change handed over so far, that the catalog is complete. */
  public void markComplete() {
    enqueue(List.of(COMPLETE));
  }

  /**
   * Waits until every change handed over before this call is applied; false if the catalog failed
   * instead.
   */
  public boolean awaitLevel() {
    queueLock.lock();
    try {
      long target = enqueued;
      while (applied < target && failure == null) {
        changed.awaitUninterruptibly();
      }
      return applied >= target && failure == null;
    } finally {
      queueLock.unlock();
    }
  }

  /**
   * Up to {@code limit} current versions with {@code prefix <= path < upper} (upper may be null)
   * and {@code path > after} (after may be null), in path order (SQLite's BINARY collation: UTF-8
   * byte order); null if the catalog failed meanwhile. The caller checked {@link #complete} and
   * called {@link #awaitLevel}.
   */
  public List<BlobInfo> list(String prefix, String upper, String after, int limit) {
    String sql =
        "SELECT path, entry FROM current"
            + " WHERE path >= ?"
            + (upper != null ? " AND path < ?" : "")
            + (after != null ? " AND path > ?" : "")
            + " ORDER BY path LIMIT ?";
    db.lock();
    if (conn == null) {
      db.unlock();
      return null;
    }
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      int i = 1;
      ps.setString(i++, prefix);
      if (upper != null) {
        ps.setString(i++, upper);
      }
      if (after != null) {
        ps.setString(i++, after);
      }
      ps.setInt(i, limit);
      List<BlobInfo> rows = new ArrayList<>(Math.min(limit, 1024));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(Entry.decode(rs.getString(1), rs.getBytes(2)));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw SlotDatabase.translate("listing " + file, e);
    } finally {
      db.unlock();
    }
  }

  /**
   * The packed {@code entry} column: {@code [format 1][version 8][size 8][created_at 8][blob id
   * 16][content type length 4, -1 when none][content type UTF-8]}, big-endian.
   */
  static final class Entry {
    private static final byte FORMAT = 1;

    private Entry() {}

    static byte[] encode(VersionRow r) {
      byte[] ct = r.contentType() == null ? null : r.contentType().getBytes(StandardCharsets.UTF_8);
      ByteBuffer b = ByteBuffer.allocate(1 + 8 + 8 + 8 + 16 + 4 + (ct == null ? 0 : ct.length));
      Ulid id = Ulid.from(r.blobId());
      b.put(FORMAT).putLong(r.version()).putLong(r.size()).putLong(r.createdAt());
      b.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
      b.putInt(ct == null ? -1 : ct.length);
      if (ct != null) {
        b.put(ct);
      }
      return b.array();
    }

    static BlobInfo decode(String path, byte[] entry) throws SQLException {
      ByteBuffer b = ByteBuffer.wrap(entry);
      if (entry.length < 45 || b.get() != FORMAT) {
        throw new SQLException("catalog entry of '" + path + "' has an unknown format");
      }
      long version = b.getLong();
      long size = b.getLong();
      long created = b.getLong();
      Ulid id = new Ulid(b.getLong(), b.getLong());
      int ctLength = b.getInt();
      String ct =
          ctLength < 0 ? null : new String(entry, b.position(), ctLength, StandardCharsets.UTF_8);
      return new BlobInfo(
          path,
          version,
          new BlobId(id),
          VersionState.LIVE,
          size,
          id.toLowerCase(),
          ct,
          Instant.ofEpochMilli(created));
    }
  }

  /**
   * Makes every change handed over so far durable (the journal's sealer calls it before it forgets
   * records). A catalog that failed was deleted, so there is nothing to keep; if it could not be
   * deleted, this fails, and the journal keeps its records for the next open.
   */
  public void sync() {
    awaitLevel();
    if (failure != null) {
      if (undeletable) {
        throw BlobStoreException.io("the listing catalog " + file + " failed", failure);
      }
      return;
    }
    db.lock();
    try {
      if (conn != null) {
        SlotDatabase.forceWal(walFile);
      }
    } finally {
      db.unlock();
    }
  }

  private void writeLoop() {
    List<Change> batch = new ArrayList<>(MAX_BATCH);
    while (true) {
      queueLock.lock();
      try {
        while (queue.isEmpty() && !closing) {
          changed.awaitUninterruptibly();
        }
        if (queue.isEmpty()) {
          return;
        }
        while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
          batch.add(queue.pollFirst());
        }
        changed.signalAll(); // room in the queue
      } finally {
        queueLock.unlock();
      }
      boolean completes = false;
      if (failure == null) {
        try {
          completes = write(batch);
        } catch (SQLException | RuntimeException e) {
          fail(e);
        }
      }
      queueLock.lock();
      try {
        applied += batch.size();
        changed.signalAll();
      } finally {
        queueLock.unlock();
      }
      if (completes) {
        complete = true;
        log.debug("the listing catalog {} is complete", file);
      }
      batch.clear();
    }
  }

  private boolean write(List<Change> batch) throws SQLException {
    boolean completes = false;
    db.lock();
    try (Statement tx = conn.createStatement();
        PreparedStatement upsert =
            conn.prepareStatement(
                "INSERT OR REPLACE INTO current (path, slot, entry) VALUES (?, ?, ?)");
        PreparedStatement delete = conn.prepareStatement("DELETE FROM current WHERE path = ?")) {
      tx.execute("BEGIN IMMEDIATE");
      try {
        for (Change c : batch) {
          if (c == COMPLETE) {
            tx.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('complete', '1')");
            completes = true;
          } else if (c.current() == null) {
            delete.setString(1, c.path());
            delete.executeUpdate();
          } else {
            upsert.setString(1, c.path());
            upsert.setInt(2, c.slot());
            upsert.setBytes(3, Entry.encode(c.current()));
            upsert.executeUpdate();
          }
        }
        tx.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        try {
          tx.execute("ROLLBACK");
        } catch (SQLException ignored) {
          // Reported through e.
        }
        throw e;
      }
    } finally {
      db.unlock();
    }
    return completes;
  }

  /**
   * The catalog cannot be kept level: it is deleted, so that no later open trusts it, and listings
   * merge slots until the next open rebuilds it.
   */
  private void fail(Exception e) {
    log.warn("the listing catalog {} failed; listings merge slots until it is rebuilt", file, e);
    db.lock();
    try {
      closeConnection();
      deleteFiles(file);
    } catch (BlobStoreException deleting) {
      log.warn("the failed listing catalog {} could not be deleted", file, deleting);
      undeletable = true;
    } finally {
      db.unlock();
    }
    queueLock.lock();
    try {
      failure = e;
      queue.clear();
      changed.signalAll();
    } finally {
      queueLock.unlock();
    }
  }

  // Called with db held.
  private void closeConnection() {
    if (conn != null) {
      try {
        conn.close();
      } catch (SQLException ignored) {
        // Closing is best effort; the WAL is recovered (or the file rebuilt) on the next open.
      }
      conn = null;
    }
  }

  private static void deleteFiles(Path file) {
    for (String suffix : List.of("", "-wal", "-shm")) {
      Path p = file.resolveSibling(file.getFileName() + suffix);
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        throw BlobStoreException.io("deleting " + p, e);
      }
    }
  }

  /** Applies what was handed over, then closes (SQLite checkpoints and syncs on close). */
  @Override
  public void close() {
    queueLock.lock();
    try {
      closing = true;
      changed.signalAll();
    } finally {
      queueLock.unlock();
    }
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    db.lock();
    try {
      closeConnection();
    } finally {
      db.unlock();
    }
  }
}
