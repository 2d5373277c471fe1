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

import java.util.Objects;

/**
 * One row of the table: what one cell measured.
 *
 * @param subject {@code embedded}, {@code http}, {@code file-per-blob} or {@code fsync-limit}
 * @param op PUT or GET
 * @param size bytes per op
 * @param threads concurrent workers
 * @param ops ops completed in the measured window
 * @param elapsedNanos from the start of the window until the last op ended
 * @param p50Nanos median latency of one op
 * @param p99Nanos 99th percentile latency of one op
 * @param error why the cell failed, or {@code null}
 * @param cpuNanos CPU time of this process and its child processes during the window, or -1 if
 *     unknown
 * @param machineBusy share (0 to 1) of all CPUs of the machine that was busy during the window, or
 *     -1
 */
record Measurement(
    String subject,
    Op op,
    long size,
    int threads,
    long ops,
    long elapsedNanos,
    long p50Nanos,
    long p99Nanos,
    String error,
    long cpuNanos,
    double machineBusy) {

  Measurement {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(op, "op");
  }

  /** A row without CPU figures. */
  Measurement(
      String subject,
      Op op,
      long size,
      int threads,
      long ops,
      long elapsedNanos,
      long p50Nanos,
      long p99Nanos,
      String error) {
    this(subject, op, size, threads, ops, elapsedNanos, p50Nanos, p99Nanos, error, -1, -1);
  }

  static Measurement failed(String subject, Op op, long size, int threads, String error) {
    return new Measurement(
        subject, op, size, threads, 0, 0, 0, 0, Objects.requireNonNull(error, "error"));
  }

  /** CPU time per op in nanoseconds (this process and its children), or -1 if unknown. */
  double cpuNanosPerOp() {
    return ok() && cpuNanos >= 0 ? cpuNanos / (double) ops : -1;
  }

  boolean ok() {
    return error == null && ops > 0 && elapsedNanos > 0;
  }

  double opsPerSecond() {
    return ok() ? ops * 1e9 / elapsedNanos : 0;
  }

  double mibPerSecond() {
    return opsPerSecond() * size / Units.MIB;
  }

  /** The workload column: {@code embedded PUT}. */
  String workload() {
    return subject + " " + op;
  }
}
