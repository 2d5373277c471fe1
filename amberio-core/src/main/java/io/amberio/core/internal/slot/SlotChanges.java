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
import io.amberio.core.internal.journal.Journal;
import io.amberio.core.internal.journal.JournalRecord;
import io.amberio.core.internal.meta.SlotDatabase;
import io.amberio.core.internal.row.VersionRow;
import io.amberio.core.internal.slot.Slot.SlotContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a slot's metadata changes: under the slot's write lock, a change is appended to the
 * journal of its disk and then applied to the slot's database. Plain writes ({@link Slot}),
 * transactions ({@link SlotTransactions}) and imports ({@link SlotHistory}) all change the slot
 * through this object, so the one write lock orders them all.
 *
 * <p>If applying fails after the record is durable, numbering from the database would be wrong, and
 * only a replay (reopening the store) can bring the database level: the slot is then
 * <em>fenced</em> and refuses every further change. Bytes on disk follow the metadata: a reclaim
 * record is made durable before a blob's chunk files are created, and the files of a discarded
 * write or a collected version are deleted after the change that drops them (what a crash leaves in
 * between, the sweep on open deletes).
 */
final class SlotChanges {
  private static final Logger log = LoggerFactory.getLogger(Slot.class);

  final int number;
  final SlotDatabase db;
  final ChunkFiles files;
  final SlotContext ctx;
  final ReentrantLock writeLock = new ReentrantLock();
  // Set when a journaled change could not be applied: the slot then refuses writes until reopened.
  private volatile RuntimeException failed;

  SlotChanges(int number, SlotDatabase db, ChunkFiles files, SlotContext ctx) {
    this.number = number;
    this.db = db;
    this.files = files;
    this.ctx = ctx;
  }

  /**
   * Whether a journaled change could not be applied, so the slot takes no more changes until
   * reopened.
   */
  boolean fenced() {
    return failed != null;
  }

  /**
   * Appends a record to the journal, then applies it; a failed apply fences the slot (see {@link
   * #fenced()}).
   */
  private void requireUsable() {
    if (failed != null) {
      throw BlobStoreException.of(
          Reason.IO_ERROR,
          "slot " + number + " stopped taking writes after an earlier failure; reopen the store",
          failed);
    }
  }

  void journaled(JournalRecord record, boolean sync) {
    requireUsable();
    Journal journal = ctx.journal(number);
    Journal.Ticket ticket = journal.append(record, sync);
    try {
      db.apply(record);
    } catch (RuntimeException e) {
      // The record is durable but not applied: numbering from the database would now be wrong. Only
      // a
      // replay (reopening the store) can bring the database level, so refuse writes until then.
      failed = e;
      throw e;
    } finally {
      journal.applied(ticket);
    }
  }

  /**
   * Journals {@code records} with one flush for all of them (the last append waits for it, and it
   * covers those before: they are in the same journal), then applies each. Caller holds {@code
   * writeLock}.
   */
  void journaledAll(List<JournalRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    requireUsable();
    Journal journal = ctx.journal(number);
    List<Journal.Ticket> tickets = new ArrayList<>();
    try {
      for (int i = 0; i < records.size(); i++) {
        tickets.add(journal.append(records.get(i), i == records.size() - 1));
      }
      try {
        for (JournalRecord r : records) {
          db.apply(r);
        }
      } catch (RuntimeException e) {
        // As in journaled: durable but not applied, so refuse writes until a reopen replays them.
        failed = e;
        throw e;
      }
    } finally {
      for (Journal.Ticket t : tickets) {
        journal.applied(t);
      }
    }
  }

  void discard(String blobId) {
    try {
      files.deleteBlob(blobId);
      writeLock.lock();
      try {
        journaled(new JournalRecord.RemoveReclaim(number, blobId), false);
      } finally {
        writeLock.unlock();
      }
    } catch (IOException | RuntimeException e) {
      log.warn(
          "slot {}: could not delete the bytes of blob {} yet; they are reclaimed on next open: {}",
          number,
          blobId,
          e.toString());
    }
  }

  // After a failed apply the slot is fenced and its journal may hold a record naming these bytes (a
  // Prepare that is durable but not applied): leave them to the reclaim sweep after the replay on
  // reopen.
  void discardUnlessFenced(String blobId) {
    if (failed != null) {
      log.warn("slot {}: keeping the bytes of blob {} until the slot is reopened", number, blobId);
      return;
    }
    discard(blobId);
  }

  /**
   * Makes the reclaim record of a blob's chunk files durable; called before they are created (by a
   * put, an import, or a prepared write), so a crash in between leaves nothing the sweep on open
   * cannot find.
   */
  void recordReclaim(String blobId) {
    writeLock.lock();
    try {
      journaled(new JournalRecord.AddReclaim(number, blobId, ctx.clock().millis()), true);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Reads the first {@code head.length} bytes of a put or an import (the inline threshold plus one:
   * enough to tell an inline blob from a chunked one); returns how many there were. {@code what}
   * names the operation in the INPUT_FAILED message ("reading the data to store failed: ...").
   */
  static int readHead(InputStream in, byte[] head, String what) {
    try {
      return in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw BlobStoreException.of(
          Reason.INPUT_FAILED, "reading the data to " + what + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * The {@code checksums} of an inline blob, {@code data[0, length)}: one CRC32C, as if it were one
   * chunk.
   */
  static byte[] inlineChecksums(byte[] data, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, 0, length);
    return VersionRow.packChecksums(new int[] {(int) crc.getValue()});
  }
}
