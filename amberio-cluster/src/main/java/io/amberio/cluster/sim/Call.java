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

import java.util.Objects;
import java.util.OptionalLong;

/**
 * One request to the store on one path, as a history records it. The four kinds mirror the
 * contract's PUT, GET, path-level DELETE and DELETE of one version; which {@link Outcome}s each may
 * have is {@link #allows(Outcome)}.
 */
public sealed interface Call permits Call.Put, Call.Get, Call.Delete, Call.DeleteVersion {

  /**
   * Whether {@code outcome} is a possible answer to this call (every call allows {@link
   * Outcome.Unknown}).
   */
  boolean allows(Outcome outcome);

  /** An unconditional put of the value named {@code valueId}. */
  static Put put(String valueId) {
    return new Put(OptionalLong.empty(), valueId);
  }

  /**
   * A conditional put: succeeds only if {@code expectedVersion} is the path's highest version plus
   * one.
   */
  static Put putIf(long expectedVersion, String valueId) {
    return new Put(OptionalLong.of(expectedVersion), valueId);
  }

  /** A read of the current version. */
  static Get get() {
    return new Get(OptionalLong.empty());
  }

  /** A read of one version. */
  static Get get(long version) {
    return new Get(OptionalLong.of(version));
  }

  /** A path-level delete (writes a delete marker). */
  static Delete delete() {
    return new Delete();
  }

  /** A delete of one version (tombstones it). */
  static DeleteVersion deleteVersion(long version) {
    return new DeleteVersion(version);
  }

  /**
   * {@code PUT /objects/{path}[?version=N]}: answers {@link Outcome.Written} or {@link
   * Outcome.Conflict}.
   *
   * @param expectedVersion the conditional version {@code N}, if any (at least 1)
   * @param valueId names the bytes written; reads report it back, so a history should give every
   *     put its own id
   */
  record Put(OptionalLong expectedVersion, String valueId) implements Call {
    /** Validates the arguments. */
    public Put {
      Objects.requireNonNull(expectedVersion, "expectedVersion");
      Objects.requireNonNull(valueId, "valueId");
      if (expectedVersion.isPresent() && expectedVersion.getAsLong() < 1) {
        throw new IllegalArgumentException(
            "an expected version is at least 1, was " + expectedVersion.getAsLong());
      }
    }

    @Override
    public boolean allows(Outcome outcome) {
      return outcome instanceof Outcome.Written
          || outcome instanceof Outcome.Conflict
          || outcome instanceof Outcome.Unknown;
    }

    @Override
    public String toString() {
      return expectedVersion.isPresent()
          ? "put(\"" + valueId + "\", if v" + expectedVersion.getAsLong() + ")"
          : "put(\"" + valueId + "\")";
    }
  }

  /**
   * {@code GET /objects/{path}[?version=N]}: answers {@link Outcome.Found}, {@link
   * Outcome.NotFound} or {@link Outcome.Deleted}.
   *
   * @param version the version to read (at least 1), or empty for the current version
   */
  record Get(OptionalLong version) implements Call {
    /** Validates the arguments. */
    public Get {
      Objects.requireNonNull(version, "version");
      if (version.isPresent() && version.getAsLong() < 1) {
        throw new IllegalArgumentException("a version is at least 1, was " + version.getAsLong());
      }
    }

    @Override
    public boolean allows(Outcome outcome) {
      return outcome instanceof Outcome.Found
          || outcome instanceof Outcome.NotFound
          || outcome instanceof Outcome.Deleted
          || outcome instanceof Outcome.Unknown;
    }

    @Override
    public String toString() {
      return version.isPresent() ? "get(v" + version.getAsLong() + ")" : "get()";
    }
  }

  /**
   * {@code DELETE /objects/{path}}: answers {@link Outcome.Written} (the marker's version) or
   * {@link Outcome.NotFound} (the path was never written).
   */
  record Delete() implements Call {
    @Override
    public boolean allows(Outcome outcome) {
      return outcome instanceof Outcome.Written
          || outcome instanceof Outcome.NotFound
          || outcome instanceof Outcome.Unknown;
    }

    @Override
    public String toString() {
      return "delete()";
    }
  }

  /**
   * {@code DELETE /objects/{path}?version=N}: answers {@link Outcome.Tombstoned}, {@link
   * Outcome.NotFound} (the version never existed) or {@link Outcome.Deleted} (garbage-collected,
   * which the checker's model never does, so such an answer is always a violation there).
   *
   * @param version the version to tombstone (at least 1)
   */
  record DeleteVersion(long version) implements Call {
    /** Validates the arguments. */
    public DeleteVersion {
      if (version < 1) {
        throw new IllegalArgumentException("a version is at least 1, was " + version);
      }
    }

    @Override
    public boolean allows(Outcome outcome) {
      return outcome instanceof Outcome.Tombstoned
          || outcome instanceof Outcome.NotFound
          || outcome instanceof Outcome.Deleted
          || outcome instanceof Outcome.Unknown;
    }

    @Override
    public String toString() {
      return "deleteVersion(v" + version + ")";
    }
  }
}
