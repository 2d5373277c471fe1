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
package io.amberio.core.replica;

import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.PutOptions;
import java.util.List;
import java.util.Optional;

/**
 * The two-phase-commit duty of a replica: prepare a transaction, then commit or abort it; and find
 * the transactions still undecided (after a restart, for example).
 *
 * <p><b>Prepare.</b> {@link #prepare} takes the path's lock without waiting (a path holds at most
 * one prepared transaction; a second prepare, or a plain {@code put}/{@code delete}/{@code
 * deleteVersion} of that path, fails with {@link BlobStoreException.Reason#BUSY}). A plain write
 * does not hold the path while it streams its bytes: if a prepare takes the path meanwhile, the
 * plain write fails with BUSY when it commits. So from the moment a transaction is prepared until
 * it is decided, no plain write changes the path, and the vote stays true. {@link
 * ReplicaHistory#importVersion} is not held up by the lock (it copies history that was decided
 * elsewhere). The caller then streams the bytes with {@link PreparedWrite#write} and calls {@link
 * PreparedWrite#finish()}, which checks what the write needs (for a marker: the path exists; for a
 * tombstone: the version exists and is not collected), makes the bytes and a <em>prepared
 * record</em> durable (journal + fsync), and returns the replica's vote: its highest version of the
 * path. A prepared transaction survives a crash: after reopening, it is listed by {@link
 * #preparedTxns()}, still holds its path lock, and its bytes are not reclaimed, until {@link
 * #commitPrepared} or {@link #abortPrepared} resolves it.
 *
 * <p><b>Identity.</b> The transaction id is the blob id of the version it writes (a ULID chosen by
 * the coordinator, identical on every replica). Committed versions keep it, so replicas can be
 * compared by blob-id order.
 */
public interface ReplicaTransactions {

  /**
   * Starts a prepared write: validates the path, takes the path lock (never waiting), and for a PUT
   * prepares to receive bytes. Nothing is durable yet: a crash or {@link PreparedWrite#abandon()}
   * before {@link PreparedWrite#finish()} leaves nothing behind (bytes are reclaimed).
   *
   * @throws BlobStoreException INVALID_PATH, BUSY (the path has a prepared or preparing
   *     transaction), CLOSED, IO_ERROR, NO_SPACE
   * @throws IllegalArgumentException if the txn id is already known to this store (preparing,
   *     prepared, or committed in the path's slot), or a PUT's content type breaks the rules of
   *     {@link PutOptions}
   */
  PreparedWrite prepare(PrepareSpec spec);

  /**
   * Makes a prepared transaction visible as {@code version} (PUT, MARKER: must be the path's
   * highest version plus one, which the path lock guarantees unless {@link
   * ReplicaHistory#importVersion} raised it meanwhile; TOMBSTONE: the version named at prepare,
   * {@code version} is ignored). The version gets the transaction id as blob id and {@link
   * PrepareSpec#createdAtMillis()} as its time (a tombstone: as the time of its state change).
   * Idempotent: committing a transaction that is already committed returns the version as it is now
   * (for example, tombstoned since); this works until garbage collection removes the version. A
   * transaction this process has not seen (undecided, or decided recently) is looked for in every
   * slot.
   *
   * @throws BlobStoreException NOT_FOUND if the store knows no such transaction (never prepared, or
   *     aborted); VERSION_CONFLICT if {@code version} is not max + 1 (a caller bug); IO_ERROR,
   *     CLOSED
   */
  BlobInfo commitPrepared(BlobId txn, long version);

  /**
   * Like {@link #commitPrepared(BlobId, long)}, for a transaction prepared {@linkplain
   * PrepareSpec#learner() as a learner} when {@code learner} is true: a PUT or MARKER version may
   * then be above the path's highest version plus one (the versions in between have not been copied
   * here yet and arrive later by {@link ReplicaHistory#importVersion}); it must still be above the
   * highest version. With {@code learner} false this is {@link #commitPrepared(BlobId, long)}.
   *
   * @throws BlobStoreException as {@link #commitPrepared(BlobId, long)}; VERSION_CONFLICT for a
   *     learner if {@code version} is not above the path's highest version
   */
  BlobInfo commitPrepared(BlobId txn, long version, boolean learner);

  /**
   * Drops a prepared transaction (or one still receiving bytes: its writer's next call fails with
   * NOT_FOUND): its path lock is released and its bytes are reclaimed. Idempotent.
   *
   * @return true if something was aborted, false if the store knew no such pending transaction
   * @throws BlobStoreException IO_ERROR, CLOSED
   * @throws IllegalStateException if the transaction is committed (detected when this process saw
   *     the transaction undecided or decided; an abort of a transaction committed before a restart
   *     and never named since returns false)
   */
  boolean abortPrepared(BlobId txn);

  /**
   * Every durable prepared transaction of every slot, by slot, then txn (opens every existing slot;
   * meant for start-up). Transactions still receiving bytes are not listed.
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
}
