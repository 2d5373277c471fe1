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

import java.util.TreeMap;

/**
 * The contract's versioned register for one path, written independently of the checker's compact
 * model ({@code VersionedRegister}) in the plainest way, so that tests compare two statements of
 * the rules.
 */
final class ReferenceRegister {

  private enum State {
    LIVE,
    TOMBSTONED,
    MARKER
  }

  private record Version(State state, String value) {}

  private final TreeMap<Long, Version> versions = new TreeMap<>();

  ReferenceRegister copy() {
    ReferenceRegister c = new ReferenceRegister();
    c.versions.putAll(versions);
    return c;
  }

  long max() {
    return versions.isEmpty() ? 0 : versions.lastKey();
  }

  /** Applies {@code call} and returns the answer the contract requires. */
  Outcome apply(Call call) {
    long max = max();
    if (call instanceof Call.Put) {
      Call.Put put = (Call.Put) call;
      if (put.expectedVersion().isPresent() && put.expectedVersion().getAsLong() != max + 1) {
        return Outcome.conflict(max);
      }
      versions.put(max + 1, new Version(State.LIVE, put.valueId()));
      return Outcome.written(max + 1);
    }
    if (call instanceof Call.Get) {
      Call.Get get = (Call.Get) call;
      if (get.version().isEmpty()) {
        if (versions.isEmpty()) {
          return Outcome.notFound();
        }
        for (var e : versions.descendingMap().entrySet()) {
          if (e.getValue().state() == State.MARKER) {
            return Outcome.deleted();
          }
          if (e.getValue().state() == State.LIVE) {
            return Outcome.found(e.getKey(), e.getValue().value());
          }
        }
        return Outcome.deleted();
      }
      Version v = versions.get(get.version().getAsLong());
      if (v == null) {
        return Outcome.notFound();
      }
      return v.state() == State.LIVE
          ? Outcome.found(get.version().getAsLong(), v.value())
          : Outcome.deleted();
    }
    if (call instanceof Call.Delete) {
      if (versions.isEmpty()) {
        return Outcome.notFound();
      }
      versions.put(max + 1, new Version(State.MARKER, null));
      return Outcome.written(max + 1);
    }
    long n = ((Call.DeleteVersion) call).version();
    Version v = versions.get(n);
    if (v == null) {
      return Outcome.notFound();
    }
    versions.put(n, new Version(State.TOMBSTONED, null));
    return Outcome.tombstoned();
  }
}
