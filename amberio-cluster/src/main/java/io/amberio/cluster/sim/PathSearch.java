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

import io.amberio.cluster.sim.VersionedRegister.Answer;
import io.amberio.cluster.sim.VersionedRegister.Op;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of the Wing &amp; Gong / Lowe search over the operations of one path. See {@link
 * LinearizabilityChecker} for the design notes; this class is the engine, used once.
 */
final class PathSearch {

  enum Result {
    LINEARIZABLE,
    NOT_LINEARIZABLE,
    BUDGET_EXHAUSTED
  }

  private static final int END = -1;

  private final List<Op> ops;
  private final long budget;

  // The event list: entry 2i is the call of op i, 2i+1 its return; entry 2n (head) is the sentinel.
  private final int head;
  private final int[] next;
  private final int[] prev;

  // For an operation of unknown outcome: the previous one (by invocation) with the same call, or
  // -1.
  private final int[] previousTwin;

  private long steps;
  private int[] deepestOrder = new int[0];
  private int[] deepestFrontier = new int[0];
  private int[] finalOrder = new int[0];

  PathSearch(List<Op> ops, long budget) {
    this.ops = ops;
    this.budget = budget;
    int n = ops.size();
    this.previousTwin = twins(ops);
    this.head = 2 * n;
    this.next = new int[2 * n + 1];
    this.prev = new int[2 * n + 1];
    Integer[] events = new Integer[2 * n];
    for (int e = 0; e < 2 * n; e++) {
      events[e] = e;
    }
    // By time; at equal times calls before returns, so equal times overlap; then by op order.
    Arrays.sort(
        events,
        Comparator.<Integer>comparingLong(this::time)
            .thenComparingInt(e -> e & 1)
            .thenComparingInt(e -> e));
    int last = head;
    for (int e : events) {
      next[last] = e;
      prev[e] = last;
      last = e;
    }
    next[last] = END;
  }

  /**
   * Operations of unknown outcome with the same call (kind, number and value code) are
   * interchangeable once both are invoked: each may apply at any later point, and no answer
   * constrains them. The search only lets the earliest invoked of such twins go next, which cuts
   * the orders it tries among them from {@code k!} to one.
   */
  private static int[] twins(List<Op> ops) {
    Integer[] byInvoke = new Integer[ops.size()];
    for (int i = 0; i < byInvoke.length; i++) {
      byInvoke[i] = i;
    }
    Arrays.sort(
        byInvoke,
        Comparator.<Integer>comparingLong(i -> ops.get(i).source.invoke())
            .thenComparingInt(i -> i));
    int[] previous = new int[ops.size()];
    Arrays.fill(previous, -1);
    Map<List<Long>, Integer> last = new HashMap<>();
    for (int i : byInvoke) {
      Op op = ops.get(i);
      if (op.unknown()) {
        Integer before = last.put(List.of((long) op.kind, op.arg, (long) op.value), i);
        previous[i] = before == null ? -1 : before;
      }
    }
    return previous;
  }

  private long time(int entry) {
    Operation o = ops.get(entry >> 1).source;
    return (entry & 1) == 0 ? o.invoke() : o.response();
  }

  /** Runs the search. */
  Result run() {
    int n = ops.size();
    int remainingCompleted = 0;
    for (Op op : ops) {
      if (!op.unknown()) {
        remainingCompleted++;
      }
    }
    if (remainingCompleted == 0) {
      return Result.LINEARIZABLE;
    }
    long[] linearized = new long[(n + 63) >>> 6];
    Fingerprints seen = new Fingerprints();
    Deque<Frame> stack = new ArrayDeque<>();
    Answer answer = new Answer();
    int[] state = VersionedRegister.INITIAL;
    int entry = next[head];
    while (true) {
      if ((entry & 1) == 0) {
        Op op = ops.get(entry >> 1);
        int twin = previousTwin[entry >> 1];
        if ((twin >= 0 && (linearized[twin >>> 6] & (1L << twin)) == 0)
            || (op.pin != VersionedRegister.NONE && op.pin != state.length + 1L)) {
          entry = next[entry]; // its earlier twin goes first, or it may only write another version
          continue;
        }
        if (++steps > budget) {
          return Result.BUDGET_EXHAUSTED;
        }
        int[] after = VersionedRegister.apply(state, op, answer);
        boolean advanced = false;
        // An unknown operation that would change nothing here is better left pending: whatever
        // follows
        // it could follow it unapplied, and it can still apply later or never.
        if (answer.matches(op) && !(op.unknown() && after == state)) {
          int i = entry >> 1;
          linearized[i >>> 6] |= 1L << i;
          if (seen.add(linearized, after)) {
            stack.push(new Frame(entry, state));
            state = after;
            lift(entry);
            advanced = true;
            if (!op.unknown() && --remainingCompleted == 0) {
              finalOrder = order(stack);
              return Result.LINEARIZABLE;
            }
            if (stack.size() > deepestOrder.length) {
              recordDeepest(stack);
            }
            entry = next[head];
          } else {
            linearized[i >>> 6] &= ~(1L << i);
          }
        }
        if (!advanced) {
          entry = next[entry];
        }
      } else {
        // A return before its call was lifted: some operation that had to come earlier could not.
        // Backtrack.
        if (stack.isEmpty()) {
          return Result.NOT_LINEARIZABLE;
        }
        Frame top = stack.pop();
        int i = top.entry >> 1;
        linearized[i >>> 6] &= ~(1L << i);
        if (!ops.get(i).unknown()) {
          remainingCompleted++;
        }
        state = top.state;
        unlift(top.entry);
        entry = next[top.entry];
      }
    }
  }

  private void lift(int call) {
    unlink(call);
    unlink(call + 1);
  }

  private void unlift(int call) {
    relink(call + 1);
    relink(call);
  }

  private void unlink(int e) {
    next[prev[e]] = next[e];
    if (next[e] != END) {
      prev[next[e]] = prev[e];
    }
  }

  private void relink(int e) {
    next[prev[e]] = e;
    if (next[e] != END) {
      prev[next[e]] = e;
    }
  }

  private static int[] order(Deque<Frame> stack) {
    int[] out = new int[stack.size()];
    int k = out.length;
    for (Frame f : stack) { // top first
      out[--k] = f.entry >> 1;
    }
    return out;
  }

  private void recordDeepest(Deque<Frame> stack) {
    deepestOrder = order(stack);
    int count = 0;
    int[] frontier = new int[ops.size()];
    for (int e = next[head]; e != END && (e & 1) == 0; e = next[e]) {
      frontier[count++] = e >> 1;
    }
    deepestFrontier = Arrays.copyOf(frontier, count);
  }

  /** Model steps taken. */
  long steps() {
    return steps;
  }

  /**
   * After success: a linearization of the completed operations (and of the unknown ones placed
   * before them).
   */
  List<Operation> linearization() {
    return operations(finalOrder);
  }

  /** The longest linearizable order the search reached. */
  List<Operation> deepestOrder() {
    return operations(deepestOrder);
  }

  /** The operations that could have come next after {@link #deepestOrder()}. */
  List<Operation> deepestFrontier() {
    return operations(deepestFrontier);
  }

  private List<Operation> operations(int[] indices) {
    List<Operation> out = new ArrayList<>(indices.length);
    for (int i : indices) {
      out.add(ops.get(i).source);
    }
    return out;
  }

  private record Frame(int entry, int[] state) {}
}
