package io.amberio.core.internal.slot;

/**
 * A budget for whole-chunk read buffers, shared by every read of a store, so heap use does not grow with
 * the number of concurrent reads: past the budget, reads verify and serve chunks in two passes through a
 * small buffer instead.
 */
public final class ReadBuffers {
  private final long budget;
  // @GuardedBy("this")
  private long inUse;

  /** A budget of {@code budget} bytes. */
  public ReadBuffers(long budget) {
    this.budget = budget;
  }

  /** A buffer of exactly {@code size} bytes, or null when the budget is spent. */
  synchronized byte[] tryAcquire(int size) {
    if (inUse + size > budget) {
      return null;
    }
    inUse += size;
    return new byte[size];
  }

  /** Returns a buffer's bytes to the budget. */
  synchronized void release(byte[] buffer) {
    inUse -= buffer.length;
  }
}
