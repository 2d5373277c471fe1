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

import static io.amberio.core.testkit.TestSupport.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Damages stored bytes behind the store's back (with the store closed) and checks that every read
 * that touches the damage fails with CORRUPT, from {@code get} or from the stream, and never
 * returns a wrong byte; reads that do not touch it still return the right bytes.
 */
class CorruptionTest {
  static final int K = 64 * 1024;
  static final int BIG = 3 * K + 17; // chunks 0, 1, 2 (64 KiB each) and 3 (17 bytes)
  static final int SMALL = 1000;

  @TempDir Path dir;
  BlobStore store;
  BlobInfo big;
  BlobInfo small;

  BlobStore open() {
    return BlobStore.builder()
        .dataDir(dir)
        .slotCount(4)
        .chunkSize(K)
        .inlineThreshold(4096)
        .gcInterval(Duration.ZERO)
        .minFreeBytes(0)
        .build();
  }

  @BeforeEach
  void write() {
    store = open();
    store.put("big", bytes(BIG, 1)); // v1, a bystander
    big = store.put("big", bytes(BIG, 2)); // v2, the victim
    store.put("small", bytes(SMALL, 3)); // v1, a bystander
    small = store.put("small", bytes(SMALL, 4)); // v2, the victim
    store.close();
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  /** What a read gave: the bytes it returned, and whether it then failed with CORRUPT. */
  record Read(byte[] bytes, boolean corrupt) {}

  /**
   * Reads fully; a BlobStoreException other than CORRUPT, or any other exception, fails the test.
   */
  static Read read(BlobStore s, String path, GetOptions options) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BlobContent content;
    try {
      content = s.get(path, options);
    } catch (BlobStoreException e) {
      assertThat(e.reason()).as("get() failed with").isEqualTo(BlobStoreException.Reason.CORRUPT);
      return new Read(new byte[0], true);
    }
    try (content) {
      InputStream in = content.stream();
      byte[] buf = new byte[10_000];
      int n;
      while ((n = in.read(buf)) != -1) {
        out.write(buf, 0, n);
      }
      return new Read(out.toByteArray(), false);
    } catch (BlobStoreException e) {
      assertThat(e.reason()).as("reading failed with").isEqualTo(BlobStoreException.Reason.CORRUPT);
      return new Read(out.toByteArray(), true);
    } catch (IOException e) {
      throw new AssertionError(
          "reading a corrupt blob must fail with BlobStoreException CORRUPT, not " + e, e);
    }
  }

  /** The read must fail with CORRUPT; whatever it returned first must be the true bytes. */
  static void assertCorrupt(
      BlobStore s, String path, GetOptions options, byte[] truth, String what) {
    Read r = read(s, path, options);
    assertThat(r.corrupt()).as(what + ": expected CORRUPT, but the read completed").isTrue();
    assertPrefix(truth, r.bytes(), what);
  }

  /** {@code got} (what a failed read returned before failing) is a prefix of the true bytes. */
  static void assertPrefix(byte[] truth, byte[] got, String what) {
    assertThat(got.length)
        .as(what + ": bytes returned before the failure")
        .isLessThanOrEqualTo(truth.length);
    assertThat(Arrays.equals(truth, 0, got.length, got, 0, got.length))
        .as(what + ": the %d bytes returned before the failure are the true bytes", got.length)
        .isTrue();
  }

  static void assertReads(
      BlobStore s, String path, GetOptions options, byte[] expected, String what) {
    Read r = read(s, path, options);
    assertThat(r.corrupt()).as(what + ": unexpected CORRUPT").isFalse();
    assertThat(r.bytes()).as(what).isEqualTo(expected);
  }

  static byte[] slice(byte[] b, long offset, long length) {
    return Arrays.copyOfRange(b, (int) offset, (int) (offset + length));
  }

  // ---------------------------------------------------------------------------------------------------
  // Chunk files

  enum ChunkDamage {
    FLIP_MIDDLE_BYTE,
    FLIP_ONE_BIT_OF_LAST_BYTE,
    TRUNCATE_TO_HALF,
    TRUNCATE_TO_EMPTY,
    DELETE_FILE,
    REPLACE_WITH_NEXT_CHUNK,
    REPLACE_WITH_SAME_CHUNK_OF_OTHER_VERSION
  }

  Path chunkFile(BlobInfo info, int chunk) {
    return StoreFiles.blobDirectory(List.of(dir), info.blobId())
        .resolve("chunks")
        .resolve(Integer.toString(chunk));
  }

