package io.amberio.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * One bench run: creates a working directory, opens every subject, runs the cells, prints progress to
 * {@code err} and the report to {@code out}, and deletes what it created.
 *
 * <p>Cells are grouped by size and thread count; in each group every subject runs a PUT cell, then a GET
 * cell over the keys that PUT cell wrote. Between cells, {@code sync} writes back whatever the previous
 * cell left dirty, so that it is not measured in the next one.
 *
 * <p>Disk use. Once a subject's cells have written more than 4 GiB, those blobs are deleted (for the stores
 * through their own delete and garbage collection) unless no cells are left; each subject's directory is
 * deleted at the end. A subject so holds at most about 4 GiB plus one cell ({@code --max-cell-bytes} plus
 * a quarter for the warm-up); the run refuses to start without room for that, and skips cells if free
 * space runs low.
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
  private final PatternData data = new PatternData(20240607L);

  Bench(BenchOptions options, PrintStream out, PrintStream err) {
    this.options = options;
    this.out = out;
    this.err = err;
  }

  /** Runs the bench, prints the report and returns it. */
  BenchReport run() {
    Path work;
    try {
      Files.createDirectories(options.parentDir());
      work = Files.createTempDirectory(options.parentDir(), "amberio-bench-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the bench directory in " + options.parentDir(), e);
    }
    Thread cleanup = new Thread(() -> deleteQuietly(work), "bench-cleanup");
    if (!options.keep()) {
      Runtime.getRuntime().addShutdownHook(cleanup);
    }
    try {
      List<String> setup = RunSetup.describe(options, DiskInfo.of(work));
      setup.forEach(err::println);
      long needed = neededBytes();
      long usable = usableBytes(work);
      if (usable < needed) {
        throw new IllegalStateException(
            "only " + Units.bytes(usable) + " free in " + work + "; the bench needs about " + Units.bytes(needed)
                + " (use --dir elsewhere or a smaller --max-cell-bytes)");
      }
      List<String> notes = new ArrayList<>();
      List<Measurement> rows = runAll(work, notes);
      notes.add("load average at the end (1, 5, 15 min): " + RunSetup.loadAverage());
      BenchReport report = new BenchReport(setup, rows, TargetCheck.evaluate(rows, options.threads()), notes);
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
    return stores * (RECLAIM_BYTES + perCell + perCell / 4) + (long) maxThreads * FsyncLimitSubject.FILE_SIZE + SPARE_BYTES;
  }

  /**
   * Opens every subject (and prefills the stores), then runs the cells grouped by size and thread count:
   * within a group the subjects run back to back, so that the rows compared in a ratio are measured
   * seconds apart, not minutes, on a disk whose speed drifts.
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
            total += runs(name, size) ? (name.equals("fsync-limit") ? 1 : 2) : 0;
          }
        }
      }
      Progress progress = new Progress(total, work);
      for (int g = 0; g < groups.size(); g++) {
        long size = groups.get(g)[0];
        int threads = (int) groups.get(g)[1];
        for (String name : options.subjects()) {
          if (!runs(name, size)) {
            continue;
          }
          Subject subject = open.get(name);
          if (subject == null) {
            rows.add(Measurement.failed(name, Op.PUT, size, threads, "could not start"));
            progress.done(rows.get(rows.size() - 1));
            if (!name.equals("fsync-limit")) {
              rows.add(Measurement.failed(name, Op.GET, size, threads, "could not start"));
              progress.done(rows.get(rows.size() - 1));
            }
            continue;
          }
          runPair(subject, size, threads, rows, progress, pending.get(name));
        }
        boolean last = g == groups.size() - 1;
        for (Map.Entry<String, Subject> e : open.entrySet()) {
          Pending p = pending.get(e.getKey());
          if (!last && p.bytes > RECLAIM_BYTES) {
            reclaim(e.getValue(), p, progress);
          }
        }
      }
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

  private void runPair(Subject subject, long size, int threads, List<Measurement> rows, Progress progress, Pending pending) {
    String full = progress.lowSpace();
    if (full != null) {
      rows.add(Measurement.failed(subject.name(), Op.PUT, size, threads, full));
      progress.done(rows.get(rows.size() - 1));
      if (subject.reads()) {
        rows.add(Measurement.failed(subject.name(), Op.GET, size, threads, full));
        progress.done(rows.get(rows.size() - 1));
      }
      return;
    }
    Fs.syncAll();
    Cell.Outcome put = Cell.put(subject, size, threads, options, data);
    rows.add(put.measurement());
    progress.done(put.measurement());
    if (subject.reads()) {
      Fs.syncAll();
      Cell.Outcome get = Cell.get(subject, size, threads, options, put.written());
      rows.add(get.measurement());
      progress.done(get.measurement());
    }
    pending.keys.addAll(put.written());
    pending.bytes += size * put.written().size();
  }

  private void reclaim(Subject subject, Pending pending, Progress progress) {
    long start = System.nanoTime();
    try {
      subject.reclaim(pending.keys);
      err.printf(Locale.ROOT, "  reclaimed %d blobs (%s) of %s in %.1fs; bench files now %s%n", pending.keys.size(),
          Units.bytes(pending.bytes), subject.name(), (System.nanoTime() - start) / 1e9, Units.bytes(Fs.treeSize(progress.work)));
    } catch (Exception e) {
      err.println("  reclaiming " + pending.keys.size() + " blobs of " + subject.name() + " failed: " + e);
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
  private final class Progress {
    private final int total;
    final Path work;
    private int done;

    Progress(int total, Path work) {
      this.total = total;
      this.work = work;
    }

    void done(Measurement m) {
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
          "[%2d/%d] %-18s %7s x%-2d %s; bench files now %s%n",
          done,
          total,
          m.workload(),
          Units.size(m.size()),
          m.threads(),
          what,
          Units.bytes(Fs.treeSize(work)));
    }

    /**
     * Why the next cell must not run because it could fill the disk (for example when reclaiming did not
     * free space), or null.
     */
    String lowSpace() {
      long usable = usableBytes(work);
      long needed = options.maxCellBytes() + options.maxCellBytes() / 4 + SPARE_BYTES;
      if (usable >= needed) {
        return null;
      }
      return "skipped: only " + Units.bytes(usable) + " free (the bench's files: " + Units.bytes(Fs.treeSize(work))
          + ") and the cell may write " + Units.bytes(needed);
    }
  }
}
