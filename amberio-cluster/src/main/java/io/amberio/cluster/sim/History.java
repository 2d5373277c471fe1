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
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * An immutable set of {@link Operation}s, ordered by invocation time, then id. Build one from a
 * simulation with {@link HistoryRecorder}, or by hand with {@link #builder()}.
 */
public final class History {

  private static final Comparator<Operation> ORDER =
      Comparator.comparingLong(Operation::invoke).thenComparingLong(Operation::id);

  private final List<Operation> operations;
  private final Map<String, List<Operation>> byPath;

  private History(List<Operation> operations) {
    this.operations = operations;
    Map<String, List<Operation>> groups = new TreeMap<>();
    for (Operation op : operations) {
      groups.computeIfAbsent(op.path(), p -> new ArrayList<>()).add(op);
    }
    Map<String, List<Operation>> frozen = new LinkedHashMap<>();
    groups.forEach((path, ops) -> frozen.put(path, List.copyOf(ops)));
    this.byPath = Collections.unmodifiableMap(frozen);
  }

  /**
   * A history of {@code operations}.
   *
   * @throws IllegalArgumentException if two operations share an id
   */
  public static History of(Collection<Operation> operations) {
    Objects.requireNonNull(operations, "operations");
    Set<Long> ids = new HashSet<>();
    for (Operation op : operations) {
      Objects.requireNonNull(op, "operation");
      if (!ids.add(op.id())) {
        throw new IllegalArgumentException("two operations have id " + op.id());
      }
    }
    List<Operation> sorted = new ArrayList<>(operations);
    sorted.sort(ORDER);
    return new History(List.copyOf(sorted));
  }

  /** A builder that numbers operations 1, 2, 3, ... in the order they are added. */
  public static Builder builder() {
    return new Builder();
  }

  /** Every operation, by invocation time, then id. */
  public List<Operation> operations() {
    return operations;
  }

  /**
   * The operations of each path, paths in ascending order, each list by invocation time, then id.
   */
  public Map<String, List<Operation>> byPath() {
    return byPath;
  }

  /** The number of operations. */
  public int size() {
    return operations.size();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("History of " + operations.size() + " operations");
    for (Operation op : operations) {
      sb.append("\n  ").append(op);
    }
    return sb.toString();
  }

  /**
   * Builds a history by hand, for tests. Not thread-safe: simulations use {@link HistoryRecorder}.
   */
  public static final class Builder {
    private final List<Operation> operations = new ArrayList<>();

    private Builder() {}

    /**
     * Adds an operation that completed with {@code outcome} (not unknown) between {@code invoke}
     * and {@code response}.
     */
    public Builder completed(
        String client, String path, Call call, Outcome outcome, long invoke, long response) {
      if (outcome instanceof Outcome.Unknown) {
        throw new IllegalArgumentException(
            "use unknown(...) for an operation whose outcome is unknown");
      }
      operations.add(
          new Operation(operations.size() + 1, client, path, call, outcome, invoke, response));
      return this;
    }

    /** Adds an operation invoked at {@code invoke} whose outcome is unknown. */
    public Builder unknown(String client, String path, Call call, long invoke) {
      operations.add(
          new Operation(
              operations.size() + 1,
              client,
              path,
              call,
              Outcome.unknown(),
              invoke,
              Operation.NO_RESPONSE));
      return this;
    }

    /** The history of the operations added so far. */
    public History build() {
      return History.of(operations);
    }
  }
}
