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

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * One bench run: creates a working directory, opens every subject, runs the cells, prints progress
 * to {@code err} and the report to {@code out}, and deletes what it created.
 *
 * <p>Cells are grouped by size and thread count. A group runs in rounds (default 3); in each round
 * every subject runs a PUT cell, then a GET cell over the keys its PUT cells wrote; a row adds up
 * its rounds. So the rows compared in a ratio are measured in alternation, seconds apart, and a
 * disk whose speed drifts (a virtual disk flushing its host cache) weighs on all of them alike.
 * Between cells, {@code sync} writes back whatever the previous cell left dirty, so that it is not
 * measured in the next one.
 *
 * <p>Disk use. Once a subject's cells have written more than 4 GiB, those blobs are deleted (for
 * the stores through their own delete and garbage collection) unless no cells are left; each
 * subject's directory is deleted at the end. A subject so holds at most about 4 GiB plus one cell
 * ({@code --max-cell-bytes} plus a quarter for the warm-up); the run refuses to start without room
 * for that, and skips cells if free space runs low.
 *
 * <p>After the grid (or instead of it, {@code --cluster only}) the cluster section runs: see {@link
 * ClusterSection}. Last (or alone, {@code --footprint only}) the footprint section: see {@link
 * FootprintSection}.
 */
final class Bench {
  /** The reusable buffer every worker reads and writes through. */
  static final int IO_BUFFER = 1 << 20;

  /** Once a subject's cells have written more than this (and read it back), it is deleted. */
  static final long RECLAIM_BYTES = 4L << 30;

  /** Space the disk keeps free beyond one cell, for the stores' own reserve and everything else. */
  static final long SPARE_BYTES = 1L << 30;

  private static final long FSYNC_LIMIT_SIZE = 4 << 10;

  private final BenchOptions options;
  private final PrintStream out;
  private final PrintStream err;
  private final PatternData data;

  Bench(BenchOptions options, PrintStream out, PrintStream err) {
    this.options = options;
    this.out = out;
    this.err = err;
    this.data = PatternData.of(options.data(), 20240607L);
  }

  /** Runs the bench, prints the report and returns it. */
  BenchReport run() {
    Path work;
    if (!Files.isDirectory(options.parentDir())) {
      throw new IllegalStateException("--dir " + options.parentDir() + " is not a directory");
    }
    try {
      work = Files.createTempDirectory(options.parentDir(), "amberio-bench-");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create the bench directory in " + options.parentDir(), e);
    }
    Thread cleanup = new Thread(() -> deleteQuietly(work), "bench-cleanup");
    if (!options.keep()) {
      Runtime.getRuntime().addShutdownHook(cleanup);
    }
    try {
      List<String> setup = RunSetup.describe(options, DiskInfo.of(work));
      setup.forEach(err::println);
      boolean compressionOnly = options.compressionSection() == BenchOptions.SectionMode.ONLY;
      boolean footprintOnly = options.footprint() == BenchOptions.SectionMode.ONLY;
      boolean gridToo =
          options.cluster() != BenchOptions.ClusterMode.ONLY && !compressionOnly && !footprintOnly;
      long needed =
          footprintOnly
              ? footprintNeededBytes()
              : compressionOnly
                  ? options.compressionBytes() + SPARE_BYTES
                  : gridToo ? Math.max(neededBytes(), clusterNeededBytes()) : clusterNeededBytes();
      if (options.footprintRuns()) {
        needed = Math.max(needed, footprintNeededBytes());
      }
      long usable = usableBytes(work);
      if (usable < needed) {
        throw new IllegalStateException(
            "only "
                + Units.bytes(usable)
                + " free in "
                + work
                + "; the bench needs about "
                + Units.bytes(needed)
                + " (use --dir elsewhere or a smaller --max-cell-bytes)");
      }
      List<String> notes = new ArrayList<>();
      List<Measurement> rows = gridToo ? runAll(work, notes) : List.of();
      CompressionReport compression = null;
      if (options.compressionSection() != BenchOptions.SectionMode.OFF
          && options.cluster() != BenchOptions.ClusterMode.ONLY
          && !footprintOnly) {
        compression = new CompressionSection(options, err).run(work);
      }
      ClusterReport cluster = null;
      String skipped =
          compressionOnly
              ? "the cluster section did not run (--compression-section only)"
              : footprintOnly
                  ? "the cluster section did not run (--footprint only)"
                  : ClusterSection.skipReason(options);
      if (skipped == null) {
        if (gridToo) {
          notes.add(
              "load average after the single-node grid (1, 5, 15 min): " + RunSetup.loadAverage());
        }
        cluster = new ClusterSection(options, err, data).run(work);
      } else {
        notes.add(skipped);
      }
      FootprintReport footprint = null;
      if (options.footprintRuns()) {
        footprint = new FootprintSection(options, err).run(work);
      } else {
        notes.add(
            "the footprint section did not run ("
                + (options.footprint() == BenchOptions.SectionMode.OFF
                    ? "--footprint off"
                    : "another section ran alone")
                + ")");
      }
      notes.add("load average at the end (1, 5, 15 min): " + RunSetup.loadAverage());
      List<TargetCheck> checks =
          rows.isEmpty() ? List.of() : TargetCheck.evaluate(rows, options.threads());
      BenchReport report =
          new BenchReport(setup, rows, checks, notes, compression, cluster, footprint);
      report.print(out, options.markdown());
      return report;
    } finally {
      if (!options.keep()) {
        deleteQuietly(work);
        try {
          Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
          // shutting down already
        }
      } else {
        err.println("kept " + work);
      }
    }
  }

