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

import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.core.testkit.TestSupport;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Today's code opens a store written before chunk compression ({@code fixtures/before-compression},
 * made by {@code MakeFixture.java.txt} beside it with the code of commit c62dcd4) and serves every
 * version it holds byte for byte: its chunk files are raw, exactly as long as their chunks.
 */
class BeforeCompressionFixtureTest {
  @TempDir Path dir;

  /** One line of {@code expected.txt}. */
  record Expected(String path, long version, long size, String contentType, String sha256) {
    boolean marker() {
      return sha256.equals("-");
    }
  }

  @Test
  void everyVersionReadsBackByteForByte() throws Exception {
    List<Expected> expected = expected();
    assertThat(expected).hasSize(7);
    try (BlobStore store = open(copyFixture())) {
      assertEveryVersion(store, expected);
    }
  }

  /**
   * The fixture predates the listing catalog: the store builds one when it opens, and listings of
   * current versions agree with the versions before and after.
   */
  @Test
  void aStoreWithoutACatalogBuildsOneAndListsTheSame() throws Exception {
    Path copy = copyFixture();
    assertThat(copy.resolve("catalog")).doesNotExist();
    List<String> current;
    try (BlobStore store = open(copy)) {
      current = TestSupport.currentOf(TestSupport.listAllVersions(store));
      assertThat(current).isNotEmpty();
      assertThat(TestSupport.pathVersions(TestSupport.listAll(store, ListRequest.prefix(""))))
          .isEqualTo(current);
    }
    assertThat(copy.resolve("catalog").resolve("listing.sqlite3")).exists();
    try (BlobStore store = open(copy)) {
      assertThat(TestSupport.pathVersions(TestSupport.listAll(store, ListRequest.prefix(""))))
          .as("from the catalog built at the first open")
          .isEqualTo(current);
      assertEveryVersion(store, expected());
    }
  }

  static void assertEveryVersion(BlobStore store, List<Expected> expected) {
    for (Expected e : expected) {
      if (e.marker()) {
        BlobStoreException ex = TestSupport.failure(() -> store.head(e.path(), e.version()));
        assertThat(ex.reason()).isEqualTo(BlobStoreException.Reason.DELETED);
        continue;
      }
      try (BlobContent c = store.get(e.path(), GetOptions.version(e.version()))) {
        byte[] data = c.readAllBytes();
        assertThat(data).as("%s v%d", e.path(), e.version()).hasSize((int) e.size());
        assertThat(TestSupport.sha256(data))
            .as("%s v%d", e.path(), e.version())
            .isEqualTo(e.sha256());
        // An empty content type in the file: none was given, so the store's default.
        assertThat(c.info().contentType())
            .isEqualTo(e.contentType().isEmpty() ? "application/octet-stream" : e.contentType());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"lz4", "zstd:3"})
  void aStoreThatNowCompressesServesItsRawChunksAndWritesCompressedOnes(String compression)
      throws Exception {
    List<Expected> expected = expected();
    Path copy = copyFixture();
    Map<Path, Long> sizesBefore = chunkFileSizes(copy);
    byte[] text = TestSupport.text(200_000, 42);
    try (BlobStore store = open(copy, Compression.parse(compression))) {
      assertEveryVersion(store, expected);
      BlobInfo next = store.put("text/lorem.txt", text);
      assertThat(next.version()).isEqualTo(2);
      assertThat(TestSupport.readCurrent(store, "text/lorem.txt")).isEqualTo(text);
    }
    Map<Path, Long> sizesAfter = chunkFileSizes(copy);
    assertThat(sizesAfter)
        .as("the old chunk files are left as they were")
        .containsAllEntriesOf(sizesBefore);
    assertThat(sizesAfter.size()).isEqualTo(sizesBefore.size() + 4);
    long newBytes =
        sizesAfter.entrySet().stream()
            .filter(e -> !sizesBefore.containsKey(e.getKey()))
            .mapToLong(Map.Entry::getValue)
            .sum();
    assertThat(newBytes).as("the new version's chunks are compressed").isLessThan(text.length / 2);
    // And back without compression: every version, old and new, still reads.
    try (BlobStore store = open(copy, Compression.none())) {
      assertEveryVersion(store, expected);
      assertThat(TestSupport.readCurrent(store, "text/lorem.txt")).isEqualTo(text);
    }
  }

  static Map<Path, Long> chunkFileSizes(Path storeDir) throws IOException {
    try (Stream<Path> files = Files.walk(storeDir.resolve("slots"))) {
      Map<Path, Long> sizes = new TreeMap<>();
      for (Path p :
          files.filter(p -> p.getParent().getFileName().toString().equals("chunks")).toList()) {
        sizes.put(storeDir.relativize(p), Files.size(p));
      }
      return sizes;
    }
  }

  static BlobStore open(Path storeDir) {
    return open(storeDir, null);
  }

  static BlobStore open(Path storeDir, Compression compression) {
    BlobStoreBuilder b =
        BlobStore.builder()
            .dataDir(storeDir)
            .slotCount(4)
            .chunkSize(64 * 1024)
            .gcInterval(Duration.ZERO)
            .minFreeBytes(0);
    if (compression != null) {
      b.compression(compression);
    }
    return b.build();
  }

  static List<Expected> expected() throws IOException, URISyntaxException {
    return Files.readAllLines(fixture().resolve("expected.txt"), StandardCharsets.UTF_8).stream()
        .filter(l -> !l.startsWith("#") && !l.isEmpty())
        .map(
            l -> {
              String[] f = l.split("\t", -1);
              return new Expected(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), f[3], f[4]);
            })
        .toList();
  }

  private static Path fixture() throws URISyntaxException {
    return Path.of(
            BeforeCompressionFixtureTest.class
                .getResource("/fixtures/before-compression/expected.txt")
                .toURI())
        .getParent();
  }

  /** A private copy of the fixture's store (opening a store writes to it). */
  Path copyFixture() throws IOException, URISyntaxException {
    return TestSupport.copyTree(fixture().resolve("store"), dir.resolve("store"));
  }
}
