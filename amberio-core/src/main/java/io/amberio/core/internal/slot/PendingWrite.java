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

import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.internal.row.VersionRow;
import io.amberio.core.replica.PrepareSpec;
import io.amberio.core.replica.PreparedTxn;
import io.amberio.core.replica.PreparedWrite;
import io.amberio.core.replica.TxnKind;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A prepared write receiving its bytes (see {@link PreparedWrite}); it holds its path in its {@link
 * SlotTransactions} from creation until it is finished or abandoned.
 *
 * <p>Bytes are pushed, so they are buffered up to one chunk. A full chunk is written out only once
 * more bytes arrive: a blob that ends within the inline threshold is then never written to a file,
 * exactly as {@code Slot.put} decides it. The first chunk file is preceded by a durable reclaim
 * record, so a crash at any point before {@link #finish()} leaves nothing that the next open does
 * not delete.
 *
 * <p>One caller drives a write, but {@code abortPrepared} (and closing the store) may abandon it
 * from another thread: every method runs under {@link #lock}, so an abort waits for a running
 * {@code write} to return and the writer then finds the write abandoned.
 */
public final class PendingWrite implements PreparedWrite {

  /** Told once when the write ends: {@code prepared} true after finish, false when abandoned. */
  public interface Done {
    void ended(boolean prepared);
  }

  private enum State {
    OPEN,
    FINISHED,
    ABANDONED
  }

  private static final byte[] EMPTY = new byte[0];

  private final SlotTransactions transactions;
  private final SlotChanges changes;
  private final PrepareSpec spec;
  private final String txn;
  private final int chunkSize;
  private final int inlineThreshold;
  private final long maxBlobSize;
  private final Done done;
  private final ReentrantLock lock = new ReentrantLock();
  // @GuardedBy("lock") from here on
  private State state = State.OPEN;
  private BlobStoreException
      abortedBy; // set when someone else abandoned the write; rethrown to the writer
  private byte[] buffer = EMPTY;
  private int filled;
  private long total;
  private boolean chunked; // a reclaim record exists: the blob's directory may too
  private int[] crcs = new int[4];
  private int chunks;

  PendingWrite(
      SlotTransactions transactions,
      SlotChanges changes,
      PrepareSpec spec,
      int chunkSize,
      int inlineThreshold,
      long maxBlobSize,
      Done done) {
    this.transactions = transactions;
    this.changes = changes;
    this.spec = spec;
    this.txn = spec.txn().toString();
    this.chunkSize = chunkSize;
    this.inlineThreshold = inlineThreshold;
    this.maxBlobSize = maxBlobSize;
    this.done = done;
  }

  /** The transaction id. */
  String txn() {
    return txn;
  }

  @Override
  public void write(ByteBuffer bytes) {
    Objects.requireNonNull(bytes, "bytes");
    lock.lock();
    try {
      requireOpen();
      if (spec.kind() != TxnKind.PUT) {
        if (bytes.hasRemaining()) {
          throw new IllegalArgumentException("a " + spec.kind() + " transaction takes no bytes");
        }
        return;
      }
      try {
        if (total + bytes.remaining() > maxBlobSize) {
          throw BlobStoreException.of(
              Reason.TOO_LARGE, "the blob is larger than the maximum of " + maxBlobSize + " bytes");
        }
        while (bytes.hasRemaining()) {
          if (filled == chunkSize) {
            flushChunk(); // more bytes follow, so the full buffer is a chunk
          }
          grow((int) Math.min(chunkSize, (long) filled + bytes.remaining()));
          int take = Math.min(bytes.remaining(), buffer.length - filled);
          bytes.get(buffer, filled, take);
          filled += take;
          total += take;
        }
      } catch (RuntimeException e) {
        abandonLocked(null);
        throw e;
      }
    } finally {
      lock.unlock();
    }
  }

  private void grow(int needed) {
    if (buffer.length < needed) {
      int size = (int) Math.min(chunkSize, Math.max(needed, Math.max(8192L, 2L * buffer.length)));
      buffer = Arrays.copyOf(buffer, size);
    }
  }

  private void flushChunk() {
    if (!chunked) {
      changes.recordReclaim(txn);
      chunked = true;
      changes.files.create(txn);
    }
    int crc = changes.files.writeChunk(txn, chunks, buffer, filled);
    if (chunks == crcs.length) {
      crcs = Arrays.copyOf(crcs, 2 * chunks);
    }
    crcs[chunks++] = crc;
    filled = 0;
  }

  @Override
  public PreparedTxn finish() {
    lock.lock();
    try {
      requireOpen();
      PreparedTxn prepared;
      try {
        if (spec.kind() != TxnKind.PUT) {
          prepared = transactions.completePrepare(spec, 0, chunkSize, 0, EMPTY, true, EMPTY);
        } else if (!chunked && filled <= inlineThreshold) {
          changes.files.requireSpace(filled);
          prepared =
              transactions.completePrepare(
                  spec,
                  total,
                  chunkSize,
                  0,
                  SlotChanges.inlineChecksums(buffer, filled),
                  true,
                  Arrays.copyOf(buffer, filled));
        } else {
          if (filled > 0) {
            flushChunk();
          }
          changes.files.seal(txn);
          prepared =
              transactions.completePrepare(
                  spec,
                  total,
                  chunkSize,
                  chunks,
                  VersionRow.packChecksums(Arrays.copyOf(crcs, chunks)),
                  false,
                  null);
        }
      } catch (RuntimeException e) {
        abandonLocked(null);
        throw e;
      }
      state = State.FINISHED;
      buffer = null;
      done.ended(true);
      return prepared;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void abandon() {
    lock.lock();
    try {
      if (state == State.OPEN) {
        abandonLocked(null);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    abandon();
  }

  /**
   * Abandons the write on behalf of someone other than its writer; later calls of the writer fail
   * with {@code why}.
   *
   * @return true if the write was still open, false if it had finished or was abandoned already
   */
  public boolean abortFromOutside(BlobStoreException why) {
    lock.lock();
    try {
      if (state != State.OPEN) {
        return false;
      }
      abandonLocked(why);
      return true;
    } finally {
      lock.unlock();
    }
  }

  // @GuardedBy("lock")
  private void abandonLocked(BlobStoreException why) {
    state = State.ABANDONED;
    abortedBy = why;
    buffer = null;
    try {
      transactions.dropPending(txn, chunked);
    } finally {
      done.ended(false);
    }
  }

  // @GuardedBy("lock")
  private void requireOpen() {
    if (state == State.OPEN) {
      return;
    }
    if (abortedBy != null) {
      throw BlobStoreException.of(abortedBy.reason(), abortedBy.getMessage());
    }
    throw new IllegalStateException(
        "the write of transaction "
            + txn
            + " was "
            + (state == State.FINISHED ? "finished" : "abandoned")
            + " already");
  }
}
