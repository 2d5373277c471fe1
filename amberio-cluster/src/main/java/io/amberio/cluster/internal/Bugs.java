package io.amberio.cluster.internal;

/**
 * Deliberate protocol bugs, switched on only by the system property {@code amberio.cluster.bug} (never in
 * production). The simulation's own tests turn each on to show that the harness catches it: a checker
 * that never fails proves nothing.
 */
public final class Bugs {
  /** Reads do not wait for a prepared, undecided transaction on their path. */
  public static final String SKIP_READ_WAIT = "skip-read-wait";
  /** A replica serves reads without a valid lease or current session. */
  public static final String SERVE_WITHOUT_LEASE = "serve-without-lease";

  private Bugs() {}

  public static boolean on(String bug) {
    return bug.equals(System.getProperty("amberio.cluster.bug"));
  }
}
