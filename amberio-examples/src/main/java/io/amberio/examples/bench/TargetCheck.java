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
package io.amberio.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One performance target of the issue, checked against the measurements.
 *
 * @param target what is compared with what, for people
 * @param threshold the least ratio that meets the target (for {@link Kind#RATIO}); the most bytes
 *     or seconds (for {@link Kind#MAX_BYTES} and {@link Kind#MAX_SECONDS}); 1 for {@link
 *     Kind#WORKS}
 * @param ratio the measured value (a ratio, bytes, seconds, or 1 when it worked and 0 when not), or
 *     {@code null} when it was not measured (or one side failed)
 * @param kind how the value compares with the threshold and how both are printed
 */
record TargetCheck(String target, double threshold, Double ratio, Kind kind) {

  /** How a target is met and printed. */
  enum Kind {
    /** A ratio of at least the threshold: {@code >= 0.50x}. */
    RATIO,
    /** At most the threshold in bytes: {@code <= 200.0 MiB}. */
    MAX_BYTES,
    /** At most the threshold in seconds: {@code <= 1.00 s}. */
    MAX_SECONDS,
    /** Something that works (1) or not (0). */
    WORKS
  }

  TargetCheck {
    Objects.requireNonNull(kind, "kind");
  }

  /** A ratio target: met at {@code threshold} or more. */
  TargetCheck(String target, double threshold, Double ratio) {
    this(target, threshold, ratio, Kind.RATIO);
  }

  /**
   * met, MISSED or not measured; "(borderline)" when within 5% of the threshold, where noise can
   * flip it.
   */
  String status() {
    if (ratio == null) {
      return "not measured";
    }
    String s = missed() ? "MISSED" : "met";
    return kind != Kind.WORKS && Math.abs(ratio / threshold - 1) < 0.05 ? s + " (borderline)" : s;
  }

  boolean missed() {
    if (ratio == null) {
      return false;
    }
    return switch (kind) {
      case RATIO, WORKS -> ratio < threshold;
      case MAX_BYTES, MAX_SECONDS -> ratio > threshold;
    };
  }

  /** The needs column: {@code >= 0.50x}, {@code <= 200.0 MiB}, {@code <= 1.00 s}, {@code works}. */
  String needs() {
    return switch (kind) {
      case RATIO -> ">= " + Units.ratio(threshold);
      case MAX_BYTES -> "<= " + Units.bytes(Math.round(threshold));
      case MAX_SECONDS -> String.format(Locale.ROOT, "<= %.2f s", threshold);
      case WORKS -> "works";
    };
  }

  /** The measured column, or {@code -} when not measured. */
  String measured() {
    if (ratio == null) {
      return "-";
    }
    return switch (kind) {
      case RATIO -> Units.ratio(ratio);
      case MAX_BYTES -> Units.bytes(Math.round(ratio));
      case MAX_SECONDS -> String.format(Locale.ROOT, "%.2f s", ratio);
      case WORKS -> ratio >= 1 ? "worked" : "failed";
    };
  }

  /** The targets of the issue, over the thread counts that were run. */
  static List<TargetCheck> evaluate(List<Measurement> rows, List<Integer> threads) {
    List<TargetCheck> checks = new ArrayList<>();
    long k4 = 4 << 10;
    long m1 = 1 << 20;
    long m64 = 64 << 20;
    checks.add(
        check(
            "embedded PUT 4 KiB, 8 threads vs fsync-limit, 8 threads",
            0.4,
            find(rows, "embedded", Op.PUT, k4, 8),
            find(rows, "fsync-limit", Op.PUT, k4, 8)));
    for (long size : List.of(m1, m64)) {
      for (int t : threads) {
        checks.add(
            check(
                "embedded PUT "
                    + Units.size(size)
                    + ", "
                    + t
                    + " thread"
                    + (t == 1 ? "" : "s")
                    + " vs file-per-blob",
                0.8,
                find(rows, "embedded", Op.PUT, size, t),
                find(rows, "file-per-blob", Op.PUT, size, t)));
      }
    }
    for (long size : List.of(k4, m1)) {
      for (int t : threads) {
        checks.add(
            check(
                "embedded GET "
                    + Units.size(size)
                    + ", "
                    + t
                    + " thread"
                    + (t == 1 ? "" : "s")
                    + " vs file-per-blob",
                size == k4 ? 1.0 : 0.7,
                find(rows, "embedded", Op.GET, size, t),
                find(rows, "file-per-blob", Op.GET, size, t)));
      }
    }
    for (int t : threads) {
      checks.add(
          check(
              "http PUT 4 KiB, " + t + " thread" + (t == 1 ? "" : "s") + " vs embedded",
              0.5,
              find(rows, "http", Op.PUT, k4, t),
              find(rows, "embedded", Op.PUT, k4, t)));
    }
    return checks;
  }

  private static TargetCheck check(
      String target, double threshold, Optional<Measurement> a, Optional<Measurement> b) {
    Double ratio =
        a.isPresent() && b.isPresent() ? a.get().opsPerSecond() / b.get().opsPerSecond() : null;
    return new TargetCheck(target, threshold, ratio);
  }

  /** The successful row of that subject, op, size and thread count. */
  static Optional<Measurement> find(
      List<Measurement> rows, String subject, Op op, long size, int threads) {
    return rows.stream()
        .filter(
            m ->
                m.ok()
                    && m.subject().equals(subject)
                    && m.op() == op
                    && m.size() == size
                    && m.threads() == threads)
        .findFirst();
  }
}
