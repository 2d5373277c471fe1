package io.amberio.cluster.internal;

/**
 * Deliberate protocol bugs a node can be assembled with, for the simulation's own tests: each is planted
 * in turn to show that the harness catches it (a checker that never fails proves nothing). A node gets
 * them only through {@link InternalAccess}, which no public API reaches; production nodes have none.
 */
public enum PlantedBug {
  /** Reads do not wait for a prepared, undecided transaction on their path. */
  SKIP_READ_WAIT,
  /** A replica serves reads without a valid lease or current session. */
  SERVE_WITHOUT_LEASE
}
