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
package io.amberio.core;

import io.amberio.core.internal.LocalBlobStore;
import io.amberio.core.internal.StoreSettings;
import io.amberio.core.internal.chunk.BlockCodecs;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Configures and opens a {@link BlobStore}. Every option is checked when set, and setting one twice
 * is an error that names the earlier value. Only {@link #dataDir(Path)} is required.
 *
 * <pre>{@code
 * try (BlobStore store = BlobStore.builder().dataDir(Path.of("data")).build()) {
 *   store.put("hello.txt", "hi".getBytes(UTF_8));
 * }
 * }</pre>
 */
public final class BlobStoreBuilder {
  /** Default number of slots, fixed when a store is created. */
  public static final int DEFAULT_SLOT_COUNT = 2048;

  /** Default chunk size: 4 MiB. */
  public static final int DEFAULT_CHUNK_SIZE = 4 << 20;

  /** Default size up to which blobs live inline in the slot's database (see docs/benchmarks.md). */
  public static final int DEFAULT_INLINE_THRESHOLD = 64 << 10;

  /** Default maximum blob size: 5 GiB. */
  public static final long DEFAULT_MAX_BLOB_SIZE = 5L << 30;

  /** Default retention of tombstones and delete markers before garbage collection. */
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);

  /** Default interval between garbage collections. */
  public static final Duration DEFAULT_GC_INTERVAL = Duration.ofHours(1);

  /**
   * Default number of slots kept open at once: all of them, since hashing spreads any busy workload
   * over every slot and reopening a slot costs several file operations. Each open slot costs about
   * 200 KiB of native memory (one SQLite connection); lower this on small machines with many slots.
   */
  public static final int DEFAULT_MAX_OPEN_SLOTS = 4096;

  /** Default time after which an unused slot is closed. */
  public static final Duration DEFAULT_IDLE_SLOT_TIMEOUT = Duration.ofSeconds(60);

  /** The largest default read cache, in bytes (64 MiB); see {@link #readCacheBytes}. */
  public static final long DEFAULT_MAX_READ_CACHE_BYTES = 64L << 20;

  /** Default free space each disk keeps: writes that would eat into it fail with NO_SPACE. */
  public static final long DEFAULT_MIN_FREE_BYTES = 64L << 20;

  private final List<Path> dataDirs = new ArrayList<>();
  private Integer slotCount;
  private Integer chunkSize;
  private Integer inlineThreshold;
  private Long maxBlobSize;
  private Duration retention;
  private Duration gcInterval;
  private Integer maxOpenSlots;
  private Duration idleSlotTimeout;
  private Long minFreeBytes;
  private Long readCacheBytes;
  private InstantSource clock;
  private Random idRandom;
  private Scheduler scheduler;
  private Compression compression;

  BlobStoreBuilder() {}

  /** Adds a data directory (a disk). Slots are spread over the directories in the order given. */
  public BlobStoreBuilder dataDir(Path dir) {
    Objects.requireNonNull(dir, "dir");
    Path normalized = dir.toAbsolutePath().normalize();
    if (dataDirs.contains(normalized)) {
      throw new IllegalStateException("data directory " + normalized + " was already added");
    }
    dataDirs.add(normalized);
    return this;
  }

  /** Adds several data directories; see {@link #dataDir(Path)}. */
  public BlobStoreBuilder dataDirs(List<Path> dirs) {
    dirs.forEach(this::dataDir);
    return this;
  }

  /**
   * The number of slots (1 to 65536); fixed when the store is created. Default {@value
   * #DEFAULT_SLOT_COUNT}.
   */
  public BlobStoreBuilder slotCount(int count) {
    requireUnset("slotCount", slotCount);
    requireRange("slotCount", count, 1, 65_536);
    slotCount = count;
    return this;
  }

  /** The chunk size in bytes, 64 KiB to 64 MiB. Default 4 MiB. */
  public BlobStoreBuilder chunkSize(int bytes) {
    requireUnset("chunkSize", chunkSize);
    requireRange("chunkSize", bytes, 64 << 10, 64 << 20);
    chunkSize = bytes;
    return this;
  }

  /**
   * Blobs of at most this many bytes live inline in the slot database; 0 disables. Default 64 KiB.
   */
  public BlobStoreBuilder inlineThreshold(int bytes) {
    requireUnset("inlineThreshold", inlineThreshold);
    requireRange("inlineThreshold", bytes, 0, 1 << 20);
    inlineThreshold = bytes;
    return this;
  }

  /** The largest blob accepted, in bytes. Default 5 GiB. */
  public BlobStoreBuilder maxBlobSize(long bytes) {
    requireUnset("maxBlobSize", maxBlobSize);
    requireRange("maxBlobSize", bytes, 0, Long.MAX_VALUE);
    maxBlobSize = bytes;
    return this;
  }

  /**
   * How long tombstones and delete markers are kept before garbage collection. Default 24 hours.
   */
  public BlobStoreBuilder retention(Duration duration) {
    requireUnset("retention", retention);
    retention = requireNotNegative("retention", duration);
    return this;
  }

  /** How often garbage collection runs in the background; zero disables it. Default 1 hour. */
  public BlobStoreBuilder gcInterval(Duration duration) {
    requireUnset("gcInterval", gcInterval);
    gcInterval = requireNotNegative("gcInterval", duration);
    return this;
  }

  /**
   * How many slots may be open at once (at least 1). Default {@value #DEFAULT_MAX_OPEN_SLOTS}; see
   * there.
   */
  public BlobStoreBuilder maxOpenSlots(int count) {
    requireUnset("maxOpenSlots", maxOpenSlots);
    requireRange("maxOpenSlots", count, 1, 65_536);
    maxOpenSlots = count;
    return this;
  }

  /** After how long unused slots are closed. Default 60 seconds. */
  public BlobStoreBuilder idleSlotTimeout(Duration duration) {
    requireUnset("idleSlotTimeout", idleSlotTimeout);
    idleSlotTimeout = requireNotNegative("idleSlotTimeout", duration);
    return this;
  }

  /**
   * Free space each disk keeps; a write that would leave less fails with NO_SPACE. Default 64 MiB.
   */
  public BlobStoreBuilder minFreeBytes(long bytes) {
    requireUnset("minFreeBytes", minFreeBytes);
    requireRange("minFreeBytes", bytes, 0, Long.MAX_VALUE);
    minFreeBytes = bytes;
    return this;
  }

  /**
   * The heap bytes the read cache may hold (0 disables it). It keeps recent lookups: the metadata
   * of a version and, for a blob stored inline (see {@link #inlineThreshold}), its bytes, so that
   * repeated reads skip the slot's database. A cached read is never older than a committed write.
   * Default: 1/8 of the maximum heap, at most {@value #DEFAULT_MAX_READ_CACHE_BYTES} bytes.
   */
  public BlobStoreBuilder readCacheBytes(long bytes) {
    requireUnset("readCacheBytes", readCacheBytes);
    requireRange("readCacheBytes", bytes, 0, Long.MAX_VALUE);
    readCacheBytes = bytes;
    return this;
  }

  /**
   * How new chunk files are compressed; see {@link Compression}. Each chunk is compressed on its
   * own and written compressed only when that saves space, so ranged reads still read only the
   * chunks they need and incompressible data is stored raw. Chunks written with any setting stay
   * readable: the setting may change between opens. Default {@link Compression#none()}.
   */
  public BlobStoreBuilder compression(Compression compression) {
    requireUnset("compression", this.compression);
    this.compression = Objects.requireNonNull(compression, "compression");
    return this;
  }

  /**
   * The clock for version timestamps, blob ids, retention and idle timeouts. Default the system
   * clock.
   */
  public BlobStoreBuilder clock(InstantSource source) {
    requireUnset("clock", clock);
    clock = Objects.requireNonNull(source, "clock");
    return this;
  }

  /**
   * Where the random part of each blob id (a ULID: 48 bits of time, 80 random bits) comes from.
   * Default a {@link java.security.SecureRandom}. A simulation passes a seeded {@link Random} so
   * that a run replays exactly: blob ids order a slot's versions, and so a replica copy. Ids stay
   * unique within a store either way (monotonic within a millisecond); across stores they are
   * unique only if the sources differ.
   */
  public BlobStoreBuilder idRandom(Random source) {
    requireUnset("idRandom", idRandom);
    idRandom = Objects.requireNonNull(source, "idRandom");
    return this;
  }

  /**
   * The scheduler for background work (garbage collection every {@link #gcInterval}, closing idle
   * slots). Its tasks read and write the disks, so its threads must be allowed to block; a test or
   * a simulation may instead run them by hand. The store cancels its tasks at close but does not
   * stop the scheduler. Default: one daemon thread owned by the store, stopped at close (a
   * collection running then is let finish).
   */
  public BlobStoreBuilder scheduler(Scheduler scheduler) {
    requireUnset("scheduler", this.scheduler);
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /**
   * Opens the store, creating it if the directories are empty, and reclaims what unfinished writes
   * left.
   *
   * @throws IllegalStateException if no data directory was given, or the compression's library does
   *     not load on this platform
   * @throws BlobStoreException with reason INCOMPATIBLE_STORE if a directory holds a store made
   *     with another slot count, another set of disks, or a newer format; IO_ERROR if a directory
   *     is unusable
   */
  public BlobStore build() {
    if (dataDirs.isEmpty()) {
      throw new IllegalStateException("at least one data directory is required");
    }
    int chunk = or(chunkSize, DEFAULT_CHUNK_SIZE);
    int inline = or(inlineThreshold, Math.min(DEFAULT_INLINE_THRESHOLD, chunk));
    if (inline > chunk) {
      throw new IllegalStateException(
          "inlineThreshold (" + inline + ") must not exceed chunkSize (" + chunk + ")");
    }
    Compression codec = or(compression, Compression.none());
    BlockCodecs.requireAvailable(codec);
    StoreSettings settings =
        new StoreSettings(
            List.copyOf(dataDirs),
            or(slotCount, DEFAULT_SLOT_COUNT),
            chunk,
            inline,
            or(maxBlobSize, DEFAULT_MAX_BLOB_SIZE),
            or(retention, DEFAULT_RETENTION),
            or(gcInterval, DEFAULT_GC_INTERVAL),
            or(maxOpenSlots, DEFAULT_MAX_OPEN_SLOTS),
            or(idleSlotTimeout, DEFAULT_IDLE_SLOT_TIMEOUT),
            or(minFreeBytes, DEFAULT_MIN_FREE_BYTES),
            or(
                readCacheBytes,
                Math.min(DEFAULT_MAX_READ_CACHE_BYTES, Runtime.getRuntime().maxMemory() / 8)),
            clock == null ? InstantSource.system() : clock,
            idRandom,
            scheduler,
            codec);
    return LocalBlobStore.open(settings);
  }

  private static <T> T or(T value, T fallback) {
    return value == null ? fallback : value;
  }

  private static void requireUnset(String name, Object earlier) {
    if (earlier != null) {
      throw new IllegalStateException(name + " was already set to " + earlier);
    }
  }

  private static void requireRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be " + min + " to " + max + ", was " + value);
    }
  }

  private static Duration requireNotNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + d);
    }
    return d;
  }
}
