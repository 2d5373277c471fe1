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
package io.amberio.core.testkit;

import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.ByteRange;
import io.amberio.core.GcReport;
import io.amberio.core.VersionState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A plain in-memory statement of the contract rules: what a correct store holds after a sequence of
 * operations. It knows nothing of slots, chunks or SQLite. Each mutating method returns what the
 * store must answer; the caller compares.
 */
public final class BlobStoreModel {

  /**
   * One version as the model knows it; {@code info} is what the store returned when it was written.
   */
  static final class Version {
    final long number;
    final byte[] data; // null for a marker
    final String contentType;
    VersionState state;
    BlobInfo info;
    Instant deletedAt; // when it became a tombstone or marker

    Version(long number, VersionState state, byte[] data, String contentType) {
      this.number = number;
      this.state = state;
      this.data = data;
      this.contentType = contentType;
    }

    long size() {
      return data == null ? 0 : data.length;
    }
  }

  static final class PathState {
    long max;
    final NavigableMap<Long, Version> versions =
        new TreeMap<>(); // present (not collected) versions
  }

  /**
   * What a read or a mutation must give: a version, or a failure reason (one of several when the
   * contract allows).
   */
  record Outcome<T>(T value, List<BlobStoreException.Reason> reasons) {
    static <T> Outcome<T> ok(T value) {
      return new Outcome<>(value, List.of());
    }

    static <T> Outcome<T> fail(BlobStoreException.Reason... reasons) {
      return new Outcome<>(null, List.of(reasons));
    }

    boolean succeeds() {
      return reasons.isEmpty();
    }
  }

  private final TreeMap<String, PathState> paths = new TreeMap<>(TestSupport.UTF8_ORDER);
  private final Duration retention;
  private final long maxBlobSize;

  BlobStoreModel(Duration retention, long maxBlobSize) {
    this.retention = retention;
    this.maxBlobSize = maxBlobSize;
  }

  Map<String, PathState> paths() {
    return paths;
  }

  long max(String path) {
    PathState s = paths.get(path);
    return s == null ? 0 : s.max;
  }

  /** The version number a put must get, or the failure. */
  Outcome<Long> expectPut(String path, int size, OptionalLong expected) {
    long max = max(path);
    boolean conflict = expected.isPresent() && expected.getAsLong() != max + 1;
    boolean tooLarge = size > maxBlobSize;
    if (conflict && tooLarge) {
      return Outcome.fail(
          BlobStoreException.Reason.VERSION_CONFLICT, BlobStoreException.Reason.TOO_LARGE);
    }
    if (conflict) {
      return Outcome.fail(BlobStoreException.Reason.VERSION_CONFLICT);
    }
    if (tooLarge) {
      return Outcome.fail(BlobStoreException.Reason.TOO_LARGE);
    }
    return Outcome.ok(max + 1);
  }

  void applyPut(String path, byte[] data, String contentType, BlobInfo info) {
    PathState s = paths.computeIfAbsent(path, p -> new PathState());
    s.max++;
    Version v = new Version(s.max, VersionState.LIVE, data, contentType);
    v.info = info;
    s.versions.put(v.number, v);
  }

