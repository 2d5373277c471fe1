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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The settings of one bench run, resolved from the command line.
 *
 * @param parentDir where the bench creates its own working directory
 * @param keep whether to leave the working directory behind
 * @param duration measured time per cell, split evenly over the rounds
 * @param warmup warm-up per cell before its first round (not recorded); zero for none
 * @param rounds how many times each group of cells runs, alternating the subjects
 * @param ops at most this many measured ops per cell (all threads together); 0 for no cap
 * @param maxCellBytes at most this many bytes written per PUT cell (each worker still does one op);
 *     the warm-up writes at most a quarter of it
 * @param sizes blob sizes
 * @param threads thread counts
 * @param subjects which subjects to run, in order
 * @param markdown whether to print the tables as Markdown too
 * @param slotCount slot count of the stores under test; 0 for the default
 * @param maxOpenSlots open-slot limit of the stores under test; 0 for the default
 * @param inlineThreshold inline threshold of the stores under test; -1 for the default
 * @param chunkSize chunk size of the stores under test; 0 for the default
 * @param readCacheBytes read cache of the stores under test; -1 for the default
 * @param prefill whether to write one small blob into every slot of a store before its cells
 * @param cluster whether and how the cluster section runs
 * @param clusterRegistry the registry of the cluster section: {@code etcd} (a real etcd started by
 *     the bench, falling back to the in-memory registry when no etcd binary is found) or {@code
 *     memory}
 * @param clusterSlots slot count of the cluster section's stores (the three nodes and its single
 *     node); 0 for the store's default
 * @param compression how the stores under test compress their chunks
 * @param data what the PUT cells write: {@code random} or {@code text} ({@link PatternData#KINDS})
 * @param compressionSection whether and how the compression section runs
 * @param compressionBytes how many bytes each row of the compression section writes
 * @param listKeys how many keys the listing rows list (and a fifth of that beside them)
 * @param footprint whether and how the footprint section runs
 * @param footprintPuts PUTs of 4 KiB in each of the footprint section's two runs
 * @param footprintBlob size of the footprint section's big blob
 */
record BenchOptions(
    Path parentDir,
    boolean keep,
    Duration duration,
    Duration warmup,
    int rounds,
    long ops,
    long maxCellBytes,
    List<Long> sizes,
    List<Integer> threads,
    List<String> subjects,
    boolean markdown,
    int slotCount,
    int maxOpenSlots,
    int inlineThreshold,
    int chunkSize,
    long readCacheBytes,
    boolean prefill,
    ClusterMode cluster,
    String clusterRegistry,
    int clusterSlots,
    Compression compression,
    String data,
    SectionMode compressionSection,
    long compressionBytes,
    int listKeys,
    SectionMode footprint,
    int footprintPuts,
    long footprintBlob) {

  /**
   * Whether the compression section (see {@code --compression-section}) or the footprint section
   * (see {@code --footprint}) runs.
   */
  enum SectionMode {
    /** With the others: the compression section after the grid, the footprint section last. */
    ON,
    /** Not at all. */
    OFF,
    /** Only this section. */
    ONLY
  }

  /** Whether the cluster section runs: see {@code --cluster}. */
  enum ClusterMode {
    /**
     * After the single-node grid, when an etcd binary is found; skipped (and said so) otherwise.
     */
    AUTO,
    /** After the single-node grid; on the in-memory registry when no etcd binary is found. */
    ON,
    /** Not at all. */
    OFF,
    /** Only the cluster section, not the single-node grid. */
    ONLY
  }

  /** Every subject, in the order they run. */
  static final List<String> ALL_SUBJECTS =
      List.of("fsync-limit", "file-per-blob", "embedded", "http");

  BenchOptions {
    Objects.requireNonNull(parentDir, "parentDir");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(warmup, "warmup");
    sizes = List.copyOf(sizes);
    threads = List.copyOf(threads);
    subjects = List.copyOf(subjects);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("--duration must be positive, was " + duration);
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup must not be negative, was " + warmup);
    }
    if (rounds < 1 || rounds > 100) {
      throw new IllegalArgumentException("--rounds must be 1 to 100, was " + rounds);
    }
    if (ops < 0) {
      throw new IllegalArgumentException("--ops must not be negative, was " + ops);
    }
    if (maxCellBytes <= 0) {
      throw new IllegalArgumentException("--max-cell-bytes must be positive, was " + maxCellBytes);
    }
    if (sizes.isEmpty() || sizes.stream().anyMatch(s -> s <= 0)) {
      throw new IllegalArgumentException("--sizes needs one or more positive sizes, was " + sizes);
    }
    if (threads.isEmpty() || threads.stream().anyMatch(t -> t < 1 || t > 1024)) {
      throw new IllegalArgumentException(
          "--threads needs one or more counts from 1 to 1024, was " + threads);
    }
    for (String s : subjects) {
      if (!ALL_SUBJECTS.contains(s)) {
        throw new IllegalArgumentException(
            "unknown subject '" + s + "'; known: " + String.join(", ", ALL_SUBJECTS));
      }
    }
    Objects.requireNonNull(cluster, "cluster");
    if (!clusterRegistry.equals("etcd") && !clusterRegistry.equals("memory")) {
      throw new IllegalArgumentException(
          "--cluster-registry must be etcd or memory, was '" + clusterRegistry + "'");
    }
    if (clusterSlots < 0 || clusterSlots > 65536) {
      throw new IllegalArgumentException("--cluster-slots must be 1 to 65536, was " + clusterSlots);
    }
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(compressionSection, "compressionSection");
    if (!PatternData.KINDS.contains(data)) {
      throw new IllegalArgumentException(
          "--data must be " + String.join(" or ", PatternData.KINDS) + ", was '" + data + "'");
    }
    if (compressionBytes < CompressionSection.BLOB) {
      throw new IllegalArgumentException(
          "--compression-bytes must be at least 1MiB, was " + compressionBytes);
    }
    if (compressionSection == SectionMode.ONLY && cluster == ClusterMode.ONLY) {
      throw new IllegalArgumentException(
          "--compression-section only and --cluster only cannot be combined");
    }
    Objects.requireNonNull(footprint, "footprint");
    if (footprint == SectionMode.ONLY
        && (compressionSection == SectionMode.ONLY || cluster == ClusterMode.ONLY)) {
      throw new IllegalArgumentException(
          "--footprint only cannot be combined with --compression-section only or --cluster only");
    }
    if (footprintPuts < 1 || footprintPuts > 10_000_000) {
      throw new IllegalArgumentException(
          "--footprint-puts must be 1 to 10000000, was " + footprintPuts);
    }
    if (footprintBlob < 1 << 20) {
      throw new IllegalArgumentException(
          "--footprint-blob must be at least 1MiB, was " + footprintBlob);
    }
    if (subjects.isEmpty()) {
      throw new IllegalArgumentException(
          "--subjects needs at least one of " + String.join(", ", ALL_SUBJECTS));
    }
  }

  /** Whether the footprint section runs: {@code on} unless another section runs alone. */
  boolean footprintRuns() {
    return footprint == SectionMode.ONLY
        || (footprint == SectionMode.ON
            && compressionSection != SectionMode.ONLY
            && cluster != ClusterMode.ONLY);
  }
}
