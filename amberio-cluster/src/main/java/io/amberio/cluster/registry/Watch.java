package io.amberio.cluster.registry;

/** An established {@link Registry#watch watch}: a handle to cancel it. */
public interface Watch {

  /**
   * The first revision this watch delivers: every change under its prefix with this revision or a later
   * one reaches the listener, unless the watch is cancelled or ends with an error.
   */
  long startRevision();

  /**
   * Stops the watch. Idempotent. Once it returns, the listener is not called again (except a call already
   * running on another thread).
   */
  void cancel();
}
