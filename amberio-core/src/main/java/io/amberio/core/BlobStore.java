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
package io.amberio.core;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.InputStream;

/**
 * A durable, versioned blob store over one or more local data directories.
 *
 * <p>Every path has versions 1, 2, 3, ... that are never reused. A version is live (bytes),
 * tombstoned (soft-deleted) or a delete marker. The <em>current</em> version of a path is its
 * newest live version, provided no delete marker is newer. The semantics follow the HTTP contract
 * of Amberio one to one.
 *
 * <p>All methods are thread-safe. Operational failures are {@link BlobStoreException}s carrying a
 * {@link BlobStoreException.Reason}; programming errors (null arguments, a non-positive version)
 * are standard unchecked exceptions. A returned {@link BlobInfo} describes a write that is durable:
 * its bytes and metadata were fsynced before the method returned.
 */
public interface BlobStore extends Closeable {

  /** Returns a builder for a store; see {@link BlobStoreBuilder} for the options. */
  static BlobStoreBuilder builder() {
    return new BlobStoreBuilder();
  }

  /**
   * Writes a new version of {@code path} with the bytes of {@code data}, read to its end (the
   * stream is not closed). Without an expected version the new version is {@code max + 1}; with
   * one, the write succeeds only if it equals {@code max + 1} and fails with {@code
   * VERSION_CONFLICT} otherwise.
   *
   * @throws BlobStoreException with reason INVALID_PATH, VERSION_CONFLICT, TOO_LARGE, NO_SPACE,
   *     INPUT_FAILED (reading {@code data} threw; the cause is chained), IO_ERROR or CLOSED;
   *     nothing is visible after a failure and partial bytes are reclaimed
   */
  BlobInfo put(String path, InputStream data, PutOptions options);

  /**
   * Writes {@code data} as a new version of {@code path}; see {@link #put(String, InputStream,
   * PutOptions)}.
   */
  default BlobInfo put(String path, byte[] data) {
    return put(path, new ByteArrayInputStream(data), PutOptions.defaults());
  }

  /**
   * Opens the bytes of a version for reading. The returned content must be closed. Chunks are read
   * lazily and each one is verified against its checksum before any of its bytes are returned.
   *
   * @throws BlobStoreException with reason INVALID_PATH, NOT_FOUND, DELETED, RANGE_NOT_SATISFIABLE,
   *     CORRUPT, IO_ERROR or CLOSED
   */
  BlobContent get(String path, GetOptions options);

  /** Opens the current version of {@code path}; see {@link #get(String, GetOptions)}. */
  default BlobContent get(String path) {
    return get(path, GetOptions.current());
  }

  /**
   * Returns the metadata of the current version of {@code path}, or fails with NOT_FOUND or
   * DELETED.
   */
  BlobInfo head(String path);

  /**
   * Returns the metadata of one version of {@code path}, or fails with NOT_FOUND (the path never
   * had that version) or DELETED (the version is tombstoned, a delete marker, or was
   * garbage-collected).
   */
  BlobInfo head(String path, long version);

  /**
   * Writes a delete marker as version {@code max + 1}; the path then has no current version. Fails
   * with NOT_FOUND when the path has never been written.
   *
   * @return the marker
   */
  BlobInfo delete(String path);

  /**
   * Tombstones one version. If it was the current one, the previous live version (when no delete
   * marker hides it) becomes current. Tombstoning a delete marker lifts it. Tombstoning an already
   * tombstoned version changes nothing and succeeds. Fails with NOT_FOUND when the version never
   * existed and with DELETED when it was garbage-collected.
   *
   * @return the version, now in state {@link VersionState#TOMBSTONED}
   */
  BlobInfo deleteVersion(String path, long version);

  /**
   * Lists paths that have a current version (or, with {@link ListRequest#allVersions()}, every
   * version) in ascending byte order of their UTF-8 path.
   *
   * @throws BlobStoreException with reason INVALID_CURSOR for a cursor this store did not produce
   */
  ListPage list(ListRequest request);

  /** The fixed number of slots of this store. */
  int slotCount();

  /**
   * The slot that holds {@code path}: a stable hash of its UTF-8 bytes modulo {@link #slotCount()}.
   */
  int slotOf(String path);

  /**
   * Counts the versions and bytes held by one slot, opening it if needed.
   *
   * @throws IllegalArgumentException if {@code slot} is not in {@code [0, slotCount())}
   */
  SlotStats slotStats(int slot);

  /**
   * The counters of this store's read cache (see {@link BlobStoreBuilder#readCacheBytes}); {@link
   * ReadCacheStats#NONE} for a store without one.
   */
  default ReadCacheStats readCacheStats() {
    return ReadCacheStats.NONE;
  }

  /**
   * Removes tombstoned versions and delete markers (with every version below a marker) whose
   * retention has passed, metadata and bytes, in every slot. The store also runs this periodically
   * on its scheduler.
   */
  GcReport collectGarbage();

  /**
   * Closes every open slot and stops background work. Further calls fail with CLOSED. Idempotent.
   */
  @Override
  void close();
}
