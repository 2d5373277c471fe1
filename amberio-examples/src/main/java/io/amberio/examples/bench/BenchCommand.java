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

import io.amberio.core.Compression;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code amberio bench}: PUT and GET of blobs of several sizes with several thread counts, against
 * the embedded store, the node over HTTP on loopback, and two baselines of the same disk (one file
 * per blob, and the fsync limit), in one process; then a cluster of three nodes in the same process
 * beside a single node; then a node in a child process with 128 MiB of heap (the footprint
 * section). See docs/benchmarks.md.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measures PUT and GET against the embedded store, the node over HTTP on loopback, one file per blob"
          + " (create, write, fsync, fsync the directory; open, read, close), and the disk's fsync limit"
          + " (4 KiB overwrites + fdatasync per op). Prints ops/s, MiB/s, p50/p99 latency and ratios to the"
          + " baselines, then checks the performance targets.",
      "A cell stops at whichever comes first: --duration, --ops, or --max-cell-bytes (PUT).",
      "Then the compression section (ratio and throughput of each codec on text and random data; see"
          + " --compression-section), and, by default when etcd is installed, the cluster section: three cluster"
          + " nodes in this process beside a single node (see --cluster).",
      "Last, the footprint section: a node in a child process with -Xmx128m and default settings, its time to"
          + " healthy, resident memory and PUT rates into a new and a warm store, and a 1 GiB PUT and GET through it"
          + " (see --footprint)."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:every cell ran (missed targets are reported, not failed)",
      "1:a cell failed",
      "2:bad options"
    })
