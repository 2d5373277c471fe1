package io.amberio.core.internal.slot;

import io.amberio.core.BlobContent;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.ByteRange;
import io.amberio.core.GcReport;
import io.amberio.core.PutOptions;
import io.amberio.core.SlotStats;
import io.amberio.core.internal.meta.SlotDatabase;
import io.amberio.core.internal.meta.SlotDatabase.Lookup;
import io.amberio.core.internal.meta.SlotSchema;
import io.amberio.core.internal.meta.VersionRow;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 */
public final class Slot implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Slot.class);

  private final int number;
  private final SlotDatabase db;
  private final ChunkFiles files;
  private final SlotContext ctx;

  private Slot(int number, SlotDatabase db, ChunkFiles files, SlotContext ctx) {
    this.number = number;
    this.db = db;
    this.files = files;
    this.ctx = ctx;
  }

  /**
   * Opens the slot in {@code dir}, creating it when {@code create} is set, and reclaims the directories of
   * writes that never committed.
   *
   * @return the slot, or null if it does not exist and {@code create} is not set
   */
  public static Slot open(int number, Path dir, FileStore fileStore, boolean create, SlotContext ctx) {
    Path meta = dir.resolve("meta.sqlite3");
    Path blobs = dir.resolve("blobs");
    try {
      if (!Files.exists(meta)) {
        if (!create) {
          return null;
        }
        Files.createDirectories(blobs);
        ChunkFiles.fsyncDirectory(dir);
        ChunkFiles.fsyncDirectory(dir.getParent());
      } else {
        Files.createDirectories(blobs);
      }
    } catch (IOException e) {
      throw BlobStoreException.io("creating slot directory " + dir, e);
    }
    SlotDatabase db = SlotDatabase.open(meta);
    Slot slot = new Slot(number, db, new ChunkFiles(blobs, fileStore, ctx.minFreeBytes()), ctx);
    try {
      slot.reclaimOrphans();
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return slot;
  }

  /** Deletes the directories of writes that never committed (after a crash or a failed delete). */
  private void reclaimOrphans() {
    for (String blobId : db.orphanedReclaims()) {
      try {
        files.deleteBlob(blobId);
        db.removeReclaim(blobId);
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
    int threshold = ctx.inlineThreshold();
    long now = ctx.clock().millis();
    byte[] head = new byte[threshold + 1];
    int n;
    try {
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw BlobStoreException.of(Reason.INPUT_FAILED, "reading the data to store failed: " + e.getMessage(), e);
    }
    if (n > ctx.maxBlobSize()) {
      throw BlobStoreException.of(Reason.TOO_LARGE, "the blob is larger than the maximum of " + ctx.maxBlobSize() + " bytes");
    }
    String blobId = ctx.newBlobId();
    if (n <= threshold) {
      files.requireSpace(n);
      CRC32C crc = new CRC32C();
      crc.update(head, 0, n);
      byte[] data = n == head.length ? head : java.util.Arrays.copyOf(head, n);
      VersionRow row = new VersionRow(path, 0, blobId, SlotSchema.LIVE, n, options.contentType(), now, now,
          ctx.chunkSize(), 0, VersionRow.packChecksums(new int[] {(int) crc.getValue()}), true, null);
      long version = db.commitVersion(row, data, options.expectedVersion(), false);
      return withVersion(row, version).toInfo();
    }
    db.addReclaim(blobId, now);
    try {
      ChunkFiles.Written w = files.write(blobId, head, n, in, ctx.chunkSize(), ctx.maxBlobSize());
      VersionRow row = new VersionRow(path, 0, blobId, SlotSchema.LIVE, w.size(), options.contentType(), now, now,
          ctx.chunkSize(), w.chunkCount(), VersionRow.packChecksums(w.crcs()), false, null);
      long version = db.commitVersion(row, null, options.expectedVersion(), false);
      return withVersion(row, version).toInfo();
    } catch (RuntimeException e) {
      discard(blobId);
      throw e;
    }
  }

  private void discard(String blobId) {
    try {
      files.deleteBlob(blobId);
      db.removeReclaim(blobId);
    } catch (IOException | RuntimeException e) {
      log.warn("slot {}: could not delete the bytes of failed write {} yet; they are reclaimed on next open: {}",
          number, blobId, e.toString());
    }
  }

  /** Writes a delete marker; see {@code BlobStore.delete}. */
  public BlobInfo delete(String path) {
    long now = ctx.clock().millis();
    VersionRow row = new VersionRow(path, 0, ctx.newBlobId(), SlotSchema.MARKER, 0, null, now, now,
        ctx.chunkSize(), 0, new byte[0], true, null);
    long version = db.commitVersion(row, new byte[0], OptionalLong.empty(), true);
    return withVersion(row, version).toInfo();
  }

  /** Tombstones one version; see {@code BlobStore.deleteVersion}. */
  public BlobInfo deleteVersion(String path, long version) {
    return db.tombstone(path, version, ctx.clock().millis()).toInfo();
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
    if (row.state() != SlotSchema.LIVE) {
      throw BlobStoreException.of(Reason.DELETED, "version " + row.version() + " of '" + path + "' is "
          + (row.state() == SlotSchema.MARKER ? "a delete marker" : "tombstoned"));
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
    SlotDatabase.Collected c = db.collect(cutoff, ctx.clock().millis());
    for (String blobId : c.chunkedBlobIds()) {
      discard(blobId);
    }
    return c.report();
  }

  private static VersionRow withVersion(VersionRow r, long version) {
    return new VersionRow(r.path(), version, r.blobId(), r.state(), r.size(), r.contentType(), r.createdAt(),
        r.stateChangedAt(), r.chunkSize(), r.chunkCount(), r.checksums(), r.inline(), null);
  }

  @Override
  public void close() {
    db.close();
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

    /** Whether blob {@code blobId} of slot {@code slot} is still committed (for reads racing a delete). */
    boolean stillCommitted(int slot, String blobId);
  }
}
