package io.amberio.cluster.registry;

/**
 * Where a {@link Registry#watch watch} starts.
 *
 * @param startRevision the first revision to deliver (history is replayed from it), or 0 for changes
 *     made after the watch is established
 */
public record WatchOptions(long startRevision) {

  /** Checks that the start revision is not negative. */
  public WatchOptions {
    if (startRevision < 0) {
      throw new IllegalArgumentException("start revision must be >= 0 (0 = from now), was " + startRevision);
    }
  }

  /** Deliver the changes made after the watch is established. */
  public static WatchOptions fromNow() {
    return new WatchOptions(0);
  }

  /**
   * Deliver every change with a revision of at least {@code revision}, replaying history first. Use
   * {@code ListResult.revision() + 1} to follow a listing without a gap.
   */
  public static WatchOptions fromRevision(long revision) {
    if (revision < 1) {
      throw new IllegalArgumentException("a start revision is >= 1, was " + revision);
    }
    return new WatchOptions(revision);
  }
}
