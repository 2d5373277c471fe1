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

import io.amberio.core.BlobStoreBuilder;
import io.amberio.core.PutOptions;
import io.amberio.core.internal.BlobPaths;
import io.amberio.examples.node.ServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

/**
 * The footprint section: a node in a child process with {@code -Xmx128m} and otherwise default
 * settings (the edge box of the issue), measured from outside. Starts it three times (time to the
 * first 200 from {@code GET /health}), then, on the third start: resident memory idle, {@code
 * --footprint-puts} PUTs of 4 KiB over HTTP into the new store (every slot gets some), as many
 * again into the same store (warm), resident memory after each, then one blob of {@code
 * --footprint-blob} (1 GiB) PUT and GET, both streamed and checked (length and CRC32C computed on
 * the fly), and resident memory after. The child is killed at the end, also when the section fails
 * or the bench is interrupted.
 */
final class FootprintSection {
  /** The heap of the node under test: the edge box of the issue. */
  static final String HEAP = "-Xmx128m";

  static final int PUT_SIZE = 4 << 10;
  static final int THREADS = 8;
  static final int STARTS = 3;

  /** What the targets are stated for; smaller runs say so. */
  static final int PUTS = 20_000;

  static final long BLOB = 1L << 30;

  /** The node's slot count: its default, {@code --slots 2048}. */
  static final int SLOTS = BlobStoreBuilder.DEFAULT_SLOT_COUNT;

  private final BenchOptions options;
  private final PrintStream err;
  private final PatternData data;

  FootprintSection(BenchOptions options, PrintStream err) {
    this.options = options;
    this.err = err;
    this.data = PatternData.of("random", 20261208L);
  }

  /** The node's settings, for the report: what {@code amberio node} defaults to, with 128 MiB. */
  static List<String> nodeSettings() {
    long heap = 128L << 20;
    ServerOptions server = ServerOptions.defaults();
    return List.of(
        "node: `amberio node --data-dir DIR --port PORT` in a child process: "
            + NodeProcess.javaBinary()
            + " "
            + HEAP
            + " (no other JVM option: the JVM picks its collector and the rest), the bench's own class path;"
            + " its output goes to footprint/node.log in the bench's directory.",
        "node defaults (the edge box): heap 128 MiB; read cache "
            + Units.bytes(Math.min(BlobStoreBuilder.DEFAULT_MAX_READ_CACHE_BYTES, heap / 8))
            + " (1/8 of the heap, at most "
            + Units.bytes(BlobStoreBuilder.DEFAULT_MAX_READ_CACHE_BYTES)
            + "); "
            + SLOTS
            + " slots; at most "
            + BlobStoreBuilder.DEFAULT_MAX_OPEN_SLOTS
            + " open slots (all), an idle slot closed after "
            + BlobStoreBuilder.DEFAULT_IDLE_SLOT_TIMEOUT.toSeconds()
            + " s; chunks of "
            + Units.bytes(BlobStoreBuilder.DEFAULT_CHUNK_SIZE)
            + ", blobs up to "
            + Units.bytes(BlobStoreBuilder.DEFAULT_INLINE_THRESHOLD)
            + " inline in the slot's SQLite database; no compression; largest blob "
            + Units.bytes(server.maxBlobSize())
            + "; garbage collection every "
            + BlobStoreBuilder.DEFAULT_GC_INTERVAL.toHours()
            + " h, retention "
            + BlobStoreBuilder.DEFAULT_RETENTION.toHours()
            + " h; "
            + Units.bytes(BlobStoreBuilder.DEFAULT_MIN_FREE_BYTES)
            + " kept free; HTTP: at most "
            + server.maxThreads()
            + " request threads, "
            + server.maxConnections()
            + " connections, idle timeout "
            + server.idleTimeout().toSeconds()
            + " s.");
  }

  /** The node options beyond the defaults: the bench's {@code --max-open-slots}, if given. */
  static List<String> nodeOptions(BenchOptions options) {
    return options.maxOpenSlots() > 0
        ? List.of("--max-open-slots", Integer.toString(options.maxOpenSlots()))
        : List.of();
  }