public final class BenchCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "Where to create the bench's working directory (default: the working directory). The bench "
              + "only deletes what it created.")
  Path dir;

  @Option(names = "--keep", description = "Keep the working directory afterwards.")
  boolean keep;

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      description =
          "Measured time per cell, all rounds together (default 3s; --quick: 200ms). Examples: 3s, "
              + "500ms.")
  String duration;

  @Option(
      names = "--warmup",
      paramLabel = "TIME",
      description =
          "Warm-up per cell before its first round, not recorded (default 1s; --quick: 0).")
  String warmup;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      description =
          "Runs each group of cells (one size, one thread count) in N rounds that alternate the "
              + "subjects, each round a share of --duration; a row adds up its rounds (default 3; --quick: "
              + "1).")
  Integer rounds;

  @Option(
      names = "--ops",
      paramLabel = "N",
      description =
          "At most N measured ops per cell, all threads and rounds together (default: no cap).")
  Long ops;

  @Option(
      names = "--max-cell-bytes",
      paramLabel = "SIZE",
      description =
          "At most SIZE bytes written per PUT cell; bounds disk use and the time of big blobs "
              + "(default 2GiB; --quick: 256MiB).")
  String maxCellBytes;

  @Option(
      names = "--sizes",
      paramLabel = "SIZE",
      split = ",",
      description = "Blob sizes (default 4KiB,1MiB,64MiB).")
  List<String> sizes;

  @Option(
      names = "--threads",
      paramLabel = "N",
      split = ",",
      description = "Thread counts (default 1,8).")
  List<Integer> threads;

  @Option(
      names = "--subjects",
      paramLabel = "NAME",
      split = ",",
      defaultValue = "fsync-limit,file-per-blob,embedded,http",
      description = "What to measure (default all, in this order: ${DEFAULT-VALUE}).")
  List<String> subjects;

  @Option(
      names = "--quick",
      description =
          "A fast smoke run: short cells, no warm-up, no prefill, a smaller footprint section. The numbers are not"
              + " meaningful.")
  boolean quick;

  @Option(names = "--markdown", description = "Print the tables as Markdown too.")
  boolean markdown;

  @Option(
      names = "--slot-count",
      paramLabel = "N",
      description = "Slot count of the stores under test (default: the store's default).")
  int slotCount;

  @Option(
      names = "--max-open-slots",
      paramLabel = "N",
      description =
          "Open-slot limit of the stores under test, the footprint section's node included (default: the"
              + " store's default).")
  int maxOpenSlots;

  @Option(
      names = "--inline-threshold",
      paramLabel = "SIZE",
      description = "Inline threshold of the stores under test (default: the store's default).")
  String inlineThreshold;

  @Option(
      names = "--chunk-size",
      paramLabel = "SIZE",
      description = "Chunk size of the stores under test (default: the store's default).")
  String chunkSize;

  @Option(
      names = "--read-cache",
      paramLabel = "SIZE",
      description =
          "Read cache of the stores under test; 0 disables it, so GETs measure SQLite (default: the"
              + " store's default).")
  String readCache;

  @Option(
      names = "--compression",
      paramLabel = "CODEC",
      description =
          "Compression of the stores under test, the grid's and the cluster section's: none (default), lz4, zstd or"
              + " zstd:LEVEL (1 to 19).")
  String compression;

  @Option(
      names = "--data",
      paramLabel = "KIND",
      description =
          "What the grid's and the cluster section's PUT cells write: random (default; nothing compresses) or text"
              + " (server log lines, which compress like real logs).")
  String data;

  @Option(
      names = "--compression-section",
      paramLabel = "MODE",
      description =
          "The compression section: for text and random data and each codec (none, lz4, zstd:1, zstd:3 and"
              + " --compression's), 1 MiB PUTs and GETs on one thread through a fresh store: MiB/s, MiB per CPU-second"
              + " and the on-disk ratio. on (default): after the single-node grid; off; only: the section alone.")
  String compressionSection;

  @Option(
      names = "--compression-bytes",
      paramLabel = "SIZE",
      description =
          "Bytes written by each row of the compression section (default 64MiB; --quick: 4MiB).")
  String compressionBytes;

  @Option(
      names = "--no-prefill",
      description =
          "Do not write one 1-byte blob into each slot of a store before its cells: the first cells "
              + "then also measure the one-time creation of slots.")
  boolean noPrefill;

  @Option(
      names = "--cluster",
      paramLabel = "MODE",
      description =
          "The cluster section: three ClusterNodes in this process on loopback TCP (HMAC), replication factor 3,"
              + " beside a single node, plus etcd's own compare-and-set rate. auto (default): after the single-node"
              + " grid when an etcd binary is found, else skipped; on: also without etcd, on the in-memory registry;"
              + " only: the cluster section alone; off.")
  String cluster;

  @Option(
      names = "--cluster-registry",
      paramLabel = "KIND",
      description =
          "Registry of the cluster section: etcd (default: /usr/bin/etcd or etcd on the PATH, started by the"
              + " bench on free loopback ports in its directory) or memory (InMemoryRegistry).")
  String clusterRegistry;

  @Option(
      names = "--cluster-slots",
      paramLabel = "N",
      description =
          "Slot count of the cluster section's stores, the three nodes' and the single node's (default 256: with"
              + " 2048 slots, starting, prefilling and closing three nodes take about a minute more; --quick: 64).")
  Integer clusterSlots;

  @Option(
      names = "--footprint",
      paramLabel = "MODE",
      description =
          "The footprint section: a node (amberio node, default settings) in a child process with -Xmx128m, the"
              + " edge box of the issue. Time to healthy (three starts: process start to the first 200 from GET"
              + " /health), its RSS idle, after --footprint-puts PUTs of 4 KiB into a new store (8 threads, every"
              + " one of the 2048 slots gets some), after as many more (warm; and the rate of both), and after one"
              + " --footprint-blob PUT and GET streamed and checked; then the four footprint targets. on (default):"
              + " last; off; only: the section alone.")
  String footprint;

  @Option(
      names = "--footprint-puts",
      paramLabel = "N",
      description =
          "PUTs of 4 KiB in each of the footprint section's two runs (default 20000, as in the targets; --quick:"
              + " 4096).")
  Integer footprintPuts;

  @Option(
      names = "--footprint-blob",
      paramLabel = "SIZE",
      description =
          "The footprint section's big blob, PUT and GET through -Xmx128m (default 1GiB, as in the targets;"
              + " --quick: 64MiB).")
  String footprintBlob;

  @Override
  public Integer call() {
    BenchOptions options = options();
    try {
      BenchReport report = new Bench(options, System.out, System.err).run();
      return report.anyFailed() ? 1 : 0;
    } catch (IllegalStateException | UncheckedIOException e) {
      System.err.println("bench: " + e.getMessage());
      return 1;
    }
  }

  private static int intSize(String option, String text) {
    long size = Units.parseSize(text);
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(option + " is too large: " + text);
    }
    return (int) size;
  }

  private static BenchOptions.ClusterMode clusterMode(String text) {
    if (text == null) {
      return BenchOptions.ClusterMode.AUTO;
    }
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "auto" -> BenchOptions.ClusterMode.AUTO;
      case "on" -> BenchOptions.ClusterMode.ON;
      case "off" -> BenchOptions.ClusterMode.OFF;
      case "only" -> BenchOptions.ClusterMode.ONLY;
      default ->
          throw new IllegalArgumentException(
              "--cluster must be auto, on, off or only, was '" + text + "'");
    };
  }

  private static BenchOptions.SectionMode sectionMode(String option, String text) {
    if (text == null) {
      return BenchOptions.SectionMode.ON;
    }
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "on" -> BenchOptions.SectionMode.ON;
      case "off" -> BenchOptions.SectionMode.OFF;
      case "only" -> BenchOptions.SectionMode.ONLY;
      default ->
          throw new IllegalArgumentException(
              option + " must be on, off or only, was '" + text + "'");
    };
  }

  private static Compression compression(String text) {
    if (text == null) {
      return Compression.none();
    }
    try {
      return Compression.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--compression: " + e.getMessage(), e);
    }
  }

  /** Resolves the options: an explicit value wins over --quick's, which wins over the default. */
  BenchOptions options() {
    try {
      List<Long> sizeList = new ArrayList<>();
      for (String s : sizes == null ? List.of("4KiB", "1MiB", "64MiB") : sizes) {
        sizeList.add(Units.parseSize(s));
      }
      return new BenchOptions(
          dir == null ? Path.of("").toAbsolutePath() : dir.toAbsolutePath(),
          keep,
          duration != null
              ? Units.parseDuration(duration)
              : quick ? Duration.ofMillis(200) : Duration.ofSeconds(3),
          warmup != null
              ? Units.parseDuration(warmup)
              : quick ? Duration.ZERO : Duration.ofSeconds(1),
          rounds != null ? rounds : quick ? 1 : 3,
          ops == null ? 0 : ops,
          maxCellBytes != null ? Units.parseSize(maxCellBytes) : quick ? 256L << 20 : 2L << 30,
          sizeList,
          threads == null ? List.of(1, 8) : threads,
          subjects,
          markdown,
          slotCount,
          maxOpenSlots,
          inlineThreshold == null
              ? -1
              : inlineThreshold.equals("0") ? 0 : intSize("--inline-threshold", inlineThreshold),
          chunkSize == null ? 0 : intSize("--chunk-size", chunkSize),
          readCache == null ? -1 : readCache.equals("0") ? 0 : Units.parseSize(readCache),
          !noPrefill && !quick,
          clusterMode(cluster),
          clusterRegistry == null ? "etcd" : clusterRegistry,
          clusterSlots != null ? clusterSlots : quick ? 64 : 256,
          compression(compression),
          data == null ? "random" : data.toLowerCase(Locale.ROOT),
          sectionMode("--compression-section", compressionSection),
          compressionBytes != null
              ? Units.parseSize(compressionBytes)
              : quick ? 4L << 20 : 64L << 20,
          quick ? ListingSection.QUICK_KEYS : ListingSection.KEYS,
          sectionMode("--footprint", footprint),
          footprintPuts != null ? footprintPuts : quick ? 4096 : FootprintSection.PUTS,
          footprintBlob != null
              ? Units.parseSize(footprintBlob)
              : quick ? 64L << 20 : FootprintSection.BLOB);
    } catch (IllegalArgumentException e) {
      if (spec == null) {
        throw e;
      }
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
