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

import static io.amberio.core.StoreFiles.blobDirectories;
import static io.amberio.core.testkit.TestSupport.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.core.testkit.BlobStoreContract;
import io.amberio.core.testkit.TestSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The contract, bound to the local store on one data directory, plus facts of its on-disk layout.
 */
class LocalBlobStoreTest extends BlobStoreContract {

  @Override
  protected BlobStore openStore(Path dir, StoreConfig c) {
    return builder(c).dataDir(dir).build();
  }

  static BlobStoreBuilder builder(StoreConfig c) {
    return BlobStore.builder()
        .slotCount(c.slotCount())
        .chunkSize(c.chunkSize())
        .inlineThreshold(c.inlineThreshold())
        .maxBlobSize(c.maxBlobSize())
        .retention(c.retention())
        .clock(c.clock())
        .gcInterval(Duration.ZERO)
        .minFreeBytes(0);
  }

  @Override
  protected Optional<Set<String>> blobIdsOnDisk(Path dir) {
    return Optional.of(onDisk(List.of(dir)));
  }

  static Set<String> onDisk(List<Path> dataDirs) {
    return dataDirs.stream()
        .flatMap(d -> blobDirectories(d).stream())
        .map(p -> p.getFileName().toString())
        .collect(Collectors.toSet());
  }