  void damage(ChunkDamage d, int chunk) throws IOException {
    Path f = chunkFile(big, chunk);
    assertThat(f).isRegularFile();
    switch (d) {
      case FLIP_MIDDLE_BYTE -> flip(f, Files.size(f) / 2, 0xFF);
      case FLIP_ONE_BIT_OF_LAST_BYTE -> flip(f, Files.size(f) - 1, 0x01);
      case TRUNCATE_TO_HALF -> truncate(f, Files.size(f) / 2);
      case TRUNCATE_TO_EMPTY -> truncate(f, 0);
      case DELETE_FILE -> Files.delete(f);
      case REPLACE_WITH_NEXT_CHUNK ->
          Files.write(f, Files.readAllBytes(chunkFile(big, chunk == 3 ? 0 : chunk + 1)));
      case REPLACE_WITH_SAME_CHUNK_OF_OTHER_VERSION -> {
        BlobInfo v1 = store.head("big", 1);
        Files.write(f, Files.readAllBytes(chunkFile(v1, chunk)));
      }
    }
  }

  static void flip(Path f, long at, int mask) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.seek(at);
      int b = raf.read();
      raf.seek(at);
      raf.write(b ^ mask);
    }
  }

  static void truncate(Path f, long size) throws IOException {
    try (var ch = Files.newByteChannel(f, StandardOpenOption.WRITE)) {
      ch.truncate(size);
    }
  }

  @ParameterizedTest(name = "{0} of chunk 1")
  @EnumSource(ChunkDamage.class)
  void damageToAMiddleChunkIsDetected(ChunkDamage d) throws IOException {
    store = open();
    damage(d, 1);
    store.close();
    store = open(); // no open file or cache hides the damage
    byte[] truth = bytes(BIG, 2);
    GetOptions v2 = GetOptions.version(2);
    for (int round = 0; round < 2; round++) {
      assertCorrupt(store, "big", GetOptions.current(), truth, d + ": whole blob");
      assertCorrupt(
          store,
          "big",
          v2.withRange(ByteRange.closed(K + 10, K + 20)),
          slice(truth, K + 10, 11),
          d + ": inside chunk 1");
      assertCorrupt(
          store,
          "big",
          v2.withRange(ByteRange.closed(K - 100, K + 5)),
          slice(truth, K - 100, 106),
          d + ": from chunk 0 into chunk 1");
      assertCorrupt(
          store,
          "big",
          v2.withRange(ByteRange.closed(2 * K - 1, 2 * K + 5)),
          slice(truth, 2 * K - 1, 7),
          d + ": last byte of chunk 1");
      assertCorrupt(
          store,
          "big",
          v2.withRange(ByteRange.suffix(2 * K + 17)),
          slice(truth, K, 2 * K + 17),
          d + ": suffix from chunk 1");
      assertCorrupt(
          store,
          "big",
          v2.withRange(ByteRange.from(K)),
          slice(truth, K, 2 * K + 17),
          d + ": from chunk 1");

      assertReads(
          store,
          "big",
          v2.withRange(ByteRange.closed(0, K - 1)),
          slice(truth, 0, K),
          d + ": chunk 0");
      assertReads(
          store,
          "big",
          v2.withRange(ByteRange.closed(5, 50)),
          slice(truth, 5, 46),
          d + ": inside chunk 0");
      assertReads(
          store,
          "big",
          v2.withRange(ByteRange.closed(2 * K, 3 * K + 16)),
          slice(truth, 2 * K, K + 17),
          d + ": chunks 2 and 3");
      assertReads(
          store,
          "big",
          v2.withRange(ByteRange.suffix(17)),
          slice(truth, 3 * K, 17),
          d + ": last chunk");
      assertReads(store, "big", GetOptions.version(1), bytes(BIG, 1), d + ": the other version");
      assertReads(store, "small", GetOptions.current(), bytes(SMALL, 4), d + ": another path");
    }
  }

  @ParameterizedTest(name = "{0} of the last chunk")
  @EnumSource(
      value = ChunkDamage.class,
      names = {
        "FLIP_MIDDLE_BYTE",
        "FLIP_ONE_BIT_OF_LAST_BYTE",
        "TRUNCATE_TO_HALF",
        "TRUNCATE_TO_EMPTY",
        "DELETE_FILE",
        "REPLACE_WITH_SAME_CHUNK_OF_OTHER_VERSION"
      })
  void damageToTheLastChunkIsDetected(ChunkDamage d) throws IOException {
    store = open();
    damage(d, 3);
    store.close();
    store = open();
    byte[] truth = bytes(BIG, 2);
    GetOptions v2 = GetOptions.version(2);
    assertCorrupt(store, "big", v2, truth, d + ": whole blob");
    assertCorrupt(
        store,
        "big",
        v2.withRange(ByteRange.suffix(1)),
        slice(truth, BIG - 1, 1),
        d + ": last byte");
    assertCorrupt(
        store,
        "big",
        v2.withRange(ByteRange.closed(3 * K - 3, 3 * K + 3)),
        slice(truth, 3 * K - 3, 7),
        d + ": into the last chunk");
    assertReads(
        store,
        "big",
        v2.withRange(ByteRange.closed(0, 3 * K - 1)),
        slice(truth, 0, 3 * K),
        d + ": chunks 0 to 2");
  }

  @ParameterizedTest(name = "{0} of chunk 0")
  @EnumSource(
      value = ChunkDamage.class,
      names = {"FLIP_MIDDLE_BYTE", "TRUNCATE_TO_HALF", "DELETE_FILE"})
  void damageToTheFirstChunkIsDetected(ChunkDamage d) throws IOException {
    store = open();
    damage(d, 0);
    store.close();
    store = open();
    byte[] truth = bytes(BIG, 2);
    GetOptions v2 = GetOptions.version(2);
    assertCorrupt(store, "big", v2, truth, d + ": whole blob");
    assertCorrupt(
        store, "big", v2.withRange(ByteRange.closed(0, 0)), slice(truth, 0, 1), d + ": first byte");
    assertReads(
        store,
        "big",
        v2.withRange(ByteRange.from(K)),
        slice(truth, K, BIG - K),
        d + ": chunks 1 to 3");
  }

  @org.junit.jupiter.api.Test
  void aMissingBlobDirectoryIsCorrupt() throws IOException {
    store = open();
    Path blobDir = StoreFiles.blobDirectory(List.of(dir), big.blobId());
    store.close();
    try (Stream<Path> s = Files.walk(blobDir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    store = open();
    byte[] truth = bytes(BIG, 2);
    assertCorrupt(store, "big", GetOptions.current(), truth, "whole blob");
    assertCorrupt(
        store,
        "big",
        GetOptions.current().withRange(ByteRange.closed(2 * K, 2 * K + 9)),
        slice(truth, 2 * K, 10),
        "range");
    assertReads(store, "big", GetOptions.version(1), bytes(BIG, 1), "the other version");
  }

  @org.junit.jupiter.api.Test
  void bytesAppendedToAChunkAreNeverReturned() throws IOException {
    store = open();
    Path f = chunkFile(big, 1);
    store.close();
    Files.write(f, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
    store = open();
    byte[] truth = bytes(BIG, 2);
    // either the store notices (CORRUPT) or it returns exactly the true bytes; never the extra ones
    for (GetOptions o :
        List.of(
            GetOptions.current(),
            GetOptions.current().withRange(ByteRange.closed(2 * K - 2, 2 * K + 1)))) {
      Read r = read(store, "big", o);
      var resolved = o.range().resolve(BIG);
      byte[] want = slice(truth, resolved.offset(), resolved.length());
      if (r.corrupt()) {
        assertPrefix(want, r.bytes(), "appended bytes");
      } else {
        assertThat(r.bytes()).isEqualTo(want);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Inline blobs

  enum InlineDamage {
    FLIP_A_BYTE,
    TRUNCATE,
    REPLACE_WITH_OTHER_VERSION
  }

  /** Overwrites the inline bytes of one version in whichever slot database holds it. */
  void updateInline(String path, long version, byte[] data) throws SQLException {
    int rows = 0;
    for (Path db : StoreFiles.metaDatabases(List.of(dir))) {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
          PreparedStatement st =
              c.prepareStatement(
                  "UPDATE blobs SET inline_data = ? WHERE path = ? AND version = ?")) {
        st.setBytes(1, data);
        st.setString(2, path);
        st.setLong(3, version);
        rows += st.executeUpdate();
      }
    }
    assertThat(rows).as("rows of %s v%d", path, version).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(InlineDamage.class)
  void damageToAnInlineBlobIsDetected(InlineDamage d) throws SQLException {
    byte[] truth = bytes(SMALL, 4);
    byte[] bad =
        switch (d) {
          case FLIP_A_BYTE -> {
            byte[] b = truth.clone();
            b[SMALL / 2] ^= 0x40;
            yield b;
          }
          case TRUNCATE -> Arrays.copyOf(truth, SMALL - 1);
          case REPLACE_WITH_OTHER_VERSION -> bytes(SMALL, 3);
        };
    updateInline("small", 2, bad);
    store = open();
    assertCorrupt(store, "small", GetOptions.current(), truth, d + ": whole");
    assertCorrupt(
        store,
        "small",
        GetOptions.version(2).withRange(ByteRange.closed(10, 20)),
        slice(truth, 10, 11),
        d + ": a range");
    assertCorrupt(
        store,
        "small",
        GetOptions.current().withRange(ByteRange.suffix(5)),
        slice(truth, SMALL - 5, 5),
        d + ": a suffix");
    assertReads(store, "small", GetOptions.version(1), bytes(SMALL, 3), d + ": the other version");
    assertReads(store, "big", GetOptions.current(), bytes(BIG, 2), d + ": another path");
    store.close();
    store = open();
    assertCorrupt(store, "small", GetOptions.current(), truth, d + ": whole, after reopening");
  }
}
