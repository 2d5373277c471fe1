package io.amberio.core;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * A {@link BlobStore} that can also take part in a two-phase commit as one replica of a slot, and copy
 * versions from a peer replica. The cluster layer drives it; applications use {@link BlobStore}.
 *
 * <p><b>Prepare.</b> {@link #prepare} takes the path's lock without waiting (a path holds at most one
 * prepared transaction; a second prepare, or a plain {@code put}/{@code delete}/{@code deleteVersion} of
 * that path, fails with {@link BlobStoreException.Reason#BUSY}). A plain write does not hold the path while
 * it streams its bytes: if a prepare takes the path meanwhile, the plain write fails with BUSY when it
 * commits. So from the moment a transaction is prepared until it is decided, no plain write changes the
 * path, and the vote stays true. {@link #importVersion} is not held up by the lock (it copies history that
 * was decided elsewhere). The caller then streams the bytes with
 * {@link PreparedWrite#write} and calls {@link PreparedWrite#finish()}, which checks what the write needs
 * (for a marker: the path exists; for a tombstone: the version exists and is not collected), makes the
 * bytes and a <em>prepared record</em> durable (journal + fsync), and returns the replica's vote: its
 * highest version of the path. A prepared transaction survives a crash: after reopening, it is listed by
 * {@link #preparedTxns()}, still holds its path lock, and its bytes are not reclaimed, until
 * {@link #commitPrepared} or {@link #abortPrepared} resolves it.
 *
 * <p><b>Identity.</b> The transaction id is the blob id of the version it writes (a ULID chosen by the
 * coordinator, identical on every replica). Committed versions keep it, so replicas can be compared by
 * blob-id order.
 */
public interface ReplicaStore extends BlobStore {

  /**
   * Starts a prepared write: validates the path, takes the path lock (never waiting), and for a PUT
   * prepares to receive bytes. Nothing is durable yet: a crash or {@link PreparedWrite#abandon()} before
   * {@link PreparedWrite#finish()} leaves nothing behind (bytes are reclaimed).
   *
   * @throws BlobStoreException INVALID_PATH, BUSY (the path has a prepared or preparing transaction),
   *     CLOSED, IO_ERROR, NO_SPACE
   * @throws IllegalArgumentException if the txn id is already known to this store (preparing, prepared, or
   *     committed in the path's slot), or a PUT's content type breaks the rules of {@link PutOptions}
   */
  PreparedWrite prepare(PrepareSpec spec);

  /**
   * Makes a prepared transaction visible as {@code version} (PUT, MARKER: must be the path's highest version
   * plus one, which the path lock guarantees unless {@link #importVersion} raised it meanwhile; TOMBSTONE:
   * the version named at prepare, {@code version} is ignored). The version gets the transaction id as blob
   * id and {@link PrepareSpec#createdAtMillis()} as its time (a tombstone: as the time of its state change).
   * Idempotent: committing a transaction that is already committed returns the version as it is now (for
   * example, tombstoned since); this works until garbage collection removes the version. A transaction
   * this process has not seen (undecided, or decided recently) is looked for in every slot.
   *
   * @throws BlobStoreException NOT_FOUND if the store knows no such transaction (never prepared, or
   *     aborted); VERSION_CONFLICT if {@code version} is not max + 1 (a caller bug); IO_ERROR, CLOSED
   */
  BlobInfo commitPrepared(BlobId txn, long version);

  /**
   * Drops a prepared transaction (or one still receiving bytes: its writer's next call fails with
   * NOT_FOUND): its path lock is released and its bytes are reclaimed. Idempotent.
   *
   * @return true if something was aborted, false if the store knew no such pending transaction
   * @throws BlobStoreException IO_ERROR, CLOSED
   * @throws IllegalStateException if the transaction is committed (detected when this process saw the
   *     transaction undecided or decided; an abort of a transaction committed before a restart and never
   *     named since returns false)
   */
  boolean abortPrepared(BlobId txn);

  /**
   * Every durable prepared transaction of every slot, by slot, then txn (opens every existing slot; meant
   * for start-up). Transactions still receiving bytes are not listed.
   */
  List<PreparedTxn> preparedTxns();

  /**
   * The durable prepared transactions of one slot, in txn order.
   *
   * @throws IllegalArgumentException if {@code slot} is not in {@code [0, slotCount())}
   */
  List<PreparedTxn> preparedTxns(int slot);

  /** The prepared (durable, undecided) transaction holding {@code path}, if any. */
  Optional<PreparedTxn> preparedOn(String path);

  /**
   * The id this store was given when it was created (kept in every data directory). A store rebuilt on
   * empty disks has a new one, which is how a cluster tells that a replica lost what it held.
   */
  String storeId();

  /** The highest version {@code path} has ever had here (0 if never written). */
  long maxVersion(String path);

  /**
   * Committed versions of {@code slot} (every state: live, tombstoned, marker) whose blob id is greater
   * than {@code after} (null: from the start), in ascending blob-id order, at most {@code limit}.
   * Garbage-collected versions are not listed.
   *
   * @throws IllegalArgumentException if {@code slot} is not in {@code [0, slotCount())} or {@code limit < 1}
   */
  List<BlobInfo> versionsAfter(int slot, BlobId after, int limit);

  /**
   * Stores a committed version copied from a peer replica: same path, version, blob id, state, size,
   * content type and timestamp, so its {@link BlobInfo} is equal on both. {@code data} holds its bytes
   * (live versions only; not read otherwise; read to its end, not closed). Versions may arrive in any
   * order: the path's highest version becomes the larger of its own and this one, and the current version
   * follows the usual rule. A tombstoned version is stored without bytes; its retention runs from now.
   * Idempotent: a version already held with the same blob id gets only its state brought level (a
   * tombstone applied; a local tombstone is never lifted); the bytes are then not read.
   *
   * <p>A version removed here by garbage collection is not remembered, so importing it again from a peer
   * that has not collected it yet stores it again; callers compare with {@link #maxVersion} first.
   *
   * @throws BlobStoreException VERSION_CONFLICT if the path holds that version with another blob id, or
   *     the blob id is another version here; BUSY if the blob id is a transaction prepared here (commit or
   *     abort it instead); CORRUPT if the bytes do not have the given size (nothing is stored); TOO_LARGE,
   *     INVALID_PATH, INPUT_FAILED, IO_ERROR, NO_SPACE, CLOSED
   */
  BlobInfo importVersion(BlobInfo version, InputStream data);

  /** What a prepared transaction writes. */
  enum TxnKind {
    /** A new live version with bytes. */
    PUT,
    /** A delete marker (path-level delete). */
    MARKER,
    /** A tombstone of an existing version. */
    TOMBSTONE
  }

  /**
   * A transaction to prepare.
   *
   * @param txn the transaction id, also the blob id of the version written (for a TOMBSTONE, only an id)
   * @param path the path
   * @param kind what is written
   * @param tombstoneVersion for TOMBSTONE, the version to tombstone (at least 1); 0 otherwise
   * @param contentType for PUT, the media type (null: none given, stored as
   *     {@link PutOptions#DEFAULT_CONTENT_TYPE}); ignored otherwise
   * @param createdAtMillis the time the coordinator stamps on the version (or the tombstone)
   * @param context opaque bytes kept with the prepared record for the caller (at most 4096 bytes)
   */
  record PrepareSpec(BlobId txn, String path, TxnKind kind, long tombstoneVersion, String contentType,
      long createdAtMillis, byte[] context) {
    public PrepareSpec {
      java.util.Objects.requireNonNull(txn, "txn");
      java.util.Objects.requireNonNull(path, "path");
      java.util.Objects.requireNonNull(kind, "kind");
      context = context == null ? new byte[0] : context.clone();
      if (context.length > 4096) {
        throw new IllegalArgumentException("context is larger than 4096 bytes: " + context.length);
      }
      if (kind == TxnKind.TOMBSTONE ? tombstoneVersion < 1 : tombstoneVersion != 0) {
        throw new IllegalArgumentException("tombstoneVersion " + tombstoneVersion + " does not fit kind " + kind);
      }
    }

    @Override
    public byte[] context() {
      return context.clone();
    }
  }

  /** A transaction being prepared: stream its bytes, then finish or abandon it. Not thread-safe. */
  interface PreparedWrite extends AutoCloseable {

    /**
     * Appends bytes (PUT only; a MARKER or TOMBSTONE takes none). The buffer's remaining bytes are consumed.
     * At most one chunk is buffered in memory; full chunks go to disk as more bytes arrive.
     *
     * @throws BlobStoreException TOO_LARGE, NO_SPACE, IO_ERROR; after a failure the write is abandoned.
     *     NOT_FOUND if the transaction was aborted meanwhile, CLOSED if the store was closed
     * @throws IllegalArgumentException if bytes are given to a MARKER or TOMBSTONE
     * @throws IllegalStateException after {@link #finish()} or {@link #abandon()}
     */
    void write(ByteBuffer bytes);

    /**
     * Makes the transaction durably prepared and returns this replica's vote.
     *
     * @throws BlobStoreException NOT_FOUND / DELETED (a marker on a never-written path, a tombstone of a
     *     missing or collected version), NO_SPACE, IO_ERROR, CLOSED; after a failure the write is abandoned
     * @throws IllegalStateException after {@link #finish()} or {@link #abandon()}
     */
    PreparedTxn finish();

    /** Drops the write, releases the path lock and reclaims its bytes. Idempotent; no-op after finish. */
    void abandon();

    /** Same as {@link #abandon()}. */
    @Override
    void close();
  }

  /**
   * A durable prepared transaction.
   *
   * @param slot the slot of the path
   * @param spec what was prepared
   * @param size the bytes received (PUT), else 0
   * @param maxVersion the path's highest version when it was prepared (the replica's vote)
   */
  record PreparedTxn(int slot, PrepareSpec spec, long size, long maxVersion) {}
}
