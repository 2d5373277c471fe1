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

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** What the compression section measured: a row per kind of data and codec. */
record CompressionReport(long bytesPerRow, List<CompressionSection.Row> rows) {
  static final List<String> LEGEND =
      List.of(
          "One embedded store per row (default settings, 4 MiB chunks): PUT of 1 MiB blobs on one thread, each fsynced,",
          "then GET of each to the end from the page cache. MiB/s: wall clock; MiB/CPU-s: MiB per second of the",
          "thread's CPU (compression and CRC32C on PUT, decoding and CRC32C on GET: the codec's cost per core).",
          "on disk: bytes of the chunk files; ratio: bytes written / on disk. text: server log lines (random ids,",
          "times and sizes, paths from 64 words); random: nothing compresses (one 64 KiB trial per chunk, then raw).");

  CompressionReport {
    rows = List.copyOf(rows);
  }

  boolean anyFailed() {
    return rows.stream().anyMatch(r -> r.error() != null);
  }

  Table table() {
    Table t =
        new Table(
            2,
            "data",
            "codec",
            "written",
            "on disk",
            "ratio",
            "PUT MiB/s",
            "PUT MiB/CPU-s",
            "GET MiB/s",
            "GET MiB/CPU-s");
    for (CompressionSection.Row r : rows) {
      if (r.error() != null) {
        t.add(r.data(), r.codec().toString(), "FAILED", "-", "-", "-", "-", "-", "-");
        continue;
      }
      t.add(
          r.data(),
          r.codec().toString(),
          Units.bytes(r.bytes()),
          Units.bytes(r.onDisk()),
          String.format(Locale.ROOT, "%.2f", r.ratio()),
          Units.rate(CompressionSection.Row.mibPerSecond(r.bytes(), r.putNanos())),
          Units.rate(CompressionSection.Row.mibPerSecond(r.bytes(), r.putCpuNanos())),
          Units.rate(CompressionSection.Row.mibPerSecond(r.bytes(), r.getNanos())),
          Units.rate(CompressionSection.Row.mibPerSecond(r.bytes(), r.getCpuNanos())));
    }
    return t;
  }

  void print(PrintStream out) {
    out.println();
    out.println("== Compression (" + Units.bytes(bytesPerRow) + " per row)");
    out.print(table().text());
    out.println();
    LEGEND.forEach(l -> out.println("  " + l));
    for (CompressionSection.Row r : rows) {
      if (r.error() != null) {
        out.println("  FAILED " + r.data() + " " + r.codec() + ": " + r.error());
      }
    }
  }

  void printMarkdown(PrintStream out) {
    out.println();
    out.print(table().markdown());
  }
}
