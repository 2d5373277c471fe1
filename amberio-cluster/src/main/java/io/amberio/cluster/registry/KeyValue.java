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
package io.amberio.cluster.registry;

import io.amberio.cluster.registry.internal.Keys;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One key of a {@link Registry} as of some revision.
 *
 * <p>The value array is copied in and out, so a {@code KeyValue} is immutable; {@link #equals} and
 * {@link #hashCode} compare the value's bytes.
 *
 * @param key the key, never empty
 * @param value the value's bytes (copied)
 * @param createRevision the revision that created this incarnation of the key (0 in a deletion
 *     event)
 * @param modRevision the revision of the key's last change: the number that a compare-and-set names
 *     (in a deletion event, the revision of the deletion)
 * @param leaseId the lease the key is bound to, or {@link Registry#NO_LEASE}
 */
public record KeyValue(
    String key, byte[] value, long createRevision, long modRevision, long leaseId) {

  /** Checks the key and revisions and copies the value. */
  public KeyValue {
    Keys.requireKey(key);
    Objects.requireNonNull(value, "value");
    if (createRevision < 0 || modRevision < 1 || createRevision > modRevision) {
      throw new IllegalArgumentException(
          "revisions must satisfy 0 <= create <= mod, 1 <= mod; were create="
              + createRevision
              + ", mod="
              + modRevision);
    }
    if (leaseId < 0) {
      throw new IllegalArgumentException("lease id must be >= 0, was " + leaseId);
    }
    value = value.clone();
  }

  /** A copy of the value's bytes. */
  @Override
  public byte[] value() {
    return value.clone();
  }

  /** The value's length in bytes (without copying it). */
  public int valueSize() {
    return value.length;
  }

  /** The value decoded as UTF-8 (a convenience for text values). */
  public String valueAsString() {
    return new String(value, StandardCharsets.UTF_8);
  }

  /** True when the key is bound to a lease. */
  public boolean hasLease() {
    return leaseId != Registry.NO_LEASE;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof KeyValue)) {
      return false;
    }
    KeyValue other = (KeyValue) o;
    return key.equals(other.key)
        && Arrays.equals(value, other.value)
        && createRevision == other.createRevision
        && modRevision == other.modRevision
        && leaseId == other.leaseId;
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, Arrays.hashCode(value), createRevision, modRevision, leaseId);
  }

  @Override
  public String toString() {
    return "KeyValue[key="
        + key
        + ", value="
        + value.length
        + " bytes, create="
        + createRevision
        + ", mod="
        + modRevision
        + ", lease="
        + leaseId
        + "]";
  }
}
