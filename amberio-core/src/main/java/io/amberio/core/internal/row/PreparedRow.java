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
package io.amberio.core.internal.row;

/**
 * One row of the {@code prepared} table (see {@code SlotSchema}): a durable, undecided
 * two-phase-commit transaction.
 *
 * @param txn the transaction id (for a PUT or MARKER, also the blob id of the version it writes)
 * @param kind {@link #TXN_PUT}, {@link #TXN_MARKER} or {@link #TXN_TOMBSTONE}
 * @param tombstoneVersion for a tombstone, the version it tombstones; 0 otherwise
 * @param contentType the content type as the coordinator gave it (may be null)
 * @param createdAt the coordinator's time, stamped on the version (or the tombstone) at commit
 * @param context the caller's opaque bytes
 * @param maxVersion the path's highest version when the transaction was prepared
 * @param size the number of bytes (PUT), else 0
 * @param checksums as in {@link VersionRow#checksums()}
 * @param inline whether the bytes are in the row (always for MARKER and TOMBSTONE: none)
 * @param inlineData the bytes of an inline PUT when they were asked for, else {@code null}
 * @param preparedAt the local time the transaction was prepared
 */
public record PreparedRow(
    String txn,
    String path,
    int kind,
    long tombstoneVersion,
    String contentType,
    long createdAt,
    byte[] context,
    long maxVersion,
    long size,
    int chunkSize,
    int chunkCount,
    byte[] checksums,
    boolean inline,
    byte[] inlineData,
    long preparedAt) {
  /** Kind code of a prepared transaction that writes a live version with bytes. */
  public static final int TXN_PUT = 0;

  /** Kind code of a prepared transaction that writes a delete marker. */
  public static final int TXN_MARKER = 1;

  /** Kind code of a prepared transaction that tombstones a version. */
  public static final int TXN_TOMBSTONE = 2;

  /** Whether the transaction has chunk files under {@code blobs/<txn>/}. */
  public boolean chunked() {
    return !inline;
  }
}
