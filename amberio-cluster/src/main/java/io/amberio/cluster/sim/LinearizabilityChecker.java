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
package io.amberio.cluster.sim;

import io.amberio.cluster.sim.CheckResult.BlockedOperation;
import io.amberio.cluster.sim.CheckResult.PathResult;
import io.amberio.cluster.sim.CheckResult.Verdict;
import io.amberio.cluster.sim.CheckResult.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Decides whether a {@link History} of calls to an Amberio store is linearizable with respect to
 * the contract's versioned register (see {@code contract/http-api.md}: versions {@code max+1},
 * compare-and-set, delete markers, tombstones, the current-version rule).
 *
 * <h2>Design notes</h2>
 *
 * <p><b>Per path.</b> Operations on different paths never affect each other, so a history is
 * linearizable exactly when each path's sub-history is (locality, Herlihy &amp; Wing; the
 * P-compositionality of Horn &amp; Kroening). Each path is searched on its own, which turns one
 * search over all operations into many small ones.
 *
 * <p><b>Search.</b> Wing &amp; Gong's algorithm as refined by Lowe ("Testing for linearizability",
 * 2017) and used by Porcupine and Knossos: the calls and returns of a path form a doubly linked
 * list sorted by time (at equal times calls come first, so equal times overlap). Walking the list,
 * the search tries to linearize each call it meets before the first return: it applies the
 * operation to the sequential model, and if the model's answer matches the recorded one it pushes
 * (operation, previous state) on a stack and unlinks the call and its return. Meeting a return
 * means the operation it belongs to should already have taken effect: the search pops the last
 * choice and tries the next call after it. The path is linearizable when every operation with a
 * known outcome has been linearized, and not linearizable when it must backtrack with an empty
 * stack.
 *
 * <p><b>Unknown outcomes.</b> An operation whose outcome is unknown has its return at the end of
 * time, and the model accepts any answer from it. It may therefore be linearized anywhere after its
 * invocation; if it never took effect it is simply left for the end, where nothing observes it, so
 * the search stops as soon as the operations with known outcomes are done.
 *
 * <p><b>Memo.</b> Lowe's cache: a configuration is the set of linearized operations (a bit set)
 * together with the model state it produced (the versions and their states, an {@code int[]}; see
 * {@link VersionedRegister}). Two different orders of the same operations that reach the same state
 * have the same future, so a configuration seen before is never explored again. The cache keeps a
 * 128-bit fingerprint of each configuration rather than the configuration ({@link Fingerprints}):
 * 32 bytes per entry instead of a copy of the bit set and the state, at a chance of a collision
 * below 10^-25.
 *
 * <p><b>Before searching.</b> An answer that no state can give (a put conditional on version 5 that
 * wrote 6, a read of a value that no operation could have written at that version; see {@link
 * Impossible}) makes the path non-linearizable on its own, and is reported without a search.
 *
 * <p><b>Reductions.</b> Five cuts keep histories with many unknown outcomes (timeouts, crashes)
 * tractable; each is sound on its own:
 *
 * <ul>
 *   <li>an unknown read is dropped: it has no effect and constrains nothing;
 *   <li>an unknown operation is never linearized where it would change nothing (a conditional put
 *       that would conflict there): leaving it pending allows everything that applying it allows;
 *   <li>every value that no read returns gets one shared code in the model state: no answer can
 *       tell such values apart, so states that differ only in them merge in the memo;
 *   <li>of several unknown operations with the same call (say, puts of unread values), only the
 *       earliest invoked may go next: once invoked they are interchangeable;
 *   <li>an unknown put whose value is read, and written by no other operation, is applied only
 *       where it writes the version the reads name: anywhere else those reads could not be
 *       explained.
 * </ul>
 *
 * Without them, one bad answer late in a history with a dozen pending unknown puts made the search
 * enumerate the puts' interleavings and run out of budget.
 *
 * <p><b>Complexity.</b> Exponential in the worst case (the problem is NP-complete). The memo bounds
 * the work by the number of distinct configurations: with at most {@code c} operations overlapping
 * any point, the linearized sets that the search can reach number about {@code n * 2^c}, and each
 * has few distinct states, so histories with bounded concurrency per path check in near-linear
 * time. Each step costs O(max version) to copy and hash the state.
 *
 * <p><b>Budget.</b> Each path may take at most {@code budget} model steps; a path that needs more
 * is reported as {@link Verdict#INCONCLUSIVE} instead of hanging or running out of memory (the memo
 * holds at most one fingerprint per step: 64 MiB at the default budget, usually far less). The
 * default of {@value #DEFAULT_BUDGET} steps takes a few seconds at most.
 *
 * <p><b>Explanations.</b> For a violation the checker finds, by binary search over the path's
 * response times, the earliest response after which the history is no longer linearizable (a prefix
 * of a linearizable history is linearizable, with the operations still running treated as unknown,
 * so the property is monotone). It reports that operation, the ones overlapping it, the longest
 * order the model accepted and what the model would have answered to each operation that could have
 * come next. This costs about {@code log2(n)} more searches of the same path, each with the same
 * budget.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class LinearizabilityChecker {

  /** The default per-path budget, in model steps. */
  public static final long DEFAULT_BUDGET = 2_000_000L;

  private final long budget;

  private LinearizabilityChecker(long budget) {
    this.budget = budget;
  }

  /** A checker with the {@linkplain #DEFAULT_BUDGET default budget}. */
  public static LinearizabilityChecker create() {
    return new LinearizabilityChecker(DEFAULT_BUDGET);
  }

  /**
   * A checker that gives up on a path after {@code budget} model steps.
   *
   * @throws IllegalArgumentException if {@code budget} is not positive
   */
  public static LinearizabilityChecker withBudget(long budget) {
    if (budget < 1) {
      throw new IllegalArgumentException("the budget is at least 1 model step, was " + budget);
    }
    return new LinearizabilityChecker(budget);
  }

  /** The per-path budget in model steps. */
  public long budget() {
    return budget;
  }

  /** Checks every path of {@code history}. */
  public CheckResult check(History history) {
    Objects.requireNonNull(history, "history");
    List<PathResult> results = new ArrayList<>();
    boolean violated = false;
    boolean inconclusive = false;
    for (Map.Entry<String, List<Operation>> e : history.byPath().entrySet()) {
      PathResult r = checkPath(e.getKey(), e.getValue());
      violated |= r.verdict() == Verdict.NOT_LINEARIZABLE;
      inconclusive |= r.verdict() == Verdict.INCONCLUSIVE;
      results.add(r);
    }
    Verdict verdict =
        violated
            ? Verdict.NOT_LINEARIZABLE
            : inconclusive ? Verdict.INCONCLUSIVE : Verdict.LINEARIZABLE;
    return new CheckResult(verdict, results);
  }

  private PathResult checkPath(String path, List<Operation> ops) {
    Map.Entry<Operation, String> impossible = Impossible.earliest(ops);
    if (impossible != null) {
      Violation v =
          new Violation(
              path,
              impossible.getValue(),
              List.of(impossible.getKey()),
              List.of(),
              List.of(),
              "",
              List.of(),
              false);
      return new PathResult(
          path, Verdict.NOT_LINEARIZABLE, ops.size(), 0, List.of(), Optional.of(v));
    }
    PathSearch full = search(ops);
    PathSearch.Result r = full.run();
    if (r == PathSearch.Result.LINEARIZABLE) {
      return new PathResult(
          path,
          Verdict.LINEARIZABLE,
          ops.size(),
          full.steps(),
          full.linearization(),
          Optional.empty());
    }
    if (r == PathSearch.Result.BUDGET_EXHAUSTED) {
      return new PathResult(
          path, Verdict.INCONCLUSIVE, ops.size(), full.steps(), List.of(), Optional.empty());
    }
    return new PathResult(
        path,
        Verdict.NOT_LINEARIZABLE,
        ops.size(),
        full.steps(),
        List.of(),
        Optional.of(explain(path, ops, full)));
  }

  /**
   * A search of {@code ops}, less unknown reads (no effect, no constraint), values no read returns
   * merged.
   */
  private PathSearch search(List<Operation> ops) {
    List<Operation> relevant = new ArrayList<>(ops.size());
    for (Operation o : ops) {
      if (o.completed() || !(o.call() instanceof Call.Get)) {
        relevant.add(o);
      }
    }
    return new PathSearch(new VersionedRegister(true).compile(relevant), budget);
  }

  /**
   * Finds the earliest violating response by binary search; {@code full} is the failed search of
   * all of {@code ops}.
   */
  private Violation explain(String path, List<Operation> ops, PathSearch full) {
    TreeSet<Long> times = new TreeSet<>();
    for (Operation o : ops) {
      if (o.completed()) {
        times.add(o.response());
      }
    }
    Long[] cuts = times.toArray(new Long[0]);
    // Invariant: the history cut at cuts[hi] is known not to be linearizable (at the last cut it is
    // the
    // whole history, less unknown operations invoked after every response, which cannot matter).
    int lo = 0;
    int hi = cuts.length - 1;
    PathSearch failing = null;
    List<Operation> failingOps = ops;
    boolean inconclusiveCut = false;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      List<Operation> cut = cut(ops, cuts[mid]);
      PathSearch s = search(cut);
      PathSearch.Result r = s.run();
      if (r == PathSearch.Result.NOT_LINEARIZABLE) {
        hi = mid;
        failing = s;
        failingOps = cut;
      } else {
        inconclusiveCut |= r == PathSearch.Result.BUDGET_EXHAUSTED;
        lo = mid + 1;
      }
    }
    if (failing == null) { // the binary search never ran, or only ever moved up to the last cut
      List<Operation> cut = cut(ops, cuts[hi]);
      PathSearch s = search(cut);
      if (s.run() == PathSearch.Result.NOT_LINEARIZABLE) {
        failing = s;
        failingOps = cut;
      } else {
        failing = full;
        failingOps = ops;
        inconclusiveCut = true;
      }
    }
    long at = cuts[hi];
    List<Operation> culprits = new ArrayList<>();
    for (Operation o : failingOps) {
      if (o.completed() && o.response() == at) {
        culprits.add(o);
      }
    }
    List<Operation> overlapping = new ArrayList<>();
    for (Operation o : failingOps) {
      if (!culprits.contains(o)
          && culprits.stream().anyMatch(c -> !o.precedes(c) && !c.precedes(o))) {
        overlapping.add(o);
      }
    }
    // The search merged unread values; replay its findings on an exact register for the report.
    VersionedRegister exact = new VersionedRegister(false);
    List<Operation> prefix = failing.deepestOrder();
    int[] state = exact.replay(prefix);
    List<BlockedOperation> blocked = new ArrayList<>();
    for (Operation o : failing.deepestFrontier()) {
      blocked.add(new BlockedOperation(o, exact.answer(state, o)));
    }
    return new Violation(
        path,
        "no order of the operations fits the model",
        culprits,
        overlapping,
        prefix,
        exact.describe(state),
        blocked,
        inconclusiveCut);
  }

  /**
   * The history as it stood at time {@code at}: operations invoked by then; those that had not
   * responded by then are still running, so their outcome is unknown.
   */
  private static List<Operation> cut(List<Operation> ops, long at) {
    List<Operation> out = new ArrayList<>();
    for (Operation o : ops) {
      if (o.invoke() <= at) {
        out.add(o.completed() && o.response() <= at ? o : o.asUnknown());
      }
    }
    return out;
  }
}
