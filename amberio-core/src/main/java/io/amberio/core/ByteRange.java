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

import java.util.Objects;

/**
 * Which bytes of a blob to read, as a client asks for them before the blob's size is known: the
 * whole blob, {@code first-last}, {@code first-} or the last {@code n} bytes. {@link
 * #resolve(long)} turns it into an offset and a length.
 *
 * <p>{@link #all()} (no range asked for) differs from {@code from(0)} (the range {@code bytes=0-})
 * only for an empty blob: the whole of an empty blob is the empty read, while every byte range of
 * it is unsatisfiable (RFC 9110).
 *
 * @param kind the form of the range
 * @param first the first byte (CLOSED, FROM), or the suffix length (SUFFIX); 0 for ALL
 * @param last the last byte, inclusive (CLOSED); -1 otherwise
 */
public record ByteRange(Kind kind, long first, long last) {

  /** The forms of a range. */
  public enum Kind {
    /** The whole blob: no range was asked for. */
    ALL,
    /** Bytes {@code first} to {@code last}, both inclusive. */
    CLOSED,
    /** Bytes from {@code first} to the end. */
    FROM,
    /** The last {@code first} bytes. */
    SUFFIX
  }

  private static final ByteRange ALL = new ByteRange(Kind.ALL, 0, -1);

  public ByteRange {
    Objects.requireNonNull(kind, "kind");
    boolean ok =
        switch (kind) {
          case ALL -> first == 0 && last == -1;
          case CLOSED -> first >= 0 && last >= first;
          case FROM, SUFFIX -> first >= 0 && last == -1;
        };
    if (!ok) {
      throw new IllegalArgumentException("invalid " + kind + " range " + first + "-" + last);
    }
  }

  /** Bytes {@code first} to {@code last}, both inclusive. */
  public static ByteRange closed(long first, long last) {
    return new ByteRange(Kind.CLOSED, first, last);
  }

  /** Bytes from {@code first} to the end. */
  public static ByteRange from(long first) {
    return new ByteRange(Kind.FROM, first, -1);
  }

  /** The last {@code length} bytes. */
  public static ByteRange suffix(long length) {
    return new ByteRange(Kind.SUFFIX, length, -1);
  }

  /** The whole blob (no range). */
  public static ByteRange all() {
    return ALL;
  }

  /** Whether this is {@link #all()}: no range was asked for. */
  public boolean isAll() {
    return kind == Kind.ALL;
  }

  /**
   * Resolves this range against a blob of {@code size} bytes, following RFC 9110: a last byte past
   * the end is clamped; a range that starts at or past the end, or an empty suffix, is
   * unsatisfiable.
   *
   * @throws BlobStoreException with reason RANGE_NOT_SATISFIABLE
   */
  public Resolved resolve(long size) {
    switch (kind) {
      case ALL:
        return new Resolved(0, size);
      case SUFFIX:
        if (first == 0 || size == 0) {
          throw BlobStoreException.rangeNotSatisfiable(size);
        }
        long length = Math.min(first, size);
        return new Resolved(size - length, length);
      default:
        if (first >= size) {
          throw BlobStoreException.rangeNotSatisfiable(size);
        }
        long end = kind == Kind.FROM ? size - 1 : Math.min(last, size - 1);
        return new Resolved(first, end - first + 1);
    }
  }

  /** A satisfiable range: {@code length} bytes starting at {@code offset}. */
  public record Resolved(long offset, long length) {
    public Resolved {
      if (offset < 0 || length < 0) {
        throw new IllegalArgumentException("offset and length must be >= 0");
      }
    }
  }
}
