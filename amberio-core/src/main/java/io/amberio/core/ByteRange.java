package io.amberio.core;

/**
 * A byte range as a client asks for it, before the blob's size is known: {@code first-last}, {@code first-}
 * or a suffix {@code -n}. {@link #resolve(long)} turns it into an offset and a length.
 *
 * @param first the first byte, or -1 for a suffix range
 * @param last the last byte (inclusive), or -1 for "to the end"
 * @param suffixLength for a suffix range, how many bytes from the end; otherwise -1
 */
public record ByteRange(long first, long last, long suffixLength) {

  public ByteRange {
    if (first < 0) {
      if (first != -1 || last != -1 || suffixLength < 0) {
        throw new IllegalArgumentException("a suffix range needs first = last = -1 and suffixLength >= 0");
      }
    } else if (suffixLength != -1 || (last != -1 && last < first)) {
      throw new IllegalArgumentException("invalid range " + first + "-" + last);
    }
  }

  /** Bytes {@code first} to {@code last}, both inclusive. */
  public static ByteRange closed(long first, long last) {
    if (first < 0 || last < first) {
      throw new IllegalArgumentException("invalid range " + first + "-" + last);
    }
    return new ByteRange(first, last, -1);
  }

  /** Bytes from {@code first} to the end. */
  public static ByteRange from(long first) {
    if (first < 0) {
      throw new IllegalArgumentException("first must be >= 0, was " + first);
    }
    return new ByteRange(first, -1, -1);
  }

  /** The last {@code length} bytes. */
  public static ByteRange suffix(long length) {
    if (length < 0) {
      throw new IllegalArgumentException("suffix length must be >= 0, was " + length);
    }
    return new ByteRange(-1, -1, length);
  }

  /** The whole blob. */
  public static ByteRange all() {
    return new ByteRange(0, -1, -1);
  }

  /** Whether this range asks for the whole blob. */
  public boolean isAll() {
    return first == 0 && last == -1;
  }

  /**
   * Resolves this range against a blob of {@code size} bytes, following RFC 9110: a last byte past the end
   * is clamped; a range that starts at or past the end, or an empty suffix, is unsatisfiable (except that
   * {@link #all()} of an empty blob is the empty range).
   *
   * @throws BlobStoreException with reason RANGE_NOT_SATISFIABLE
   */
  public Resolved resolve(long size) {
    if (isAll()) {
      return new Resolved(0, size);
    }
    if (first < 0) {
      if (suffixLength == 0 || size == 0) {
        throw BlobStoreException.rangeNotSatisfiable(size);
      }
      long length = Math.min(suffixLength, size);
      return new Resolved(size - length, length);
    }
    if (first >= size) {
      throw BlobStoreException.rangeNotSatisfiable(size);
    }
    long end = last == -1 ? size - 1 : Math.min(last, size - 1);
    return new Resolved(first, end - first + 1);
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
