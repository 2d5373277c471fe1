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

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link LinearizabilityChecker} concluded about a history: one {@link PathResult} per path
 * and an overall {@link Verdict} (a violation on any path makes the history not linearizable;
 * otherwise a path whose search ran out of budget makes it inconclusive).
 *
 * @param verdict the overall verdict
 * @param paths one result per path, in ascending path order
 */
public record CheckResult(Verdict verdict, List<PathResult> paths) {

  /** Validates and freezes the result. */
  public CheckResult {
    Objects.requireNonNull(verdict, "verdict");
    paths = List.copyOf(paths);
  }

  /** The outcome of a check. */
  public enum Verdict {
    /** Some order of the operations, consistent with real time, satisfies the sequential model. */
    LINEARIZABLE,
    /** No such order exists. */
    NOT_LINEARIZABLE,
    /** The search budget ran out before either could be shown. */
    INCONCLUSIVE
  }

  /** Whether the verdict is {@link Verdict#LINEARIZABLE}. */
  public boolean linearizable() {
    return verdict == Verdict.LINEARIZABLE;
  }

  /** The violations, one per path that is not linearizable. */
  public List<Violation> violations() {
    List<Violation> out = new ArrayList<>();
    for (PathResult p : paths) {
      p.violation().ifPresent(out::add);
    }
    return out;
  }

  /** A report for people: the verdict, then each violation or inconclusive path. */
  public String explanation() {
    StringBuilder sb = new StringBuilder(verdict.toString());
    int ops = 0;
    for (PathResult p : paths) {
      ops += p.operations();
    }
    sb.append(" (").append(paths.size()).append(" paths, ").append(ops).append(" operations)");
    for (PathResult p : paths) {
      if (p.verdict() == Verdict.NOT_LINEARIZABLE) {
        sb.append('\n')
            .append(
                p.violation()
                    .map(Violation::explanation)
                    .orElse("path '" + p.path() + "': violation"));
      } else if (p.verdict() == Verdict.INCONCLUSIVE) {
        sb.append("\npath '")
            .append(p.path())
            .append("': inconclusive, the search budget of ")
            .append(p.steps())
            .append(" model steps ran out over ")
            .append(p.operations())
            .append(
                " operations; raise the budget or shorten the history (less concurrency per path helps most)");
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return explanation();
  }

  /**
   * The result for one path.
   *
   * @param path the path
   * @param verdict the verdict for this path
   * @param operations the number of operations on this path
   * @param steps the model steps the search took (for the first, full search; the explanation of a
   *     violation costs a few more searches)
   * @param linearization when linearizable, one valid order of the operations that took effect
   *     (unknown ones left out of it had no visible effect); otherwise empty
   * @param violation when not linearizable, why
   */
  public record PathResult(
      String path,
      Verdict verdict,
      int operations,
      long steps,
      List<Operation> linearization,
      Optional<Violation> violation) {

    /** Validates and freezes the result. */
    public PathResult {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(verdict, "verdict");
      linearization = List.copyOf(linearization);
      Objects.requireNonNull(violation, "violation");
      if (violation.isPresent() != (verdict == Verdict.NOT_LINEARIZABLE)) {
        throw new IllegalArgumentException(
            "a violation comes with, and only with, NOT_LINEARIZABLE");
      }
    }
  }

  /**
   * Why one path is not linearizable, as small as the checker can make it. An answer that no state
   * can give is reported on its own (culprit and reason, nothing else). Otherwise the checker finds
   * the earliest response after which the path's history stops being linearizable (operations still
   * running at that point count as unknown): {@code culprits} are the operations that responded
   * then. Within that shortened history it reports the longest order of operations the model
   * accepts and, after it, each operation that could have come next with the answer the model would
   * have given.
   *
   * @param path the path
   * @param reason what is wrong, in one line
   * @param culprits the operations whose response made the history non-linearizable (usually one);
   *     for an answer that no state gives, that operation (the one responding first, if there are
   *     several)
   * @param overlapping other operations whose intervals overlap a culprit's
   * @param longestPrefix the longest linearizable order found (of the shortened history)
   * @param stateAfterPrefix the model state after {@code longestPrefix}
   * @param blocked after {@code longestPrefix}, each operation that could have come next and the
   *     model's answer to it there (when the answer matches, that operation fits here but nothing
   *     consistent follows)
   * @param inconclusiveCut true if the search for the earliest response ran out of budget
   *     somewhere, so the culprits are a response at which the violation is certain, not
   *     necessarily the earliest one
   */
  public record Violation(
      String path,
      String reason,
      List<Operation> culprits,
      List<Operation> overlapping,
      List<Operation> longestPrefix,
      String stateAfterPrefix,
      List<BlockedOperation> blocked,
      boolean inconclusiveCut) {

    /** How many operations of the longest prefix the explanation prints (the last ones). */
    static final int PREFIX_SHOWN = 20;

    /** Validates and freezes the violation. */
    public Violation {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(reason, "reason");
      culprits = List.copyOf(culprits);
      overlapping = List.copyOf(overlapping);
      longestPrefix = List.copyOf(longestPrefix);
      Objects.requireNonNull(stateAfterPrefix, "stateAfterPrefix");
      blocked = List.copyOf(blocked);
    }

    /** A multi-line report for people. */
    public String explanation() {
      StringBuilder sb =
          new StringBuilder("path '").append(path).append("': not linearizable: ").append(reason);
      if (longestPrefix.isEmpty() && blocked.isEmpty()) { // found without a search
        sb.append("\n  no state of the register gives this answer:");
        culprits.forEach(o -> sb.append("\n    ").append(o));
        return sb.toString();
      }
      sb.append("\n  the history stops being linearizable when this responds")
          .append(inconclusiveCut ? " (or earlier)" : "")
          .append(':');
      culprits.forEach(o -> sb.append("\n    ").append(o));
      if (!overlapping.isEmpty()) {
        sb.append("\n  overlapping it:");
        overlapping.forEach(o -> sb.append("\n    ").append(o));
      }
      sb.append("\n  longest order the model accepts (")
          .append(longestPrefix.size())
          .append(" operations):");
      int skip = Math.max(0, longestPrefix.size() - PREFIX_SHOWN);
      if (skip > 0) {
        sb.append("\n    ... ").append(skip).append(" earlier");
      }
      for (Operation o : longestPrefix.subList(skip, longestPrefix.size())) {
        sb.append("\n    ").append(o);
      }
      sb.append("\n  model state after it: ").append(stateAfterPrefix);
      sb.append("\n  none of these can come next:");
      for (BlockedOperation b : blocked) {
        sb.append("\n    ").append(b.operation());
        if (b.operation().outcome() instanceof Outcome.Unknown
            || b.operation().outcome().equals(b.modelAnswer())) {
          sb.append("\n      the model agrees (")
              .append(b.modelAnswer())
              .append("), but nothing consistent follows");
        } else {
          sb.append("\n      the model answers ").append(b.modelAnswer());
        }
      }
      return sb.toString();
    }

    @Override
    public String toString() {
      return explanation();
    }
  }

  /**
   * An operation that could have been linearized next, and what the model would have answered
   * there.
   *
   * @param operation the operation as recorded
   * @param modelAnswer the model's answer in the state after the longest prefix
   */
  public record BlockedOperation(Operation operation, Outcome modelAnswer) {
    /** Validates the arguments. */
    public BlockedOperation {
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(modelAnswer, "modelAnswer");
    }
  }
}
