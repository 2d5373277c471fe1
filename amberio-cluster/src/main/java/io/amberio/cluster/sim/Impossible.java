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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers that no state of the register can give, found without searching: a conditional put that
 * wrote another version than the one it named, a read of a version other than the one asked for, a
 * read of a value that no operation could have written at that version, a delete marker numbered 1.
 * Such an operation alone makes its path non-linearizable; finding it up front saves an exhaustive
 * search and gives a precise reason.
 */
final class Impossible {

  private Impossible() {}

  /**
   * The completed operation of {@code path} with the earliest response whose answer no state can
   * give, with the reason; null if there is none.
   */
  static Map.Entry<Operation, String> earliest(List<Operation> path) {
    Map<String, List<Operation>> writers = new HashMap<>();
    for (Operation o : path) {
      if (o.call() instanceof Call.Put) {
        writers.computeIfAbsent(((Call.Put) o.call()).valueId(), k -> new ArrayList<>()).add(o);
      }
    }
    Map.Entry<Operation, String> first = null;
    for (Operation o : path) {
      if (o.completed() && (first == null || o.response() < first.getKey().response())) {
        String why = reason(o, writers);
        if (why != null) {
          first = Map.entry(o, why);
        }
      }
    }
    return first;
  }

  /** Why {@code op} can give its answer in no state, or null if some state allows it. */
  private static String reason(Operation op, Map<String, List<Operation>> writers) {
    Call call = op.call();
    Outcome out = op.outcome();
    if (call instanceof Call.Put && ((Call.Put) call).expectedVersion().isPresent()) {
      long n = ((Call.Put) call).expectedVersion().getAsLong();
      if (out instanceof Outcome.Written && ((Outcome.Written) out).version() != n) {
        return "a put conditional on version " + n + " can only write version " + n;
      }
      if (out instanceof Outcome.Conflict && ((Outcome.Conflict) out).latest() == n - 1) {
        return "a put conditional on version "
            + n
            + " cannot conflict when the latest version is "
            + (n - 1);
      }
    }
    if (call instanceof Call.Delete && out.equals(Outcome.written(1))) {
      return "a delete marker cannot be version 1: a path never written answers not_found";
    }
    if (out instanceof Outcome.Found) {
      Outcome.Found found = (Outcome.Found) out;
      Call.Get get = (Call.Get) call;
      if (get.version().isPresent() && get.version().getAsLong() != found.version()) {
        return "a read of version "
            + get.version().getAsLong()
            + " cannot return version "
            + found.version();
      }
      for (Operation w : writers.getOrDefault(found.valueId(), List.of())) {
        if (writableAt(w, found.version())) {
          return null;
        }
      }
      return "no operation could have written \""
          + found.valueId()
          + "\" as version "
          + found.version();
    }
    return null;
  }

  /** Whether the put {@code w} could have written version {@code v}. */
  private static boolean writableAt(Operation w, long v) {
    Call.Put put = (Call.Put) w.call();
    if (put.expectedVersion().isPresent() && put.expectedVersion().getAsLong() != v) {
      return false;
    }
    if (w.outcome() instanceof Outcome.Written) {
      return ((Outcome.Written) w.outcome()).version() == v;
    }
    return w.outcome() instanceof Outcome.Unknown;
  }

  /**
   * For each put of unknown outcome whose value is read and written by no other operation: the one
   * version it can usefully write (every read of that value names it), or {@link
   * VersionedRegister#NONE}. Writing any other version would leave those reads unexplainable, so
   * the search applies it only there.
   */
  static Map<Operation, Long> pins(List<Operation> path) {
    Map<String, Integer> writers = new HashMap<>();
    Map<String, List<Long>> readAt = new HashMap<>();
    for (Operation o : path) {
      if (o.call() instanceof Call.Put) {
        writers.merge(((Call.Put) o.call()).valueId(), 1, Integer::sum);
      }
      if (o.outcome() instanceof Outcome.Found) {
        Outcome.Found f = (Outcome.Found) o.outcome();
        readAt.computeIfAbsent(f.valueId(), k -> new ArrayList<>()).add(f.version());
      }
    }
    Map<Operation, Long> pins = new HashMap<>();
    for (Operation o : path) {
      if (o.completed() || !(o.call() instanceof Call.Put)) {
        continue;
      }
      String value = ((Call.Put) o.call()).valueId();
      List<Long> versions = readAt.get(value);
      if (writers.get(value) == 1
          && versions != null
          && versions.stream().distinct().count() == 1) {
        pins.put(o, versions.get(0));
      }
    }
    return pins;
  }
}