  @Test
  void inlineBlobsHaveNoDirectoryAndChunkedBlobsHaveNumberedChunkFiles() throws IOException {
    BlobInfo small = put("small", bytes(K, 1));
    assertThat(blobIdsOnDisk(storeDir).orElseThrow()).doesNotContain(small.blobId().toString());
    BlobInfo empty = put("empty", new byte[0]);
    assertThat(blobIdsOnDisk(storeDir).orElseThrow()).doesNotContain(empty.blobId().toString());

    BlobInfo big = put("big", bytes(3 * K + 17, 2));
    Path dir = StoreFiles.blobDirectory(List.of(storeDir), big.blobId());
    assertThat(dir.getParent().getParent().getFileName().toString())
        .as("the blob lives in its path's slot")
        .isEqualTo(Integer.toString(store.slotOf("big")));
    try (Stream<Path> chunks = Files.list(dir.resolve("chunks"))) {
      assertThat(chunks.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("0", "1", "2", "3");
    }
    assertThat(Files.size(dir.resolve("chunks/3")))
        .as("the last chunk holds the remainder")
        .isEqualTo(17);
    assertThat(Files.size(dir.resolve("chunks/0"))).isEqualTo(K);
    assertThat(Files.isRegularFile(dir.getParent().getParent().resolve("meta.sqlite3"))).isTrue();
  }

  @Test
  void chunkedStoreWritesEveryNonEmptyBlobToChunks() {
    BlobStore s = openOther("chunked", config.withInlineThreshold(0));
    BlobInfo one = put(s, "one", bytes(1, 1));
    Path dir = StoreFiles.blobDirectory(List.of(tmp.resolve("chunked")), one.blobId());
    assertThat(Arrays.asList(dir.resolve("chunks").toFile().list())).containsExactly("0");
  }

  @Test
  void aNewSlotsDatabaseComesFromTheTemplateAtTheLatestSchemaInWalMode() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("template"));
    try (BlobStore s = LocalBlobStoreTest.builder(config).dataDir(dir).build()) {
      for (int i = 0; i < 20; i++) {
        s.put("t/" + i, bytes(50, i));
      }
    }
    List<Path> metas;
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> all = files.toList();
      assertThat(all)
          .as("no scratch template or half-written database is left")
          .noneMatch(p -> p.getFileName().toString().startsWith(".slot-template-"))
          .noneMatch(p -> p.getFileName().toString().endsWith(".new"));
      metas = all.stream().filter(p -> p.getFileName().toString().equals("meta.sqlite3")).toList();
    }
    assertThat(metas).isNotEmpty();
    for (Path meta : metas) {
      try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + meta);
          java.sql.Statement st = c.createStatement()) {
        try (java.sql.ResultSet rs = st.executeQuery("PRAGMA user_version")) {
          assertThat(rs.getInt(1)).isEqualTo(io.amberio.core.internal.meta.SlotSchema.LATEST);
        }
        try (java.sql.ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
          assertThat(rs.getString(1)).isEqualTo("wal");
        }
      }
    }
    // and the slots it made read back and take writes after a reopen
    try (BlobStore s = LocalBlobStoreTest.builder(config).dataDir(dir).build()) {
      for (int i = 0; i < 20; i++) {
        assertThat(s.get("t/" + i).readAllBytes()).isEqualTo(bytes(50, i));
      }
      s.put("t/0", bytes(60, 99));
      assertThat(s.get("t/0").readAllBytes()).isEqualTo(bytes(60, 99));
    }
  }

  @Test
  void anOpenSlotKeepsItsWalIndexInMemoryAfterAReopen() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("wal-index"));
    try (BlobStore s = LocalBlobStoreTest.builder(config).dataDir(dir).build()) {
      s.put("w/1", bytes(100, 1));
    }
    // A database already in WAL mode is read on open; exclusive locking must come first, or SQLite
    // maps a -shm file for every open slot (and creates and deletes it on every open and close).
    try (BlobStore s = LocalBlobStoreTest.builder(config).dataDir(dir).build()) {
      s.put("w/2", bytes(100, 2));
      assertThat(s.get("w/1").readAllBytes()).isEqualTo(bytes(100, 1));
      try (Stream<Path> files = Files.walk(dir)) {
        List<String> names = files.map(p -> p.getFileName().toString()).toList();
        assertThat(names).anyMatch(n -> n.equals("meta.sqlite3-wal"));
        assertThat(names).noneMatch(n -> n.endsWith("-shm"));
      }
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(60)
  void oneOpenSlotServesEverySlotAndStreamsOutliveEviction() throws Exception {
    BlobStore s =
        LocalBlobStoreTest.builder(config)
            .maxOpenSlots(1)
            .dataDir(Files.createDirectories(tmp.resolve("one-open")))
            .build();
    try {
      Map<String, byte[]> data = new HashMap<>();
      for (int i = 0; i < 40; i++) {
        byte[] b = bytes(i % 2 == 0 ? 100 + i : 2 * K + i, i);
        data.put("e/" + i, b);
        s.put("e/" + i, b);
      }
      // streams opened on many slots at once, read interleaved while other slots open and close
      List<BlobContent> open = new ArrayList<>();
      List<ByteArrayOutputStream> got = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        open.add(s.get("e/" + i));
        got.add(new ByteArrayOutputStream());
      }
      byte[] buf = new byte[K / 3];
      boolean progress = true;
      while (progress) {
        progress = false;
        for (int i = 0; i < 40; i++) {
          int n = open.get(i).stream().read(buf);
          if (n > 0) {
            got.get(i).write(buf, 0, n);
            progress = true;
          }
          s.head("e/" + ((i * 7) % 40)); // touch another slot
        }
      }
      for (int i = 0; i < 40; i++) {
        open.get(i).close();
        assertThat(got.get(i).toByteArray()).as("e/" + i).isEqualTo(data.get("e/" + i));
      }
      assertThat(TestSupport.listAll(s, ListRequest.prefix("e/").withLimit(3))).hasSize(40);
    } finally {
      s.close();
    }
  }

  @Test
  void aSecondOpenOfTheSameDirectoryFailsAndHarmsNothing() {
    put("p", bytes(K + 1, 1));
    Throwable t = Assertions.catchThrowable(() -> openStore(storeDir, config).close());
    assertThat(t).as("a second store on the same directory").isInstanceOf(BlobStoreException.class);
    assertThat(TestSupport.readCurrent(store, "p")).isEqualTo(bytes(K + 1, 1));
    assertThat(put("p", bytes(3, 2)).version()).isEqualTo(2);
  }

  @Test
  void writesThatWouldEatIntoTheFreeSpaceReserveFailWithNoSpace() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("full"));
    long usable = Files.getFileStore(dir).getUsableSpace();
    BlobStoreBuilder b =
        BlobStore.builder()
            .dataDir(dir)
            .slotCount(4)
            .chunkSize(K)
            .gcInterval(Duration.ZERO)
            .minFreeBytes(usable + (1L << 40));
    try (BlobStore s = b.build()) {
      for (int size : new int[] {2 * K + 5, K + 1, 10}) {
        BlobStoreException e = TestSupport.failure(() -> s.put("p", bytes(size, 1)));
        assertThat(e.reason())
            .as("a put of %d bytes", size)
            .isEqualTo(BlobStoreException.Reason.NO_SPACE);
      }
      assertThat(TestSupport.listAllVersions(s)).isEmpty();
      s.collectGarbage();
      assertThat(blobIdsOnDisk(dir).orElseThrow()).as("partial chunks are reclaimed").isEmpty();
    }
  }
}
