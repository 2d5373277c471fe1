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

/**
 * What a client learned from one {@link Call}. {@link Unknown} means the client cannot tell whether
 * the call took effect (a timeout, a crash, or the contract's {@code 503 outcome_unknown}): the
 * checker lets such a call take effect at any point after its invocation, or never.
 */
public sealed interface Outcome
    permits Outcome.Written,
        Outcome.Conflict,
        Outcome.Found,
        Outcome.NotFound,
        Outcome.Deleted,
        Outcome.Tombstoned,
        Outcome.Unknown {

  /** A put or a path-level delete succeeded and wrote {@code version}. */
  static Written written(long version) {
    return new Written(version);
  }

  /** A conditional put lost: the path's highest version was {@code latest}. */
  static Conflict conflict(long latest) {
    return new Conflict(latest);
  }

  /** A read returned {@code version}, holding the value named {@code valueId}. */
  static Found found(long version, String valueId) {
    return new Found(version, valueId);
  }

  /** {@code 404 not_found}: the path, or that version, never existed. */
  static NotFound notFound() {
    return new NotFound();
  }

  /** {@code 404 deleted}: a tombstoned version, a delete marker, or no current version. */
  static Deleted deleted() {
    return new Deleted();
  }

  /** A delete of one version succeeded. */
  static Tombstoned tombstoned() {
    return new Tombstoned();
  }

  /** The client cannot tell whether the call took effect. */
  static Unknown unknown() {
    return new Unknown();
  }

  /**
   * A successful put ({@code 201}) or path-level delete ({@code 200}, the marker's version).
   *
   * @param version the version written, at least 1
   */
  record Written(long version) implements Outcome {
    /** Validates the version. */
    public Written {
      requirePositive(version, "version");
    }

    @Override
    public String toString() {
      return "written(v" + version + ")";
    }
  }

  /**
   * {@code 409 version_conflict}.
   *
   * @param latest the path's highest version when the put was refused (0 for a new path)
   */
  record Conflict(long latest) implements Outcome {
    /** Validates the version. */
    public Conflict {
      if (latest < 0) {
        throw new IllegalArgumentException("latest is at least 0, was " + latest);
      }
    }

    @Override
    public String toString() {
      return "conflict(latest=v" + latest + ")";
    }
  }

  /**
   * A successful read.
   *
   * @param version the version read
   * @param valueId the value of the put that wrote it
   */
  record Found(long version, String valueId) implements Outcome {
    /** Validates the arguments. */
    public Found {
      requirePositive(version, "version");
      Objects.requireNonNull(valueId, "valueId");
    }

    @Override
    public String toString() {
      return "found(v" + version + ", \"" + valueId + "\")";
    }
  }

  /** {@code 404 not_found}. */
  record NotFound() implements Outcome {
    @Override
    public String toString() {
      return "not_found";
    }
  }

  /** {@code 404 deleted}. */
  record Deleted() implements Outcome {
    @Override
    public String toString() {
      return "deleted";
    }
  }

  /** {@code 200} for {@code DELETE ?version=N}. */
  record Tombstoned() implements Outcome {
    @Override
    public String toString() {
      return "tombstoned";
    }
  }

  /** The call may or may not have taken effect. */
  record Unknown() implements Outcome {
    @Override
    public String toString() {
      return "unknown";
    }
  }

  private static void requirePositive(long version, String name) {
    if (version < 1) {
      throw new IllegalArgumentException(name + " is at least 1, was " + version);
    }
  }
}