  private long neededBytes() {
    int maxThreads = options.threads().stream().mapToInt(Integer::intValue).max().orElse(1);
    long biggest = options.sizes().stream().mapToLong(Long::longValue).max().orElse(0);
    long perCell = Math.max(options.maxCellBytes(), biggest * maxThreads);
    long stores = options.subjects().stream().filter(n -> !n.equals("fsync-limit")).count();
    return stores * (RECLAIM_BYTES + perCell + perCell / 4)
        + (long) maxThreads * FsyncLimitSubject.FILE_SIZE
        + SPARE_BYTES;
  }

  /**
   * Space for the footprint section: the big blob, the small ones (in 2048 SQLite databases) and
   * the spare.
   */
  private long footprintNeededBytes() {
    return options.footprintBlob() + 2L * options.footprintPuts() * (16 << 10) + SPARE_BYTES;
  }

  /**
   * Space for the cluster section, which runs after the grid's directories are deleted: what the
   * single node and the cluster may each keep before it is reclaimed, plus a cell of each (the
   * cluster's in three copies).
   */
  private long clusterNeededBytes() {
    if (ClusterSection.skipReason(options) != null) {
      return 0;
    }
    long perCell = Math.max(options.maxCellBytes(), (1L << 20) * 8);
    return 2 * RECLAIM_BYTES + 4 * (perCell + perCell / 4) + SPARE_BYTES;
  }

  /**
   * Opens every subject (and prefills the stores), then runs the groups of cells; see the class
   * comment.
   */
  private List<Measurement> runAll(Path work, List<String> notes) {
    List<Measurement> rows = new ArrayList<>();
    Map<String, Subject> open = new LinkedHashMap<>();
    Map<String, Pending> pending = new LinkedHashMap<>();
    try {
      for (String name : options.subjects()) {
        try {
          Subject subject = open(name, work.resolve(name));
          open.put(name, subject);
          pending.put(name, new Pending());
          if (options.prefill()) {
            String note = subject.prepare();
            if (note != null) {
              err.println(note);
              notes.add(note);
            }
          }
        } catch (Exception | Error e) {
          err.println("cannot start " + name + ": " + e);
          notes.add(name + " could not start: " + e);
          Subject failed = open.remove(name);
          closeQuietly(failed);
        }
      }
      List<long[]> groups = new ArrayList<>();
      TreeSet<Long> sizes = new TreeSet<>(options.sizes());
      if (options.subjects().contains("fsync-limit")) {
        sizes.add(FSYNC_LIMIT_SIZE);
      }
      int total = 0;
      for (long size : sizes) {
        for (int threads : options.threads()) {
          groups.add(new long[] {size, threads});
          for (String name : options.subjects()) {
            total += runs(name, size) ? (name.equals("fsync-limit") ? 1 : 2) * options.rounds() : 0;
          }
        }
      }
      Progress progress = new Progress(options, err, total, work);
      for (int g = 0; g < groups.size(); g++) {
        long size = groups.get(g)[0];
        int threads = (int) groups.get(g)[1];
        Map<String, Group> results = new LinkedHashMap<>();
        for (String name : options.subjects()) {
          if (runs(name, size)) {
            results.put(name, new Group());
          }
        }
        for (int round = 0; round < options.rounds(); round++) {
          for (Map.Entry<String, Group> r : results.entrySet()) {
            Subject subject = open.get(r.getKey());
            if (subject == null) {
              r.getValue().failure = "could not start";
            }
            if (r.getValue().failure == null) {
              runRound(subject, size, threads, round, r.getValue(), progress);
            } else {
              progress.skip(r.getKey().equals("fsync-limit") ? 1 : 2);
            }
          }
        }
        for (Map.Entry<String, Group> r : results.entrySet()) {
          String name = r.getKey();
          Group group = r.getValue();
          rows.add(combine(name, Op.PUT, size, threads, group.puts, group.failure));
          if (!name.equals("fsync-limit")) {
            rows.add(combine(name, Op.GET, size, threads, group.gets, group.failure));
          }
          Pending p = pending.get(name);
          if (p != null) {
            p.keys.addAll(group.keys);
            p.bytes += size * group.keys.size();
          }
        }
        boolean last = g == groups.size() - 1;
        for (Map.Entry<String, Subject> e : open.entrySet()) {
          Pending p = pending.get(e.getKey());
          if (!last && p.bytes > RECLAIM_BYTES) {
            reclaim(e.getValue(), p, progress);
          }
        }
      }
      rows.addAll(ListingSection.run(options, open, err));
    } finally {
      for (Map.Entry<String, Subject> e : open.entrySet()) {
        closeQuietly(e.getValue());
        deleteQuietly(work.resolve(e.getKey()));
      }
    }
    return rows;
  }

