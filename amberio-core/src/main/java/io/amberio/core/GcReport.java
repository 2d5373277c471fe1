package io.amberio.core;

/**
 * What one garbage collection removed.
 *
 * @param versionsRemoved versions removed (tombstones, markers, and versions hidden below an expired marker)
 * @param bytesReclaimed bytes of those versions
 */
public record GcReport(long versionsRemoved, long bytesReclaimed) {

  /** Adds two reports. */
  public GcReport plus(GcReport other) {
    return new GcReport(versionsRemoved + other.versionsRemoved, bytesReclaimed + other.bytesReclaimed);
  }
}
