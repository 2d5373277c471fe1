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
import static io.amberio.core.testkit.TestSupport.reasonOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.f4b6a3.ulid.UlidCreator;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.replica.PrepareSpec;
import io.amberio.core.replica.ReplicaStore;
import io.amberio.core.replica.TxnKind;
import io.amberio.core.replica.VersionChecksums;
import io.amberio.core.testkit.TestSupport;
import io.amberio.core.testkit.TestSupport.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copying between replicas: {@link ReplicaStore#versionsAfter} pages a slot's versions in blob-id
 * order, and {@link ReplicaStore#importVersion} stores them on another replica so that both answer
 * alike.
 */
class ReplicaImportTest {
  static final int K = 64 * 1024;
  static final int INLINE = 4096;
  static final int SLOTS = 4;
  static final Duration RETENTION = Duration.ofHours(1);

  @TempDir Path tmp;
  MutableClock clock;
  ReplicaStore source;
  ReplicaStore replica;
  Path replicaDir;

  @BeforeEach
  void open() throws IOException {
    clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    source = open(Files.createDirectories(tmp.resolve("source")));
    replicaDir = Files.createDirectories(tmp.resolve("replica"));
    replica = open(replicaDir);
  }

  ReplicaStore open(Path dir) {
    return ReplicaStore.open(
        BlobStore.builder()
            .dataDir(dir)
            .slotCount(SLOTS)
            .chunkSize(K)
            .inlineThreshold(INLINE)
            .retention(RETENTION)
            .gcInterval(Duration.ZERO)
            .clock(clock)
            .minFreeBytes(0));
  }

  @AfterEach
  void close() {
    source.close();
    replica.close();
  }

  /** The bytes of a version on {@code from}, or none for a version without readable bytes. */
  static InputStream bytesOf(BlobStore from, BlobInfo v) {
    return new ByteArrayInputStream(
        v.isLive() ? TestSupport.readVersion(from, v.path(), v.version()) : new byte[0]);
  }

  /** A stream that fails the test if it is read. */
  static final InputStream UNREAD =
      new InputStream() {
        @Override
        public int read() {
          throw new AssertionError("the bytes were read");
        }
      };

  /** Paths that all live in slot {@code slot}. */
  static List<String> pathsInSlot(BlobStore s, int slot, int count) {
    List<String> out = new ArrayList<>();
    for (int i = 0; out.size() < count; i++) {
      if (s.slotOf("p/" + i) == slot) {
        out.add("p/" + i);
      }
    }
    return out;
  }

  /** Writes live (inline, chunked, empty), tombstoned and marker versions over a few paths. */
  void writeHistory() {
    clock.advance(Duration.ofSeconds(1));
    source.put("live/small", bytes(100, 1));
    source.put(
        "live/small",
        new ByteArrayInputStream(bytes(200, 2)),
        PutOptions.defaults().withContentType("text/plain"));
    source.put("live/big", bytes(2 * K + 5, 3));
    source.put("live/empty", new byte[0]);
    source.put("tomb", bytes(3 * K, 4));
    source.put("tomb", bytes(10, 5));
    source.deleteVersion("tomb", 2); // the newest version is tombstoned
    source.put("marked", bytes(10, 6));
    source.delete("marked");
    source.put("marked", bytes(K + 1, 7));
    source.deleteVersion("marked", 2); // a lifted marker
    source.put("gone", bytes(10, 8));
    source.delete("gone");
  }

  List<BlobInfo> allVersionsAfter(ReplicaStore s, int slot, int limit) {
    List<BlobInfo> all = new ArrayList<>();
    BlobId after = null;
    while (true) {
      List<BlobInfo> page = s.versionsAfter(slot, after, limit);
      assertThat(page.size()).isLessThanOrEqualTo(limit);
      if (page.isEmpty()) {
        return all;
      }
      all.addAll(page);
      after = page.get(page.size() - 1).blobId();
    }
  }

  // ------------------------------------------------------------------ versionsAfter

  @Test
  void versionsAfterPagesEverySlotsVersionsInBlobIdOrder() {
    writeHistory();
    for (String p : pathsInSlot(source, 2, 6)) {
      for (int v = 0; v < 3; v++) {
        source.put(p, bytes(v * 1000, v));
      }
    }
    List<BlobInfo> everything = TestSupport.listAllVersions(source);
    int total = 0;
    for (int slot = 0; slot < SLOTS; slot++) {
      int s = slot;
      List<BlobInfo> expected =
          new ArrayList<>(everything.stream().filter(i -> source.slotOf(i.path()) == s).toList());
      expected.sort(Comparator.comparing(BlobInfo::blobId));
      for (int limit : new int[] {1, 2, 5, 1000}) {
        List<BlobInfo> paged = allVersionsAfter(source, slot, limit);
        assertThat(paged)
            .as("slot %d in pages of %d", slot, limit)
            .containsExactlyElementsOf(expected);
      }
      total += expected.size();
      if (!expected.isEmpty()) {
        BlobInfo last = expected.get(expected.size() - 1);
        assertThat(source.versionsAfter(slot, last.blobId(), 10)).isEmpty();
        BlobInfo first = expected.get(0);
        assertThat(source.versionsAfter(slot, first.blobId(), 1000))
            .containsExactlyElementsOf(expected.subList(1, expected.size()));
      }
    }
    assertThat(total).isEqualTo(everything.size()).isGreaterThan(20);
    assertThat(everything)
        .extracting(BlobInfo::state)
        .contains(VersionState.LIVE, VersionState.TOMBSTONED, VersionState.MARKER);
    Assertions.assertThatThrownBy(() -> source.versionsAfter(SLOTS, null, 1))
        .isInstanceOf(IllegalArgumentException.class);
    Assertions.assertThatThrownBy(() -> source.versionsAfter(0, null, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ------------------------------------------------------------------ importVersion

  @Test
  void importedVersionsInAnyOrderMakeTheReplicaAnswerAsTheSource() {
    writeHistory();
    List<BlobInfo> all = new ArrayList<>();
    for (int slot = 0; slot < SLOTS; slot++) {
      all.addAll(allVersionsAfter(source, slot, 3));
    }
    Collections.shuffle(all, new Random(7)); // versions of a path arrive out of order
    for (BlobInfo v : all) {
      BlobInfo imported = replica.importVersion(v, bytesOf(source, v));
      assertThat(imported).isEqualTo(v);
    }
    assertSameAnswers();
    assertThat(StoreFiles.blobDirectories(replicaDir))
        .extracting(p -> p.getFileName().toString())
        .as("chunked live versions have chunk files; tombstoned ones keep no bytes")
        .containsExactlyInAnyOrderElementsOf(
            all.stream()
                .filter(v -> v.isLive() && v.size() > INLINE)
                .map(v -> v.blobId().toString())
                .toList());

    // again: nothing changes, nothing is read
    for (BlobInfo v : all) {
      assertThat(replica.importVersion(v, UNREAD)).isEqualTo(v);
    }
    assertSameAnswers();
  }

  private void assertSameAnswers() {
    List<BlobInfo> expected = TestSupport.listAllVersions(source);
    assertThat(TestSupport.listAllVersions(replica)).containsExactlyElementsOf(expected);
    Set<String> paths = new HashSet<>(TestSupport.paths(expected));
    for (String p : paths) {
      assertThat(replica.maxVersion(p)).as("max of " + p).isEqualTo(source.maxVersion(p));
      Reason sourceReason = null;
      BlobInfo current = null;
      try {
        current = source.head(p);
      } catch (BlobStoreException e) {
        sourceReason = e.reason();
      }
      if (current != null) {
        assertThat(replica.head(p)).as("current of " + p).isEqualTo(current);
        assertThat(TestSupport.readCurrent(replica, p))
            .isEqualTo(TestSupport.readCurrent(source, p));
      } else {
        assertThat(reasonOf(() -> replica.head(p))).as("current of " + p).isEqualTo(sourceReason);
      }
    }
    for (BlobInfo v : expected) {
      if (v.isLive()) {
        assertThat(TestSupport.readVersion(replica, v.path(), v.version()))
            .isEqualTo(TestSupport.readVersion(source, v.path(), v.version()));
      }
    }
  }

  @Test
  void importedInBatchesTheReplicaAnswersAsTheSourceAndAfterReopenToo() {
    writeHistory();
    List<BlobInfo> all = new ArrayList<>();
    for (int slot = 0; slot < SLOTS; slot++) {
      all.addAll(allVersionsAfter(source, slot, 3));
    }
    Collections.shuffle(all, new Random(8));
    for (int from = 0; from < all.size(); from += 5) {
      List<BlobInfo> batch = all.subList(from, Math.min(all.size(), from + 5));
      List<byte[]> data = new ArrayList<>();
      for (BlobInfo v : batch) {
        data.add(v.isLive() ? TestSupport.readVersion(source, v.path(), v.version()) : new byte[0]);
      }
      assertThat(replica.importVersions(batch, data)).containsExactlyElementsOf(batch);
      // Again: nothing changes.
      assertThat(replica.importVersions(batch, data)).containsExactlyElementsOf(batch);
    }
    assertSameAnswers();
    replica.close();
    replica = open(replicaDir);
    assertSameAnswers();
  }

  @Test
  void aBatchImportsWhatItCanAndThenReportsTheFirstFailure() {
    BlobInfo one = source.put("a", bytes(10, 1));
    BlobInfo two = source.put("b", bytes(10, 2));
    // Bytes of the wrong size for the middle one: it fails, the others are imported.
    BlobInfo wrong = source.put("c", bytes(10, 3));
    assertThatThrownBy(
            () ->
                replica.importVersions(
                    List.of(one, wrong, two), List.of(bytes(10, 1), bytes(9, 3), bytes(10, 2))))
        .isInstanceOf(BlobStoreException.class)
        .extracting(e -> ((BlobStoreException) e).reason())
        .isEqualTo(Reason.CORRUPT);
    assertThat(replica.head("a")).isEqualTo(one);
    assertThat(replica.head("b")).isEqualTo(two);
    assertThat(reasonOf(() -> replica.head("c"))).isEqualTo(Reason.NOT_FOUND);
    assertThat(replica.importVersions(List.of(wrong), List.of(bytes(10, 3))))
        .containsExactly(wrong);
    assertThatThrownBy(() -> replica.importVersions(List.of(one), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aVersionImportedBelowTheMaximumLeavesTheNewerOneCurrent() {
    for (int v = 1; v <= 5; v++) {
      source.put("o", bytes(v, v));
    }
    BlobInfo v5 = source.head("o", 5);
    BlobInfo v3 = source.head("o", 3);
    replica.importVersion(v5, bytesOf(source, v5));
    assertThat(replica.maxVersion("o")).isEqualTo(5);
    assertThat(replica.head("o")).isEqualTo(v5);
    assertThat(reasonOf(() -> replica.head("o", 4))).isEqualTo(Reason.DELETED);
    replica.importVersion(v3, bytesOf(source, v3));
    assertThat(replica.head("o")).as("the older version does not become current").isEqualTo(v5);
    assertThat(replica.maxVersion("o")).isEqualTo(5);
    assertThat(replica.head("o", 3)).isEqualTo(v3);
    assertThat(replica.put("o", bytes(1, 1)).version())
        .as("numbering continues after the maximum")
        .isEqualTo(6);
  }

  // ------------------------------------------------------------------ checksums

  @Test
  void aVersionsChecksumsAcceptItsBytesAndNothingElse() {
    for (byte[] data :
        List.of(bytes(0, 1), bytes(INLINE - 1, 2), bytes(3 * K + 17, 3), bytes(2 * K, 4))) {
      BlobInfo v = source.put("c/" + data.length, data);
      VersionChecksums sums = source.checksums(v.path(), v.version());
      assertThat(sums.matches(data)).as("its own bytes, " + data.length).isTrue();
      if (data.length > 0) {
        byte[] flipped = data.clone();
        flipped[data.length / 2] ^= 1;
        assertThat(sums.matches(flipped)).as("one bit flipped").isFalse();
        assertThat(sums.matches(Arrays.copyOf(data, data.length - 1)))
            .as("one byte short")
            .isFalse();
      }
      assertThat(sums.matches(Arrays.copyOf(data, data.length + 1))).as("one byte more").isFalse();
    }
    source.delete("c/0");
    assertThat(reasonOf(() -> source.checksums("c/0", 2))).isEqualTo(Reason.DELETED);
    assertThat(reasonOf(() -> source.checksums("c/none", 1))).isEqualTo(Reason.NOT_FOUND);
  }

  // ------------------------------------------------------------------ learners

  private static PrepareSpec learnerSpec(String path, TxnKind kind, long tombstone) {
    return new PrepareSpec(
        new BlobId(UlidCreator.getMonotonicUlid()), path, kind, tombstone, null, 1, null, true);
  }

  @Test
  void aLearnerCommitsAboveAGapThatImportsFillInLater() {
    BlobInfo v1 = source.put("g", bytes(10, 1));
    BlobInfo v2 = source.put("g", bytes(2 * K, 2));
    // The in-sync replicas decided version 3 (a marker); the learner has copied nothing of 'g'.
    PrepareSpec marker = learnerSpec("g", TxnKind.MARKER, 0);
    replica.prepare(marker).finish();
    assertThat(reasonOf(() -> replica.commitPrepared(marker.txn(), 3)))
        .as("only a learner's commit may leave a gap")
        .isEqualTo(Reason.VERSION_CONFLICT);
    BlobInfo v3 = replica.commitPrepared(marker.txn(), 3, true);
    assertThat(v3.version()).isEqualTo(3);
    assertThat(v3.state()).isEqualTo(VersionState.MARKER);
    replica.importVersion(v2, bytesOf(source, v2));
    replica.importVersion(v1, bytesOf(source, v1));
    assertThat(replica.maxVersion("g")).isEqualTo(3);
    assertThat(reasonOf(() -> replica.head("g"))).as("the marker stays current").isNotNull();
    assertThat(replica.head("g", 1)).isEqualTo(v1);
    assertThat(TestSupport.readVersion(replica, "g", 2)).isEqualTo(bytes(2 * K, 2));
    // A learner's version must still be above every version it holds.
    PrepareSpec put = learnerSpec("g", TxnKind.PUT, 0);
    replica.prepare(put).finish();
    assertThat(reasonOf(() -> replica.commitPrepared(put.txn(), 3, true)))
        .isEqualTo(Reason.VERSION_CONFLICT);
    assertThat(replica.commitPrepared(put.txn(), 4, true).version()).isEqualTo(4);
  }

  @Test
  void aLearnerDoesNotTombstoneAVersionItHasNotCopied() {
    BlobInfo v1 = source.put("t", bytes(10, 1));
    PrepareSpec early = learnerSpec("t", TxnKind.TOMBSTONE, 1);
    assertThat(reasonOf(() -> replica.prepare(early).finish()))
        .as("not copied yet: the write retries")
        .isEqualTo(Reason.BUSY);
    assertThat(reasonOf(() -> replica.head("t", 1))).isEqualTo(Reason.NOT_FOUND);
    replica.importVersion(v1, bytesOf(source, v1));
    PrepareSpec later = learnerSpec("t", TxnKind.TOMBSTONE, 1);
    replica.prepare(later).finish();
    assertThat(replica.commitPrepared(later.txn(), 0, true).state())
        .isEqualTo(VersionState.TOMBSTONED);
    // A replica in sync still refuses a marker on a path it never saw.
    assertThat(
            reasonOf(
                () ->
                    replica
                        .prepare(
                            new PrepareSpec(
                                new BlobId(UlidCreator.getMonotonicUlid()),
                                "never",
                                TxnKind.MARKER,
                                0,
                                null,
                                1,
                                null))
                        .finish()))
        .isEqualTo(Reason.NOT_FOUND);
  }

  @Test
  void aTombstoneOnTheSourceIsBroughtLevelWithoutReadingBytes() {
    BlobInfo v1 = source.put("lv", bytes(2 * K, 1));
    replica.importVersion(v1, bytesOf(source, v1));
    BlobInfo tombstoned = source.deleteVersion("lv", 1);
    BlobInfo leveled = replica.importVersion(tombstoned, UNREAD);
    assertThat(leveled.state()).isEqualTo(VersionState.TOMBSTONED);
    assertThat(leveled).isEqualTo(tombstoned);
    assertThat(reasonOf(() -> replica.head("lv"))).isEqualTo(Reason.DELETED);
    assertThat(replica.importVersion(v1, UNREAD).state())
        .as("a local tombstone is never lifted")
        .isEqualTo(VersionState.TOMBSTONED);
  }

  @Test
  void anotherBlobAtTheSameVersionIsAConflict() {
    BlobInfo theirs = source.put("c", bytes(10, 1));
    BlobInfo ours = replica.put("c", bytes(10, 2));
    assertThat(reasonOf(() -> replica.importVersion(theirs, bytesOf(source, theirs))))
        .isEqualTo(Reason.VERSION_CONFLICT);
    assertThat(replica.head("c")).isEqualTo(ours);
    // the same blob id under another version is a conflict too
    BlobInfo moved =
        new BlobInfo(
            "c", 7, ours.blobId(), VersionState.LIVE, 10, ours.etag(), null, ours.lastModified());
    assertThat(reasonOf(() -> replica.importVersion(moved, new ByteArrayInputStream(bytes(10, 2)))))
        .isEqualTo(Reason.VERSION_CONFLICT);
    assertThat(replica.maxVersion("c")).isEqualTo(1);
  }

  @Test
  void bytesOfTheWrongSizeAreCorruptAndLeaveNothing() {
    BlobInfo small = source.put("w/small", bytes(100, 1));
    BlobInfo big = source.put("w/big", bytes(2 * K + 1, 2));
    byte[] bigBytes = bytes(2 * K + 1, 2);
    List<InputStream> wrongSmall =
        List.of(
            new ByteArrayInputStream(bytes(99, 1)),
            new ByteArrayInputStream(bytes(101, 1)),
            new ByteArrayInputStream(bytes(INLINE + 10, 1)));
    for (InputStream in : wrongSmall) {
      assertThat(reasonOf(() -> replica.importVersion(small, in))).isEqualTo(Reason.CORRUPT);
    }
    List<InputStream> wrongBig =
        List.of(
            new ByteArrayInputStream(Arrays.copyOf(bigBytes, 2 * K)),
            new ByteArrayInputStream(Arrays.copyOf(bigBytes, 2 * K + 2)),
            new ByteArrayInputStream(bytes(50, 1)));
    for (InputStream in : wrongBig) {
      assertThat(reasonOf(() -> replica.importVersion(big, in))).isEqualTo(Reason.CORRUPT);
    }
    assertThat(TestSupport.listAllVersions(replica)).isEmpty();
    assertThat(replica.maxVersion("w/big")).isZero();
    assertThat(StoreFiles.blobDirectories(replicaDir)).as("partial chunks are deleted").isEmpty();
    assertThat(replica.importVersion(big, new ByteArrayInputStream(bigBytes))).isEqualTo(big);
    assertThat(TestSupport.readCurrent(replica, "w/big")).isEqualTo(bigBytes);
  }

  @Test
  void aBlobIdPreparedHereIsNotImported() {
    BlobId txn = new BlobId(UlidCreator.getMonotonicUlid());
    replica.prepare(new PrepareSpec(txn, "pp", TxnKind.PUT, 0, null, 5, null)).finish();
    BlobInfo same =
        new BlobInfo(
            "pp",
            1,
            txn,
            VersionState.LIVE,
            0,
            txn.toString().toLowerCase(),
            PutOptions.DEFAULT_CONTENT_TYPE,
            Instant.ofEpochMilli(5));
    assertThat(reasonOf(() -> replica.importVersion(same, new ByteArrayInputStream(new byte[0]))))
        .isEqualTo(Reason.BUSY);
    // an import of another version is not held up by the path's lock, and the commit must then
    // follow it
    BlobInfo other = source.put("pp", bytes(3, 1));
    replica.importVersion(other, bytesOf(source, other));
    assertThat(reasonOf(() -> replica.commitPrepared(txn, 1))).isEqualTo(Reason.VERSION_CONFLICT);
    assertThat(replica.commitPrepared(txn, 2))
        .isEqualTo(
            new BlobInfo(
                "pp",
                2,
                txn,
                VersionState.LIVE,
                0,
                txn.toString().toLowerCase(),
                PutOptions.DEFAULT_CONTENT_TYPE,
                Instant.ofEpochMilli(5)));
  }

  @Test
  void importedVersionsSurviveReopen() {
    writeHistory();
    List<BlobInfo> all = new ArrayList<>();
    for (int slot = 0; slot < SLOTS; slot++) {
      all.addAll(allVersionsAfter(source, slot, 100));
    }
    for (BlobInfo v : all) {
      replica.importVersion(v, bytesOf(source, v));
    }
    replica.close();
    replica = open(replicaDir);
    assertSameAnswers();
  }
}