  /** Whether subject {@code name} has cells of {@code size}: the fsync limit only writes 4 KiB. */
  private boolean runs(String name, long size) {
    return name.equals("fsync-limit") ? size == FSYNC_LIMIT_SIZE : options.sizes().contains(size);
  }

  private void closeQuietly(Subject subject) {
    if (subject == null) {
      return;
    }
    try {
      subject.close();
    } catch (Exception | Error e) {
      err.println("closing " + subject.name() + " failed: " + e);
    }
  }

  /** Keys written and not reclaimed yet, with their bytes. */
  private static final class Pending {
    final List<String> keys = new ArrayList<>();
    long bytes;
  }

  /**
   * The rounds of one subject in one group: their outcomes, the keys written, or why it stopped.
   */
  static final class Group {
    final List<Cell.Outcome> puts = new ArrayList<>();
    final List<Cell.Outcome> gets = new ArrayList<>();
    final List<String> keys = new ArrayList<>();
    String failure;
  }

  /**
   * One round of a subject in a group: a PUT cell, then a GET cell over every key the group's PUT
   * cells wrote so far. Only the first round warms up; each round gets an equal share of the
   * duration, the op cap and the byte cap.
   */
  private void runRound(
      Subject subject, long size, int threads, int round, Group group, Progress progress) {
    runRound(options, data, subject, size, threads, round, group, progress, 1);
  }

  /**
   * {@link #runRound(Subject, long, int, int, Group, Progress)} for any caller; {@code copies} is
   * how many times the subject stores each byte (3 for a cluster of three replicas), for the
   * free-space check.
   */
  static void runRound(
      BenchOptions options,
      PatternData data,
      Subject subject,
      long size,
      int threads,
      int round,
      Group group,
      Progress progress,
      int copies) {
    String full = progress.lowSpace(copies);
    if (full != null) {
      group.failure = full;
      progress.skip(subject.reads() ? 2 : 1);
      return;
    }
    int rounds = options.rounds();
    Cell.Plan plan =
        new Cell.Plan(
            round == 0 ? options.warmup() : Duration.ZERO,
            options.duration().dividedBy(rounds),
            options.ops() == 0 ? 0 : Math.max(1, (options.ops() + rounds - 1) / rounds),
            Math.max(1, options.maxCellBytes() / rounds));
    Fs.syncAll();
    Cell.Outcome put = Cell.put(subject, size, threads, round, plan, data);
    group.puts.add(put);
    group.keys.addAll(put.written());
    progress.done(put.measurement(), round);
    if (!put.measurement().ok()) {
      group.failure = put.measurement().error();
    }
    if (subject.reads()) {
      if (group.failure != null) {
        progress.skip(1);
        return;
      }
      Fs.syncAll();
      Cell.Outcome get = Cell.get(subject, size, threads, plan, group.keys);
      group.gets.add(get);
      progress.done(get.measurement(), round);
      if (!get.measurement().ok()) {
        group.failure = get.measurement().error();
      }
    }
  }

