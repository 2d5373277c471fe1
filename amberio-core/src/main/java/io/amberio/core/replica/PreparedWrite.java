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

import io.amberio.core.BlobStoreException;
import java.nio.ByteBuffer;

/** A transaction being prepared: stream its bytes, then finish or abandon it. Not thread-safe. */
public interface PreparedWrite extends AutoCloseable {

  /**
   * Appends bytes (PUT only; a MARKER or TOMBSTONE takes none). The buffer's remaining bytes are
   * consumed. At most one chunk is buffered in memory; full chunks go to disk as more bytes arrive.
   *
   * @throws BlobStoreException TOO_LARGE, NO_SPACE, IO_ERROR; after a failure the write is
   *     abandoned. NOT_FOUND if the transaction was aborted meanwhile, CLOSED if the store was
   *     closed
   * @throws IllegalArgumentException if bytes are given to a MARKER or TOMBSTONE
   * @throws IllegalStateException after {@link #finish()} or {@link #abandon()}
   */
  void write(ByteBuffer bytes);

  /**
   * Makes the transaction durably prepared and returns this replica's vote.
   *
   * @throws BlobStoreException NOT_FOUND / DELETED (a marker on a never-written path, a tombstone
   *     of a missing or collected version), NO_SPACE, IO_ERROR, CLOSED; after a failure the write
   *     is abandoned
   * @throws IllegalStateException after {@link #finish()} or {@link #abandon()}
   */
  PreparedTxn finish();

  /**
   * Drops the write, releases the path lock and reclaims its bytes. Idempotent; no-op after finish.
   */
  void abandon();

  /** Same as {@link #abandon()}. */
  @Override
  void close();
}
