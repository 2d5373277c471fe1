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

/**
 * The definition of linearizability, executed literally for small histories of one path: try every
 * order of the operations that respects real time, with {@link ReferenceRegister} as the model;
 * unknown operations may be placed anywhere after their invocation or left out. No memo, no
 * cleverness: the oracle the real checker is compared with.
 */
final class BruteForceChecker {

  private BruteForceChecker() {}

  static boolean linearizable(List<Operation> ops) {
    if (ops.size() > 10) {
      throw new IllegalArgumentException(
          "brute force is for at most 10 operations, got " + ops.size());
    }
    return search(ops, new boolean[ops.size()], new ReferenceRegister());
  }

  private static boolean search(List<Operation> ops, boolean[] placed, ReferenceRegister state) {
    boolean allCompletedPlaced = true;
    for (int i = 0; i < ops.size(); i++) {
      if (!placed[i] && ops.get(i).completed()) {
        allCompletedPlaced = false;
      }
    }
    if (allCompletedPlaced) {
      return true; // the unplaced unknown operations never took effect
    }
    for (int i = 0; i < ops.size(); i++) {
      if (placed[i] || !minimal(ops, placed, i)) {
        continue;
      }
      Operation op = ops.get(i);
      ReferenceRegister next = state.copy();
      Outcome answer = next.apply(op.call());
      if (!op.completed() || answer.equals(op.outcome())) {
        placed[i] = true;
        boolean ok = search(ops, placed, next);
        placed[i] = false;
        if (ok) {
          return true;
        }
      }
    }
    return false;
  }

  /** No unplaced operation ended before {@code i} began. */
  private static boolean minimal(List<Operation> ops, boolean[] placed, int i) {
    for (int j = 0; j < ops.size(); j++) {
      if (!placed[j] && j != i && ops.get(j).precedes(ops.get(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code order} is a valid linearization of {@code ops}: it holds every completed
   * operation once, respects real time, and replays through the reference model with the recorded
   * outcomes. Unknown operations in it are replayed with whatever outcome the model gives; unknown
   * operations not in it are taken as never applied.
   */
  static List<String> witnessProblems(List<Operation> ops, List<Operation> order) {
    List<String> problems = new ArrayList<>();
    for (Operation o : ops) {
      if (o.completed() && !order.contains(o)) {
        problems.add("missing " + o);
      }
    }
    for (int i = 0; i < order.size(); i++) {
      for (int j = i + 1; j < order.size(); j++) {
        if (order.get(j).precedes(order.get(i))) {
          problems.add(
              order.get(j) + " ended before " + order.get(i) + " began, but comes after it");
        }
      }
    }
    ReferenceRegister model = new ReferenceRegister();
    for (Operation o : order) {
      Outcome answer = model.apply(o.call());
      if (o.completed() && !answer.equals(o.outcome())) {
        problems.add(o + ": the model answers " + answer);
      }
    }
    return problems;
  }
}