  /** One row from the rounds of a cell: ops and windows add up, latencies are pooled. */
  static Measurement combine(
      String subject, Op op, long size, int threads, List<Cell.Outcome> rounds, String failure) {
    for (Cell.Outcome o : rounds) {
      if (o.measurement().error() != null) {
        return o.measurement();
      }
    }
    if (failure != null || rounds.isEmpty()) {
      return Measurement.failed(subject, op, size, threads, failure == null ? "not run" : failure);
    }
    long ops = 0;
    long elapsed = 0;
    int count = 0;
    long cpu = 0;
    double busy = 0;
    for (Cell.Outcome o : rounds) {
      Measurement m = o.measurement();
      ops += m.ops();
      elapsed += m.elapsedNanos();
      count += o.latencies().length;
      cpu = cpu < 0 || m.cpuNanos() < 0 ? -1 : cpu + m.cpuNanos();
      busy = busy < 0 || m.machineBusy() < 0 ? -1 : busy + m.machineBusy() * m.elapsedNanos();
    }
    long[] all = new long[count];
    int at = 0;
    for (Cell.Outcome o : rounds) {
      System.arraycopy(o.latencies(), 0, all, at, o.latencies().length);
      at += o.latencies().length;
    }
    Arrays.sort(all);
    return new Measurement(
        subject,
        op,
        size,
        threads,
        ops,
        elapsed,
        Latencies.percentile(all, 0.50),
        Latencies.percentile(all, 0.99),
        null,
        cpu,
        busy < 0 || elapsed == 0 ? -1 : busy / elapsed);
  }

  private void reclaim(Subject subject, Pending pending, Progress progress) {
    long start = System.nanoTime();
    try {
      subject.reclaim(pending.keys);
      err.printf(
          Locale.ROOT,
          "  reclaimed %d blobs (%s) of %s in %.1fs; bench files now %s%n",
          pending.keys.size(),
          Units.bytes(pending.bytes),
          subject.name(),
          (System.nanoTime() - start) / 1e9,
          Units.bytes(Fs.treeSize(progress.work)));
    } catch (Exception e) {
      err.println(
          "  reclaiming " + pending.keys.size() + " blobs of " + subject.name() + " failed: " + e);
    }
    pending.keys.clear();
    pending.bytes = 0;
  }

  private Subject open(String name, Path dir) throws IOException {
    return switch (name) {
      case "fsync-limit" -> new FsyncLimitSubject(dir);
      case "file-per-blob" -> new FilePerBlobSubject(dir);
      case "embedded" -> new EmbeddedSubject(Stores.open(dir, options));
      case "http" -> HttpSubject.start(dir, options);
      default -> throw new IllegalArgumentException("unknown subject " + name);
    };
  }

  private static long usableBytes(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void deleteQuietly(Path dir) {
    try {
      Fs.deleteTree(dir);
    } catch (IOException | RuntimeException e) {
      err.println("could not delete " + dir + ": " + e);
    }
  }

  /** Progress lines on stderr, and the guard against filling the disk. */
  static final class Progress {
    private final BenchOptions options;
    private final PrintStream err;
    private final int total;
    private final int rounds;
    final Path work;
    private int done;

    Progress(BenchOptions options, PrintStream err, int total, Path work) {
      this.options = options;
      this.err = err;
      this.total = total;
      this.rounds = options.rounds();
      this.work = work;
    }

    void skip(int cells) {
      done += cells;
    }

    void done(Measurement m, int round) {
      done++;
      String what =
          m.ok()
              ? String.format(
                  Locale.ROOT,
                  "%d ops in %.1fs, %s ops/s, %s MiB/s, p50 %s ms, p99 %s ms",
                  m.ops(),
                  m.elapsedNanos() / 1e9,
                  Units.rate(m.opsPerSecond()),
                  Units.rate(m.mibPerSecond()),
                  Units.millis(m.p50Nanos()),
                  Units.millis(m.p99Nanos()))
              : "FAILED: " + m.error();
      err.printf(
          Locale.ROOT,
          "[%3d/%d] %-18s %7s x%-2d%s %s; bench files now %s%n",
          done,
          total,
          m.workload(),
          Units.size(m.size()),
          m.threads(),
          rounds > 1 ? " round " + (round + 1) + "/" + rounds + ":" : "",
          what,
          Units.bytes(Fs.treeSize(work)));
    }

    /**
     * Why the next cell must not run because it could fill the disk (for example when reclaiming
     * did not free space), or null; {@code copies}: how many times the subject stores each byte.
     */
    String lowSpace(int copies) {
      long usable = usableBytes(work);
      long needed = copies * (options.maxCellBytes() + options.maxCellBytes() / 4) + SPARE_BYTES;
      if (usable >= needed) {
        return null;
      }
      return "skipped: only "
          + Units.bytes(usable)
          + " free (the bench's files: "
          + Units.bytes(Fs.treeSize(work))
          + ") and the cell may write "
          + Units.bytes(needed);
    }
  }
}
