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

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The bytes of one version, opened for reading: its metadata, the range being read, and a stream
 * over exactly those bytes. The stream reads chunks lazily and verifies each chunk's checksum
 * before returning any of its bytes; a corrupt chunk makes {@code read} throw a {@link
 * BlobStoreException} with reason CORRUPT. Close it when done.
 */
public final class BlobContent implements Closeable {
  private final BlobInfo info;
  private final ByteRange.Resolved range;
  private final InputStream stream;

  /** Wraps a stream over {@code range} of the version {@code info}. */
  public BlobContent(BlobInfo info, ByteRange.Resolved range, InputStream stream) {
    this.info = Objects.requireNonNull(info, "info");
    this.range = Objects.requireNonNull(range, "range");
    this.stream = Objects.requireNonNull(stream, "stream");
  }

  /** The version being read. */
  public BlobInfo info() {
    return info;
  }

  /** The bytes being read: offset and length within the version. */
  public ByteRange.Resolved range() {
    return range;
  }

  /** Whether a part of the version (not the whole of it) is being read. */
  public boolean isPartial() {
    return range.offset() != 0 || range.length() != info.size();
  }

  /** The bytes of {@link #range()}; it ends after exactly {@code range().length()} bytes. */
  public InputStream stream() {
    return stream;
  }

  /** Reads the whole range into memory; for small blobs and tests. */
  public byte[] readAllBytes() {
    try {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw BlobStoreException.io("reading " + info.path() + " v" + info.version(), e);
    }
  }

  @Override
  public void close() {
    try {
      stream.close();
    } catch (IOException e) {
      throw BlobStoreException.io("closing " + info.path(), e);
    }
  }
}