  /** Runs the section in {@code work}; its directory is deleted at the end. */
  FootprintReport run(Path work) {
    long begin = System.nanoTime();
    Path dir = work.resolve("footprint");
    Path dataDir = dir.resolve("data");
    Path logFile = dir.resolve("node.log");
    int puts = options.footprintPuts();
    long blob = options.footprintBlob();
    FootprintReport.Builder report = new FootprintReport.Builder(puts, blob);
    report.setup.addAll(nodeSettings());
    if (!nodeOptions(options).isEmpty()) {
      report.setup.add(
          "NOT the defaults: the node runs with "
              + String.join(" ", nodeOptions(options))
              + " (the bench's --max-open-slots).");
    }
    report.setup.add(
        String.format(
            Locale.ROOT,
            "steps: start the node %d times on the same directory (the first creates the store) and stop it (SIGTERM)"
                + " but the last; on the last: RSS idle 1 s after healthy; %,d PUTs of 4 KiB (%d threads, one"
                + " keep-alive connection each, random data) into the new store, paths chosen so that every one of"
                + " the %d slots gets %s of them; %,d more (warm); one %s PUT and GET, streamed (never held), length"
                + " and CRC32C checked.",
            STARTS,
            puts,
            THREADS,
            SLOTS,
            puts >= SLOTS ? "some" : "one (at most)",
            puts,
            Units.size(blob)));
    if (puts != PUTS || blob != BLOB) {
      report.setup.add(
          String.format(
              Locale.ROOT,
              "SMALLER than the issue's targets (%,d PUTs, %s): %,d PUTs and %s here (--quick or --footprint-puts /"
                  + " --footprint-blob); the targets are checked at this size.",
              PUTS,
              Units.size(BLOB),
              puts,
              Units.size(blob)));
    }
    AtomicReference<Process> child = new AtomicReference<>();
    Thread hook =
        new Thread(
            () -> {
              Process p = child.get();
              if (p != null) {
                p.destroyForcibly();
              }
            },
            "bench-footprint-node-kill");
    Runtime.getRuntime().addShutdownHook(hook);
    NodeProcess node = null;
    try {
      Files.createDirectories(dataDir);
      for (int i = 0; i < STARTS; i++) {
        node = NodeProcess.start(dataDir, logFile, List.of(HEAP), nodeOptions(options), child::set);
        report.healthyNanos.add(node.healthyNanos());
        err.printf(
            Locale.ROOT,
            "footprint: start %d/%d healthy after %.3f s (pid %d)%n",
            i + 1,
            STARTS,
            node.healthyNanos() / 1e9,
            node.pid());
        if (i < STARTS - 1) {
          int code = node.stop();
          node = null;
          if (code != 0) {
            report.notes.add("start " + (i + 1) + ": the node stopped with exit code " + code);
          }
        }
      }
      Thread.sleep(1000);
      report.idle = node.memory();
      err.println("footprint: idle " + FootprintReport.memory(report.idle));

      List<String> cold = paths("fp/new/", puts);
      Measurement first = puts(node.address(), "node (new store)", cold);
      report.rows.add(first);
      report.afterFirst = node.memory();
      progress(first, report.afterFirst);
      if (first.ok()) {
        Measurement warm = puts(node.address(), "node (warm)", paths("fp/warm/", puts));
        report.rows.add(warm);
        report.afterWarm = node.memory();
        progress(warm, report.afterWarm);
      }
      if (first.ok()) {
        bigRoundTrip(node, blob, report);
      }
      report.afterBig = node.memory();
      err.println("footprint: after the big blob " + FootprintReport.memory(report.afterBig));
      int code = node.stop();
      node = null;
      if (code != 0) {
        report.notes.add("the last start: the node stopped with exit code " + code);
      }
    } catch (IOException | RuntimeException e) {
      err.println("footprint section failed: " + e);
      report.errors.add(e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      report.errors.add("interrupted");
    } finally {
      if (node != null) {
        node.close();
      }
      Process p = child.get();
      if (p != null) {
        NodeProcess.kill(p);
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down already
      }
      if (!report.errors.isEmpty() && Files.exists(logFile)) {
        report.notes.add("the node's last lines:\n" + NodeProcess.log(logFile));
      }
      if (!options.keep()) {
        try {
          Fs.deleteTree(dir);
        } catch (IOException | RuntimeException e) {
          err.println("could not delete " + dir + ": " + e);
        }
      }
    }
    report.notes.add(
        String.format(
            Locale.ROOT, "the footprint section took %.0fs", (System.nanoTime() - begin) / 1e9));
    return report.build();
  }

  private void progress(Measurement m, NodeProcess.Memory memory) {
    err.printf(
        Locale.ROOT,
        "footprint: %s %s x%d: %s; %s%n",
        m.workload(),
        Units.size(m.size()),
        m.threads(),
        m.ok()
            ? m.ops() + " ops, " + Units.rate(m.opsPerSecond()) + " ops/s"
            : "FAILED: " + m.error(),
        FootprintReport.memory(memory));
  }

  /**
   * {@code count} distinct paths under {@code prefix} such that consecutive runs of {@link #SLOTS}
   * paths fall into distinct slots: path {@code i} is in the slot {@code i mod 2048} would be, in a
   * shuffled order of slots. So every slot gets {@code count / 2048} or one more.
   */
  static List<String> paths(String prefix, int count) {
    List<ArrayDeque<String>> bySlot = new ArrayList<>();
    for (int s = 0; s < SLOTS; s++) {
      bySlot.add(new ArrayDeque<>());
    }
    int perSlot = (count + SLOTS - 1) / SLOTS;
    int full = 0;
    for (long n = 0; full < SLOTS; n++) {
      String path = prefix + n;
      ArrayDeque<String> q = bySlot.get(BlobPaths.slotOf(path, SLOTS));
      if (q.size() < perSlot) {
        q.add(path);
        if (q.size() == perSlot) {
          full++;
        }
      }
    }
    Integer[] order = new Integer[SLOTS];
    Arrays.setAll(order, i -> i);
    java.util.Collections.shuffle(Arrays.asList(order), new Random(7));
    List<String> paths = new ArrayList<>(count);
    while (paths.size() < count) {
      for (int s : order) {
        if (paths.size() < count) {
          paths.add(bySlot.get(s).poll());
        }
      }
    }
    return paths;
  }

  /** PUTs every path (4 KiB each) from {@link #THREADS} threads, one connection each. */
  private Measurement puts(InetSocketAddress address, String subject, List<String> paths) {
    AtomicInteger next = new AtomicInteger();
    AtomicReference<String> failure = new AtomicReference<>();
    long[] latencies = new long[paths.size()];
    List<Thread> workers = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < THREADS; t++) {
      int id = t;
      Thread worker =
          new Thread(
              () -> {
                Random random = new Random(id);
                try (HttpConnection c = new HttpConnection(address, 64 << 10)) {
                  for (int i;
                      failure.get() == null && (i = next.getAndIncrement()) < paths.size(); ) {
                    long t0 = System.nanoTime();
                    c.put(
                        "/objects/" + paths.get(i),
                        PutOptions.DEFAULT_CONTENT_TYPE,
                        data.stream(PUT_SIZE, random.nextInt()),
                        PUT_SIZE);
                    latencies[i] = System.nanoTime() - t0;
                  }
                } catch (IOException | RuntimeException e) {
                  failure.compareAndSet(null, e.toString());
                }
              },
              "bench-footprint-put-" + t);
      worker.start();
      workers.add(worker);
    }
    for (Thread w : workers) {
      try {
        w.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure.compareAndSet(null, "interrupted");
      }
    }
    long elapsed = System.nanoTime() - start;
    if (failure.get() != null) {
      return Measurement.failed(subject, Op.PUT, PUT_SIZE, THREADS, failure.get());
    }
    Arrays.sort(latencies);
    return new Measurement(
        subject,
        Op.PUT,
        PUT_SIZE,
        THREADS,
        paths.size(),
        elapsed,
        Latencies.percentile(latencies, 0.50),
        Latencies.percentile(latencies, 0.99),
        null);
  }

