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
import java.io.InputStream;
import java.util.List;

/**
 * The catch-up duty of a replica: what it holds, in an order every replica shares (blob-id order,
 * since a committed version keeps its transaction's id on every replica), and copying a version a
 * peer decided.
 */
public interface ReplicaHistory {

  /** The highest version {@code path} has ever had here (0 if never written). */
  long maxVersion(String path);

  /**
   * Committed versions of {@code slot} (every state: live, tombstoned, marker) whose blob id is
   * greater than {@code after} (null: from the start), in ascending blob-id order, at most {@code
   * limit}. Garbage-collected versions are not listed.
   *
   * @throws IllegalArgumentException if {@code slot} is not in {@code [0, slotCount())} or {@code
   *     limit < 1}
   */
  List<BlobInfo> versionsAfter(int slot, BlobId after, int limit);

  /**
   * Stores a committed version copied from a peer replica: same path, version, blob id, state,
   * size, content type and timestamp, so its {@link BlobInfo} is equal on both. {@code data} holds
   * its bytes (live versions only; not read otherwise; read to its end, not closed). Versions may
   * arrive in any order: the path's highest version becomes the larger of its own and this one, and
   * the current version follows the usual rule. A tombstoned version is stored without bytes; its
   * retention runs from now. Idempotent: a version already held with the same blob id gets only its
   * state brought level (a tombstone applied; a local tombstone is never lifted); the bytes are
   * then not read.
   *
   * <p>A version removed here by garbage collection is not remembered, so importing it again from a
   * peer that has not collected it yet stores it again; callers compare with {@link #maxVersion}
   * first.
   *
   * @throws BlobStoreException VERSION_CONFLICT if the path holds that version with another blob
   *     id, or the blob id is another version here; BUSY if the blob id is a transaction prepared
   *     here (commit or abort it instead); CORRUPT if the bytes do not have the given size (nothing
   *     is stored); TOO_LARGE, INVALID_PATH, INPUT_FAILED, IO_ERROR, NO_SPACE, CLOSED
   */
  BlobInfo importVersion(BlobInfo version, InputStream data);

  /**
   * Stores several versions copied from a peer, as {@link #importVersion} does each, with one
   * journal flush for all of them: the way to copy many small versions. {@code data.get(i)} holds
   * the bytes of {@code versions.get(i)} (live versions only; ignored otherwise). Every version is
   * imported that can be; then the first failure, if any, is thrown (a retry is safe: imports are
   * idempotent).
   *
   * @return what each version is here, in order (when nothing failed)
   * @throws IllegalArgumentException if the lists differ in size
   * @throws BlobStoreException as {@link #importVersion}
   */
  default List<BlobInfo> importVersions(List<BlobInfo> versions, List<byte[]> data) {
    if (versions.size() != data.size()) {
      throw new IllegalArgumentException(
          versions.size() + " versions but " + data.size() + " byte arrays");
    }
    List<BlobInfo> out = new java.util.ArrayList<>();
    RuntimeException first = null;
    for (int i = 0; i < versions.size(); i++) {
      try {
        byte[] b = data.get(i) == null ? new byte[0] : data.get(i);
        out.add(importVersion(versions.get(i), new java.io.ByteArrayInputStream(b)));
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
    return out;
  }

  /**
   * The checksums this store keeps of a live version, so that another replica can check the bytes
   * it copies before importing them.
   *
   * @throws BlobStoreException NOT_FOUND or DELETED as {@code head(path, version)}
   */
  VersionChecksums checksums(String path, long version);
}
