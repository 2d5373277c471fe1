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
import io.amberio.core.PutOptions;
import java.util.Objects;

/**
 * A transaction to prepare.
 *
 * @param txn the transaction id, also the blob id of the version written (for a TOMBSTONE, only an
 *     id)
 * @param path the path
 * @param kind what is written
 * @param tombstoneVersion for TOMBSTONE, the version to tombstone (at least 1); 0 otherwise
 * @param contentType for PUT, the media type (null: none given, stored as {@link
 *     PutOptions#DEFAULT_CONTENT_TYPE}); ignored otherwise
 * @param createdAtMillis the time the coordinator stamps on the version (or the tombstone)
 * @param context opaque bytes kept with the prepared record for the caller (at most 4096 bytes)
 * @param learner whether this replica prepares as a <em>learner</em>, one still copying the slot:
 *     the in-sync replicas decide the version, so a learner's prepare does not check that a
 *     marker's path exists (it may not have copied it yet), and a tombstone of a version it has not
 *     copied fails with BUSY (it must not tombstone a version it will import later). Not kept with
 *     the prepared record: whoever commits says again ({@link
 *     ReplicaTransactions#commitPrepared(BlobId, long, boolean)}).
 */
public record PrepareSpec(
    BlobId txn,
    String path,
    TxnKind kind,
    long tombstoneVersion,
    String contentType,
    long createdAtMillis,
    byte[] context,
    boolean learner) {

  /** A transaction prepared by a replica in sync (not a learner). */
  public PrepareSpec(
      BlobId txn,
      String path,
      TxnKind kind,
      long tombstoneVersion,
      String contentType,
      long createdAtMillis,
      byte[] context) {
    this(txn, path, kind, tombstoneVersion, contentType, createdAtMillis, context, false);
  }

  public PrepareSpec {
    Objects.requireNonNull(txn, "txn");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(kind, "kind");
    context = context == null ? new byte[0] : context.clone();
    if (context.length > 4096) {
      throw new IllegalArgumentException("context is larger than 4096 bytes: " + context.length);
    }
    if (kind == TxnKind.TOMBSTONE ? tombstoneVersion < 1 : tombstoneVersion != 0) {
      throw new IllegalArgumentException(
          "tombstoneVersion " + tombstoneVersion + " does not fit kind " + kind);
    }
  }

  @Override
  public byte[] context() {
    return context.clone();
  }
}
