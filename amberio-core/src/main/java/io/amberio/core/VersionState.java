package io.amberio.core;

import java.util.Locale;

/** The state of one version of a path. */
public enum VersionState {
  /** The version holds bytes and may be read. */
  LIVE,
  /** The version was deleted by number; it is kept until garbage collection. */
  TOMBSTONED,
  /** A delete marker written by a path-level delete; it hides every older version. */
  MARKER;

  /** The lower-case name used by the HTTP API ({@code live}, {@code tombstoned}, {@code marker}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
