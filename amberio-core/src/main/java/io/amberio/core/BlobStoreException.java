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
import java.util.OptionalLong;

/**
 * An operational failure of a {@link BlobStore}, with a {@link Reason} to act on. Callers branch on
 * {@link #reason()}, never on the message, which is for people.
 */
public final class BlobStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why an operation failed. */
  public enum Reason {
    /** The path, or that version of it, never existed. */
    NOT_FOUND,
    /**
     * The version is tombstoned, a delete marker, garbage-collected, or the path has no current
     * version.
     */
    DELETED,
    /**
     * A conditional write named a version other than {@code max + 1}; see {@link #latestVersion()}.
     */
    VERSION_CONFLICT,
    /**
     * The path breaks a rule of the contract (length, control characters, empty or dot segments).
     */
    INVALID_PATH,
    /** A listing cursor that this store did not produce. */
    INVALID_CURSOR,
    /** The requested byte range starts past the end of the blob; see {@link #size()}. */
    RANGE_NOT_SATISFIABLE,
    /** The blob is larger than the configured maximum. */
    TOO_LARGE,
    /** The disk cannot take the bytes. */
    NO_SPACE,
    /** Stored bytes or metadata failed verification; no wrong byte is ever returned. */
    CORRUPT,
    /** The store was closed. */
    CLOSED,
    /** The data directory holds a store made with other settings or a newer format. */
    INCOMPATIBLE_STORE,
    /**
     * Reading the caller's data stream failed (for example, an HTTP client went away mid-upload).
     */
    INPUT_FAILED,
    /** The disk or database failed for another reason; the cause says which. */
    IO_ERROR,
    /**
     * The path is held by a prepared (undecided) two-phase-commit transaction; nothing was written.
     * Retry later.
     */
    BUSY,
    /** Too few replicas could take part (cluster); nothing was written. */
    UNAVAILABLE,
    /**
     * The write may or may not have taken effect: the node lost contact with the cluster while
     * committing. Reading the path tells.
     */
    OUTCOME_UNKNOWN
  }

  private final Reason reason;
  private final long latestVersion;
  private final long size;

  private BlobStoreException(
      Reason reason, String message, Throwable cause, long latestVersion, long size) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.latestVersion = latestVersion;
    this.size = size;
  }

  /** An exception with {@code reason}, a message and an optional cause. */
  public static BlobStoreException of(Reason reason, String message, Throwable cause) {
    return new BlobStoreException(reason, message, cause, -1, -1);
  }

  /** An exception with {@code reason} and a message. */
  public static BlobStoreException of(Reason reason, String message) {
    return new BlobStoreException(reason, message, null, -1, -1);
  }

  /**
   * A compare-and-set that lost: the path's highest version is {@code latest} (0 for a new path).
   */
  public static BlobStoreException versionConflict(String path, long expected, long latest) {
    return new BlobStoreException(
        Reason.VERSION_CONFLICT,
        "version "
            + expected
            + " of '"
            + path
            + "' cannot be written: the latest version is "
            + latest
            + ", so only "
            + (latest + 1)
            + " can be",
        null,
        latest,
        -1);
  }

  /** A range that does not overlap a blob of {@code size} bytes. */
  public static BlobStoreException rangeNotSatisfiable(long size) {
    return new BlobStoreException(
        Reason.RANGE_NOT_SATISFIABLE,
        "the range does not overlap the blob's " + size + " bytes",
        null,
        -1,
        size);
  }

  /** An I/O failure while doing {@code what}. */
  public static BlobStoreException io(String what, Throwable cause) {
    return new BlobStoreException(Reason.IO_ERROR, what + " failed: " + cause, cause, -1, -1);
  }

  /** Why the operation failed. */
  public Reason reason() {
    return reason;
  }

  /** For VERSION_CONFLICT, the path's highest version (0 for a new path). */
  public OptionalLong latestVersion() {
    return latestVersion < 0 ? OptionalLong.empty() : OptionalLong.of(latestVersion);
  }

  /** For RANGE_NOT_SATISFIABLE, the blob's size. */
  public OptionalLong size() {
    return size < 0 ? OptionalLong.empty() : OptionalLong.of(size);
  }
}
