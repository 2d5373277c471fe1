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
package io.amberio.core.testkit;

import static io.amberio.core.testkit.TestSupport.listAll;
import static io.amberio.core.testkit.TestSupport.listAllVersions;
import static io.amberio.core.testkit.TestSupport.paths;
import static io.amberio.core.testkit.TestSupport.reasonOf;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.core.BlobContent;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.ListRequest;
import io.amberio.core.PutOptions;
import io.amberio.core.testkit.TestSupport.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture of {@link BlobStoreContract}: how a store under test is opened, reopened and
 * inspected, and the helpers its tests share. The contract is split over a short chain of abstract
 * classes only to keep each file readable; an implementation binds to the last one, {@link
 * BlobStoreContract}.
 */
public abstract class BlobStoreContractSupport {
  /** 64 KiB: the chunk size of the default configuration. */
  protected static final int K = 64 * 1024;

  /** Where and how the store under test is opened. */
  public record StoreConfig(
      int slotCount,
      int chunkSize,
      int inlineThreshold,
      long maxBlobSize,
      Duration retention,
      InstantSource clock) {
    public StoreConfig withSlotCount(int n) {
      return new StoreConfig(n, chunkSize, inlineThreshold, maxBlobSize, retention, clock);
    }

    public StoreConfig withInlineThreshold(int n) {
      return new StoreConfig(slotCount, chunkSize, n, maxBlobSize, retention, clock);
    }

    public StoreConfig withChunkSize(int n) {
      return new StoreConfig(slotCount, n, inlineThreshold, maxBlobSize, retention, clock);
    }

    public StoreConfig withMaxBlobSize(long n) {
      return new StoreConfig(slotCount, chunkSize, inlineThreshold, n, retention, clock);
    }
  }

  /**
   * Opens (creating if needed) a store whose data lives under {@code dir} (an existing directory),
   * with background garbage collection disabled. Opening the same directory with the same config
   * again must give back the same store.
   */
  protected abstract BlobStore openStore(Path dir, StoreConfig config);

  /**
   * The blob ids that have bytes on disk under {@code dir} (one directory per chunked blob), or
   * empty when the implementation cannot tell; tests of byte reclamation then check only what the
   * API shows.
   */
  protected Optional<Set<String>> blobIdsOnDisk(Path dir) {
    return Optional.empty();
  }

  protected static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  protected static final Duration RETENTION = Duration.ofHours(1);

  @TempDir protected Path tmp;
  protected MutableClock clock;
  protected StoreConfig config;
  protected Path storeDir;
  protected BlobStore store;
  private final List<BlobStore> opened = new ArrayList<>();

  @BeforeEach
  void openFreshStore() throws IOException {
    clock = new MutableClock(T0);
    config = new StoreConfig(16, K, K, 16L << 20, RETENTION, clock);
    storeDir = Files.createDirectories(tmp.resolve("store"));
    store = open(storeDir, config);
  }

  @AfterEach
  void closeStores() {
    for (BlobStore s : opened) {
      try {
        s.close();
      } catch (RuntimeException ignored) {
        // a test may have closed it already, or made it fail on purpose
      }
    }
  }

  protected BlobStore open(Path dir, StoreConfig c) {
    BlobStore s = openStore(dir, c);
    opened.add(s);
    return s;
  }

  /** Opens another, independent store in a new directory. */
  protected BlobStore openOther(String name, StoreConfig c) {
    try {
      return open(Files.createDirectories(tmp.resolve(name)), c);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  protected void reopen() {
    store.close();
    store = open(storeDir, config);
  }

  protected static BlobInfo put(BlobStore s, String path, byte[] data) {
    return s.put(path, data);
  }

  protected BlobInfo put(String path, byte[] data) {
    return store.put(path, data);
  }

  protected BlobInfo put(String path, String text) {
    return store.put(path, text.getBytes(UTF_8));
  }

  protected BlobInfo cas(String path, byte[] data, long expected) {
    return store.put(
        path, new ByteArrayInputStream(data), PutOptions.defaults().withExpectedVersion(expected));
  }

  protected static void assertReason(Reason expected, Runnable call) {
    assertThat(reasonOf(call)).isEqualTo(expected);
  }

  protected void assertNoCurrentVersion(String path) {
    assertReason(Reason.DELETED, () -> store.head(path));
    assertReason(Reason.DELETED, () -> store.get(path).close());
    assertThat(paths(listAll(store, ListRequest.prefix(path)))).doesNotContain(path);
  }

  protected void assertCurrent(String path, long version, byte[] data) {
    assertThat(store.head(path).version()).as("current version of " + path).isEqualTo(version);
    try (BlobContent c = store.get(path)) {
      assertThat(c.info().version()).isEqualTo(version);
      assertThat(c.readAllBytes()).isEqualTo(data);
    }
    List<BlobInfo> listed =
        listAll(store, ListRequest.prefix(path)).stream()
            .filter(i -> i.path().equals(path))
            .toList();
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).version()).isEqualTo(version);
  }

  /**
   * Every blob directory on disk belongs to a version the store still lists (checked when the hook
   * answers).
   */
  protected void assertNoOrphanBytes(BlobStore s, Path dir) {
    Optional<Set<String>> onDisk = blobIdsOnDisk(dir);
    if (onDisk.isEmpty()) {
      return;
    }
    Set<String> known =
        listAllVersions(s).stream().map(i -> i.blobId().toString()).collect(Collectors.toSet());
    assertThat(onDisk.get()).as("blob directories without a version").isSubsetOf(known);
  }

  /** About 50 paths whose UTF-8 byte order differs from Java's String order in places. */
  protected static List<String> listingPaths() {
    List<String> paths =
        new ArrayList<>(
            List.of(
                "a",
                "a/b",
                "a/b/c",
                "a b",
                "a-b",
                "a0",
                "ab",
                "A",
                "Z",
                "z",
                "é",
                "éa",
                "\uE000",
                "\uE000/x",
                "\uFFFD",
                "😀",
                "😀x",
                "😀/y",
                "~",
                "0",
                "a/😀",
                "a/\uFFFD",
                "a/é"));
    for (int i = 0; paths.size() < 50; i++) {
      paths.add("k/" + i);
    }
    return paths;
  }
}
