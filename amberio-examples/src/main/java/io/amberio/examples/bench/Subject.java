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
package io.amberio.examples.bench;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * One thing the bench measures: the embedded store, the node over HTTP, or a baseline. Each worker
 * thread of a cell opens its own {@link Session} (a connection, buffers, a file), so a session
 * needs no locking.
 */
interface Subject extends AutoCloseable {

  /**
   * The name in the table: {@code embedded}, {@code http}, {@code file-per-blob}, {@code
   * fsync-limit}.
   */
  String name();

  /** Whether this subject lists keys (see {@link Session#list}). */
  default boolean lists() {
    return false;
  }

  /** Whether this subject reads blobs back (the fsync limit only writes). */
  default boolean reads() {
    return true;
  }

  /**
   * Brings the subject to a steady state before its cells (not timed); returns a note for the
   * report, or null when there is nothing to prepare.
   */
  default String prepare() {
    return null;
  }

  /** Opens a session for one worker thread; called on that thread, outside the timed part. */
  Session open(int worker) throws IOException;

  /** Removes blobs a cell wrote so the next cells have the disk space; not timed. */
  void reclaim(List<String> keys) throws IOException;

  @Override
  void close() throws IOException;

  /** One worker's handle: not thread-safe, used by one thread at a time. */
  interface Session extends AutoCloseable {

    /**
     * Writes {@code size} bytes read from {@code data} under {@code key}, durably, then returns.
     */
    void put(String key, InputStream data, long size) throws IOException;

    /** Reads all bytes of {@code key} into a reusable buffer and returns how many there were. */
    long get(String key) throws IOException;

    /**
     * Lists every key under {@code prefix} (current versions, in pages of {@value
     * ListingSection#PAGE} where the subject pages) and returns how many there were.
     *
     * @throws UnsupportedOperationException if the subject cannot list
     */
    default long list(String prefix) throws IOException {
      throw new UnsupportedOperationException("cannot list");
    }

    @Override
    void close() throws IOException;
  }
}
