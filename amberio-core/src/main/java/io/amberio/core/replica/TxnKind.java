package io.amberio.core.replica;

/** What a prepared transaction writes. */
public enum TxnKind {
  /** A new live version with bytes. */
  PUT,
  /** A delete marker (path-level delete). */
  MARKER,
  /** A tombstone of an existing version. */
  TOMBSTONE
}