  /** One blob of {@code size}: PUT streamed from generated bytes, GET streamed, both checked. */
  private void bigRoundTrip(NodeProcess node, long size, FootprintReport.Builder report) {
    String target = "/objects/fp/big";
    CRC32C sent = new CRC32C();
    try (HttpConnection c = new HttpConnection(node.address(), Bench.IO_BUFFER)) {
      long t0 = System.nanoTime();
      try (InputStream body = new CheckedInputStream(data.stream(size, 0), sent)) {
        c.put(target, PutOptions.DEFAULT_CONTENT_TYPE, body, size);
      }
      long putNanos = System.nanoTime() - t0;
      report.rows.add(
          new Measurement("node", Op.PUT, size, 1, 1, putNanos, putNanos, putNanos, null));
      err.printf(
          Locale.ROOT,
          "footprint: PUT %s in %.1f s; %s%n",
          Units.size(size),
          putNanos / 1e9,
          FootprintReport.memory(node.memory()));
      CRC32C got = new CRC32C();
      t0 = System.nanoTime();
      long length = c.get(target, got);
      long getNanos = System.nanoTime() - t0;
      String mismatch =
          length != size
              ? "GET read " + length + " bytes, PUT sent " + size
              : got.getValue() != sent.getValue()
                  ? String.format(
                      Locale.ROOT,
                      "GET's CRC32C %08x differs from PUT's %08x",
                      got.getValue(),
                      sent.getValue())
                  : null;
      report.rows.add(
          new Measurement("node", Op.GET, size, 1, 1, getNanos, getNanos, getNanos, mismatch));
      report.bigWorked = mismatch == null;
      report.bigDetail =
          mismatch != null
              ? mismatch
              : String.format(
                  Locale.ROOT, "%,d bytes back, CRC32C %08x as sent", length, got.getValue());
      err.printf(
          Locale.ROOT,
          "footprint: GET %s in %.1f s: %s%n",
          Units.size(size),
          getNanos / 1e9,
          report.bigDetail);
    } catch (IOException | RuntimeException e) {
      report.bigWorked = false;
      report.bigDetail = e.toString();
      boolean putDone = report.rows.stream().anyMatch(m -> m.size() == size && m.op() == Op.PUT);
      report.rows.add(Measurement.failed("node", putDone ? Op.GET : Op.PUT, size, 1, e.toString()));
      err.println("footprint: the " + Units.size(size) + " round trip failed: " + e);
    }
  }
}
