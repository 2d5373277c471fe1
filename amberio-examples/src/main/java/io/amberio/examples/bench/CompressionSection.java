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

import io.amberio.core.BlobContent;
import io.amberio.core.BlobStore;
import io.amberio.core.Compression;
import io.amberio.core.PutOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The compression section: for log-like text and for random bytes, and for each codec, a fresh
 * embedded store takes blobs of {@value #BLOB} bytes on one thread, then serves them back: how fast
 * (wall clock, and per second of the thread's CPU), and how many bytes its chunk files take. One
 * thread keeps the CPU figures the codec's cost; PUTs still include the fsyncs of every blob, GETs
 * read from the page cache, so they are decode-bound.
 */
final class CompressionSection {
  /** The size of every blob: one chunk of the default 4 MiB chunk size. */
  static final int BLOB = 1 << 20;

  /** The codecs measured, besides the run's own {@code --compression}. */
  static final List<Compression> CODECS =
      List.of(Compression.none(), Compression.lz4(), Compression.zstd(1), Compression.zstd());

  private final BenchOptions options;
  private final PrintStream err;

  CompressionSection(BenchOptions options, PrintStream err) {
    this.options = options;
    this.err = err;
  }

  /** One measured codec on one kind of data. */
  record Row(
      String data,
      Compression codec,
      long bytes,
      long onDisk,
      long putNanos,
      long putCpuNanos,
      long getNanos,
      long getCpuNanos,
      String error) {
    double ratio() {
      return onDisk == 0 ? 0 : (double) bytes / onDisk;
    }

    static double mibPerSecond(long bytes, long nanos) {
      return nanos <= 0 ? 0 : bytes / Units.MIB / (nanos / 1e9);
    }
  }

  /** The codecs of this run: {@link #CODECS}, and {@code --compression} if it is another. */
  List<Compression> codecs() {
    List<Compression> codecs = new ArrayList<>(CODECS);
    if (!codecs.contains(options.compression())) {
      codecs.add(options.compression());
    }
    return codecs;
  }

  /** Runs the section in {@code work}; each store is deleted as soon as it is measured. */
  CompressionReport run(Path work) {
    long total = options.compressionBytes();
    List<Row> rows = new ArrayList<>();
    for (String kind : PatternData.KINDS) {
      PatternData data = PatternData.of(kind, 20261207L);
      for (Compression codec : codecs()) {
        Row row =
            measure(work.resolve("compression-" + kind + "-" + codec), data, kind, codec, total);
        rows.add(row);
        err.println(
            row.error() != null
                ? "compression " + kind + " " + codec + ": FAILED: " + row.error()
                : String.format(
                    Locale.ROOT,
                    "compression %-6s %-6s: ratio %.2f, PUT %s MiB/s, GET %s MiB/s",
                    kind,
                    codec,
                    row.ratio(),
                    Units.rate(Row.mibPerSecond(row.bytes(), row.putNanos())),
                    Units.rate(Row.mibPerSecond(row.bytes(), row.getNanos()))));
      }
    }
    return new CompressionReport(total, rows);
  }

  private Row measure(Path dir, PatternData data, String kind, Compression codec, long total) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int count = (int) Math.max(1, total / BLOB);
    long bytes = (long) count * BLOB;
    try {
      Files.createDirectories(dir);
      try (BlobStore store =
          Stores.tune(BlobStore.builder().dataDir(dir).slotCount(16), options, codec).build()) {
        Stores.prefill("compression", store); // slot creation is not what is measured
        Random offsets = new Random(1);
        Fs.syncAll();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
          store.put("c/" + i, data.stream(BLOB, offsets.nextInt()), PutOptions.defaults());
        }
        long putNanos = System.nanoTime() - t0;
        long putCpu = threads.getCurrentThreadCpuTime() - cpu0;
        long onDisk = chunkBytes(dir);
        byte[] buf = new byte[Bench.IO_BUFFER];
        cpu0 = threads.getCurrentThreadCpuTime();
        t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
          try (BlobContent c = store.get("c/" + i)) {
            InputStream in = c.stream();
            long got = 0;
            int n;
            while ((n = in.read(buf)) != -1) {
              got += n;
            }
            if (got != BLOB) {
              throw new IllegalStateException("c/" + i + " read " + got + " bytes");
            }
          }
        }
        long getNanos = System.nanoTime() - t0;
        long getCpu = threads.getCurrentThreadCpuTime() - cpu0;
        return new Row(kind, codec, bytes, onDisk, putNanos, putCpu, getNanos, getCpu, null);
      }
    } catch (IOException | RuntimeException e) {
      return new Row(kind, codec, bytes, 0, 0, 0, 0, 0, e.toString());
    } finally {
      try {
        Fs.deleteTree(dir);
      } catch (IOException e) {
        err.println("could not delete " + dir + ": " + e);
      }
    }
  }

  /** The bytes of every chunk file under a store's directory. */
  static long chunkBytes(Path storeDir) throws IOException {
    try (Stream<Path> files = Files.walk(storeDir.resolve("slots"))) {
      return files
          .filter(
              p -> p.getParent() != null && p.getParent().getFileName().toString().equals("chunks"))
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .sum();
    }
  }
}