  /** The current version of a path, if it has one. */
  Optional<Version> current(String path) {
    PathState s = paths.get(path);
    if (s == null) {
      return Optional.empty();
    }
    for (Version v : s.versions.descendingMap().values()) {
      if (v.state == VersionState.MARKER) {
        return Optional.empty();
      }
      if (v.state == VersionState.LIVE) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  /** head(path) / get(path). */
  Outcome<Version> expectCurrent(String path) {
    PathState s = paths.get(path);
    if (s == null) {
      return Outcome.fail(BlobStoreException.Reason.NOT_FOUND);
    }
    if (s.versions.isEmpty()) {
      // every version was garbage-collected: the contract does not say whether this reads as never
      // written or as deleted; both are 404.
      return Outcome.fail(BlobStoreException.Reason.DELETED, BlobStoreException.Reason.NOT_FOUND);
    }
    return current(path)
        .map(Outcome::ok)
        .orElseGet(() -> Outcome.fail(BlobStoreException.Reason.DELETED));
  }

  /** head(path, n) / get(path, n). */
  Outcome<Version> expectVersion(String path, long n) {
    PathState s = paths.get(path);
    if (s == null || n > s.max) {
      return Outcome.fail(BlobStoreException.Reason.NOT_FOUND);
    }
    Version v = s.versions.get(n);
    if (v == null || v.state != VersionState.LIVE) {
      return Outcome.fail(BlobStoreException.Reason.DELETED);
    }
    return Outcome.ok(v);
  }

  /** delete(path): the marker's number, or the failure. */
  Outcome<Long> expectDelete(String path) {
    PathState s = paths.get(path);
    if (s == null) {
      return Outcome.fail(BlobStoreException.Reason.NOT_FOUND);
    }
    return Outcome.ok(s.max + 1);
  }

  /** Whether a failed delete is acceptable: only for a path whose versions were all collected. */
  boolean deleteMayFail(String path) {
    PathState s = paths.get(path);
    return s != null && s.versions.isEmpty();
  }

  void applyDelete(String path, BlobInfo marker, Instant now) {
    PathState s = paths.get(path);
    s.max++;
    Version v = new Version(s.max, VersionState.MARKER, null, null);
    v.info = marker;
    v.deletedAt = now;
    s.versions.put(v.number, v);
  }

  Outcome<Version> expectDeleteVersion(String path, long n) {
    PathState s = paths.get(path);
    if (s == null || n > s.max) {
      return Outcome.fail(BlobStoreException.Reason.NOT_FOUND);
    }
    Version v = s.versions.get(n);
    if (v == null) {
      return Outcome.fail(BlobStoreException.Reason.DELETED);
    }
    return Outcome.ok(v);
  }

  void applyDeleteVersion(String path, long n, Instant now) {
    Version v = paths.get(path).versions.get(n);
    if (v.state != VersionState.TOMBSTONED) {
      v.state = VersionState.TOMBSTONED;
      v.deletedAt = now;
    }
  }

  /** Current versions under {@code prefix}, in listing order. */
  List<Version> listCurrent(String prefix) {
    List<Version> out = new ArrayList<>();
    for (String p : paths.keySet()) {
      if (p.startsWith(prefix)) {
        current(p).ifPresent(out::add);
      }
    }
    return out;
  }

  /** Every present version under {@code prefix}: path ascending, version descending. */
  List<Map.Entry<String, Version>> listAll(String prefix) {
    List<Map.Entry<String, Version>> out = new ArrayList<>();
    for (Map.Entry<String, PathState> e : paths.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        for (Version v : e.getValue().versions.descendingMap().values()) {
          out.add(Map.entry(e.getKey(), v));
        }
      }
    }
    return out;
  }

  /** Garbage collection at {@code now}: what must be removed, as a report; the model is updated. */
  GcReport collectGarbage(Instant now) {
    long removed = 0;
    long bytes = 0;
    for (PathState s : paths.values()) {
      long below = 0; // every version <= below goes with an expired marker
      for (Version v : s.versions.values()) {
        if (v.state == VersionState.MARKER && expired(v, now)) {
          below = Math.max(below, v.number);
        }
      }
      List<Long> doomed = new ArrayList<>();
      for (Version v : s.versions.values()) {
        if (v.number <= below || (v.state == VersionState.TOMBSTONED && expired(v, now))) {
          doomed.add(v.number);
          removed++;
          bytes += v.state == VersionState.MARKER ? 0 : v.size();
        }
      }
      doomed.forEach(s.versions::remove);
    }
    return new GcReport(removed, bytes);
  }

  private boolean expired(Version v, Instant now) {
    return v.deletedAt != null && v.deletedAt.plus(retention).isBefore(now);
  }

  /**
   * RFC 9110 range resolution, written independently of {@link ByteRange#resolve(long)}. Null:
   * unsatisfiable.
   */
  public static long[] resolve(ByteRange r, long size) {
    if (r.kind() == ByteRange.Kind.ALL) {
      return new long[] {0, size};
    }
    if (r.kind() == ByteRange.Kind.SUFFIX) {
      long n = r.first();
      if (n == 0 || size == 0) {
        return null;
      }
      long len = Math.min(n, size);
      return new long[] {size - len, len};
    }
    if (r.first() >= size) {
      return null;
    }
    long last = r.kind() == ByteRange.Kind.FROM || r.last() >= size ? size - 1 : r.last();
    return new long[] {r.first(), last - r.first() + 1};
  }
}
