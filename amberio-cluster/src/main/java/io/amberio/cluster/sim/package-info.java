/**
 * The deterministic simulation harness: a seeded single-threaded {@link io.amberio.cluster.sim.SimScheduler}
 * with simulated time, a {@link io.amberio.cluster.sim.HistoryRecorder} for the calls a workload makes, and
 * a per-path {@link io.amberio.cluster.sim.LinearizabilityChecker} for the recorded
 * {@link io.amberio.cluster.sim.History}. Integrators use it from their own property tests.
 */
package io.amberio.cluster.sim;
