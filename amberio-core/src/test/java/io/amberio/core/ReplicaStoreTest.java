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
import io.amberio.core.replica.PreparedTxn;
import io.amberio.core.replica.PreparedWrite;
import io.amberio.core.replica.ReplicaStore;
import io.amberio.core.replica.TxnKind;
import io.amberio.core.testkit.TestSupport;
import io.amberio.core.testkit.TestSupport.MutableClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two-phase-commit side of {@link ReplicaStore} on the local store: prepare, finish, commit and
 * abort of each kind, path locks, durability of prepared transactions across close and reopen, and
 * that neither the reclaim sweep, nor garbage collection, nor closing idle slots takes what a
 * prepared transaction needs.
 */
class ReplicaStoreTest {
  static final int K = 64 * 1024;
  static final int INLINE = 4096;
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  static final Duration RETENTION = Duration.ofHours(1);

  @TempDir Path tmp;
  Path dir;
  MutableClock clock;
  ReplicaStore store;
  final List<ReplicaStore> opened = new ArrayList<>();

  @BeforeEach
  void openStore() throws IOException {
    clock = new MutableClock(T0);
    dir = Files.createDirectories(tmp.resolve("store"));
    store = open(builder(dir));
  }

  @AfterEach
  void closeStores() {
    for (ReplicaStore s : opened) {
      try {
        s.close();
      } catch (RuntimeException ignored) {
        // closed already
      }
    }
  }

  BlobStoreBuilder builder(Path d) {
    return BlobStore.builder()
        .dataDir(d)
        .slotCount(4)
        .chunkSize(K)
        .inlineThreshold(INLINE)
        .retention(RETENTION)
        .gcInterval(Duration.ZERO)
        .clock(clock)
        .minFreeBytes(0);
  }

  ReplicaStore open(BlobStoreBuilder b) {
    ReplicaStore s = ReplicaStore.open(b);
    opened.add(s);
    return s;
  }

  void reopen() {
    store.close();
    store = open(builder(dir));
  }

  static BlobId newTxn() {
    return new BlobId(UlidCreator.getMonotonicUlid());
  }

  static PrepareSpec put(
      BlobId txn, String path, String contentType, long createdAt, String context) {
    return new PrepareSpec(
        txn,
        path,
        TxnKind.PUT,
        0,
        contentType,
        createdAt,
        context == null ? null : context.getBytes(StandardCharsets.UTF_8));
  }

  static PrepareSpec marker(BlobId txn, String path, long createdAt) {
    return new PrepareSpec(txn, path, TxnKind.MARKER, 0, null, createdAt, null);
  }

  static PrepareSpec tombstone(BlobId txn, String path, long version, long createdAt) {
    return new PrepareSpec(txn, path, TxnKind.TOMBSTONE, version, null, createdAt, null);
  }

  /**
   * Streams {@code data} in pieces of {@code piece} bytes (alternating heap and direct buffers) and
   * finishes.
   */
  static PreparedTxn preparePut(ReplicaStore s, PrepareSpec spec, byte[] data, int piece) {
    PreparedWrite w = s.prepare(spec);
    write(w, data, piece);
    return w.finish();
  }

  static void write(PreparedWrite w, byte[] data, int piece) {
    for (int off = 0, i = 0; off < data.length; off += piece, i++) {
      int n = Math.min(piece, data.length - off);
      ByteBuffer b = i % 2 == 0 ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n);
      b.put(data, off, n).flip();
      w.write(b);
      assertThat(b.hasRemaining()).as("write consumes the buffer").isFalse();
    }
  }

  Set<String> blobDirs() {
    return StoreFiles.blobDirectories(dir).stream()
        .map(p -> p.getFileName().toString())
        .collect(Collectors.toSet());
  }

  Path blobDir(BlobId id) {
    return StoreFiles.blobDirectory(List.of(dir), id);
  }

  static List<String> chunkFiles(Path blobDir) throws IOException {
    try (Stream<Path> s = Files.list(blobDir.resolve("chunks"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  // ------------------------------------------------------------------ PUT, MARKER, TOMBSTONE

  @Test
  void anInlinePutIsInvisibleUntilCommittedAndThenCarriesTheCoordinatorsIdentity() {
    byte[] data = bytes(1000, 1);
    BlobId txn = newTxn();
    long at = T0.toEpochMilli() - 5000;
    PreparedTxn p = preparePut(store, put(txn, "a/inline", "text/plain", at, "ctx"), data, 333);

    assertThat(p.slot()).isEqualTo(store.slotOf("a/inline"));
    assertThat(p.size()).isEqualTo(1000);
    assertThat(p.maxVersion()).as("the vote: the path was never written").isZero();
    assertThat(p.spec().context()).isEqualTo("ctx".getBytes(StandardCharsets.UTF_8));
    assertThat(reasonOf(() -> store.head("a/inline"))).isEqualTo(Reason.NOT_FOUND);
    assertThat(TestSupport.listAllVersions(store)).isEmpty();
    assertThat(store.preparedOn("a/inline"))
        .hasValueSatisfying(t -> assertThat(t.spec().txn()).isEqualTo(txn));
    assertThat(blobDirs()).as("an inline blob has no directory").isEmpty();

    BlobInfo info = store.commitPrepared(txn, 1);
    assertThat(info.version()).isEqualTo(1);
    assertThat(info.blobId()).isEqualTo(txn);
    assertThat(info.etag()).isEqualTo(txn.toString().toLowerCase());
    assertThat(info.lastModified()).isEqualTo(Instant.ofEpochMilli(at));
    assertThat(info.contentType()).isEqualTo("text/plain");
    assertThat(info.size()).isEqualTo(1000);
    assertThat(store.head("a/inline")).isEqualTo(info);
    assertThat(TestSupport.readCurrent(store, "a/inline")).isEqualTo(data);
    assertThat(store.preparedOn("a/inline")).isEmpty();
    assertThat(store.preparedTxns()).isEmpty();
    assertThat(store.maxVersion("a/inline")).isEqualTo(1);
  }

  @Test
  void aChunkedPutWritesChunkFilesAsItGoesAndCommitsAfterExistingVersions() throws IOException {
    store.put("b/big", bytes(10, 9));
    byte[] data = bytes(3 * K + 17, 2);
    BlobId txn = newTxn();
    PreparedWrite w = store.prepare(put(txn, "b/big", null, T0.toEpochMilli(), null));
    write(w, Arrays.copyOf(data, K + 10), 7000);
    Path d = blobDir(txn);
    assertThat(chunkFiles(d))
        .as("the first chunk is on disk before the write ends")
        .containsExactly("0");
    write(w, Arrays.copyOfRange(data, K + 10, data.length), 50_000);
    PreparedTxn p = w.finish();
    assertThat(p.maxVersion()).isEqualTo(1);
    assertThat(p.size()).isEqualTo(data.length);
    assertThat(chunkFiles(d)).containsExactly("0", "1", "2", "3");
    assertThat(Files.size(d.resolve("chunks/3"))).isEqualTo(17);

    BlobInfo info = store.commitPrepared(txn, 2);
    assertThat(info.version()).isEqualTo(2);
    assertThat(info.contentType())
        .as("none given: the default")
        .isEqualTo(PutOptions.DEFAULT_CONTENT_TYPE);
    assertThat(TestSupport.readCurrent(store, "b/big")).isEqualTo(data);
    assertThat(
            TestSupport.read(
                store,
                "b/big",
                GetOptions.version(2).withRange(ByteRange.closed(K - 3, 2 * K + 1))))
        .isEqualTo(Arrays.copyOfRange(data, K - 3, 2 * K + 2));
  }

  @Test
  void aPutDecidesInlineOrChunkedAsAPlainPutDoes() throws IOException {
    Path d = tmp.resolve("threshold");
    ReplicaStore s =
        open(
            BlobStore.builder()
                .dataDir(d)
                .slotCount(2)
                .chunkSize(K)
                .inlineThreshold(K)
                .gcInterval(Duration.ZERO)
                .minFreeBytes(0));
    BlobId exact = newTxn();
    preparePut(s, put(exact, "exact", null, 1, null), bytes(K, 1), 1000);
    assertThat(StoreFiles.blobDirectories(d))
        .as("a full first chunk with nothing after it is inline")
        .isEmpty();
    BlobId over = newTxn();
    preparePut(s, put(over, "over", null, 1, null), bytes(K + 1, 2), K);
    assertThat(chunkFiles(StoreFiles.blobDirectory(List.of(d), over))).containsExactly("0", "1");
    s.commitPrepared(exact, 1);
    s.commitPrepared(over, 1);
    assertThat(TestSupport.readCurrent(s, "exact")).isEqualTo(bytes(K, 1));
    assertThat(TestSupport.readCurrent(s, "over")).isEqualTo(bytes(K + 1, 2));
    BlobInfo plain = s.put("plain", bytes(K, 1));
    assertThat(StoreFiles.blobDirectories(d))
        .extracting(x -> x.getFileName().toString())
        .as("the plain put of the same size is inline too")
        .doesNotContain(plain.blobId().toString());
  }

  @Test
  void aMarkerHidesThePathOnceCommitted() {
    store.put("m", bytes(10, 1));
    BlobId txn = newTxn();
    PreparedTxn p = store.prepare(marker(txn, "m", T0.toEpochMilli())).finish();
    assertThat(p.maxVersion()).isEqualTo(1);
    assertThat(store.head("m").version()).as("not visible before commit").isEqualTo(1);
    BlobInfo info = store.commitPrepared(txn, 2);
    assertThat(info.state()).isEqualTo(VersionState.MARKER);
    assertThat(info.blobId()).isEqualTo(txn);
    assertThat(info.contentType()).isNull();
    assertThat(info.size()).isZero();
    assertThat(reasonOf(() -> store.head("m"))).isEqualTo(Reason.DELETED);
    assertThat(store.head("m", 1).isLive()).isTrue();
  }

  @Test
  void aTombstoneTombstonesTheNamedVersionAtTheCoordinatorsTime() {
    store.put("t", bytes(10, 1));
    store.put("t", bytes(20, 2));
    BlobId txn = newTxn();
    long at = T0.toEpochMilli() - RETENTION.toMillis() - 1; // its retention has passed already
    PreparedTxn p = store.prepare(tombstone(txn, "t", 2, at)).finish();
    assertThat(p.maxVersion()).isEqualTo(2);
    assertThat(store.head("t").version()).isEqualTo(2);
    BlobInfo info = store.commitPrepared(txn, 0); // the version argument is ignored for a tombstone
    assertThat(info.version()).isEqualTo(2);
    assertThat(info.state()).isEqualTo(VersionState.TOMBSTONED);
    assertThat(store.head("t").version()).as("the previous version is current again").isEqualTo(1);
    assertThat(reasonOf(() -> store.head("t", 2))).isEqualTo(Reason.DELETED);
    assertThat(store.maxVersion("t")).isEqualTo(2);
    assertThat(store.collectGarbage().versionsRemoved())
        .as("stateChangedAt is the coordinator's time, so retention counts from it")
        .isEqualTo(1);
  }

  @Test
  void commitOfAPutOrMarkerMustBeTheNextVersion() {
    store.put("v", bytes(10, 1));
    BlobId txn = newTxn();
    store.prepare(marker(txn, "v", 1)).finish();
    BlobStoreException e = TestSupport.failure(() -> store.commitPrepared(txn, 3));
    assertThat(e.reason()).isEqualTo(Reason.VERSION_CONFLICT);
    assertThat(e.latestVersion()).hasValue(1);
    assertThat(store.preparedOn("v")).as("still prepared").isPresent();
    assertThat(store.commitPrepared(txn, 2).version()).isEqualTo(2);
  }

  // ------------------------------------------------------------------ locks

  @Test
  void aHeldPathRefusesASecondPrepareAndPlainWritesWithBusy() {
    store.put("h", bytes(10, 1));
    BlobId txn = newTxn();
    PreparedWrite w = store.prepare(put(txn, "h", null, 1, null));
    // held while still receiving bytes
    assertThat(reasonOf(() -> store.prepare(marker(newTxn(), "h", 1)))).isEqualTo(Reason.BUSY);
    assertThat(reasonOf(() -> store.put("h", bytes(5, 2)))).isEqualTo(Reason.BUSY);
    w.write(ByteBuffer.wrap(bytes(100, 3)));
    w.finish();
    // and once prepared
    assertThat(reasonOf(() -> store.prepare(put(newTxn(), "h", null, 1, null))))
        .isEqualTo(Reason.BUSY);
    assertThat(reasonOf(() -> store.put("h", bytes(5, 2)))).isEqualTo(Reason.BUSY);
    assertThat(reasonOf(() -> store.put("h", bytes(2 * K, 2)))).isEqualTo(Reason.BUSY);
    assertThat(reasonOf(() -> store.delete("h"))).isEqualTo(Reason.BUSY);
    assertThat(reasonOf(() -> store.deleteVersion("h", 1))).isEqualTo(Reason.BUSY);
    assertThat(store.put("other", bytes(5, 2)).version()).as("other paths are free").isEqualTo(1);
    assertThat(store.head("h").version()).as("nothing was written").isEqualTo(1);
    assertThat(blobDirs()).as("the refused chunked put left no bytes").isEmpty();

    store.commitPrepared(txn, 2);
    assertThat(store.put("h", bytes(5, 2)).version())
        .as("the lock is released at commit")
        .isEqualTo(3);
  }

  @Test
  @Timeout(30)
  void aPlainPutThatStreamedWhileThePathWasPreparedFailsAtItsCommit() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    byte[] data = bytes(3 * K, 4);
    InputStream slow =
        new InputStream() {
          int pos;

          @Override
          public int read() {
            throw new UnsupportedOperationException();
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (pos == K) {
              started.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
            }
            if (pos >= data.length) {
              return -1;
            }
            int n = Math.min(len, (pos < K ? K : data.length) - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
          }
        };
    ExecutorService ex = Executors.newSingleThreadExecutor();
    try {
      Future<BlobInfo> plain = ex.submit(() -> store.put("race", slow, PutOptions.defaults()));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      BlobId txn = newTxn();
      PreparedWrite w = store.prepare(put(txn, "race", null, 1, null));
      release.countDown();
      Throwable t = Assertions.catchThrowable(plain::get);
      assertThat(t).hasCauseInstanceOf(BlobStoreException.class);
      assertThat(((BlobStoreException) t.getCause()).reason()).isEqualTo(Reason.BUSY);
      w.write(ByteBuffer.wrap(bytes(10, 5)));
      assertThat(w.finish().maxVersion()).as("the vote is not changed by the refused put").isZero();
      assertThat(store.commitPrepared(txn, 1).version()).isEqualTo(1);
      assertThat(blobDirs()).as("the refused put's chunks are gone").isEmpty();
    } finally {
      ex.shutdownNow();
    }
  }

  @Test
  void aKnownTransactionIdCannotBePreparedAgain() {
    BlobId txn = newTxn();
    store.prepare(marker(txn, "x", 1)); // never finished: still known while receiving
    assertThatThrownBy(() -> store.prepare(put(txn, "y", null, 1, null)))
        .isInstanceOf(IllegalArgumentException.class);
    BlobInfo committed = store.put("z", bytes(3, 1));
    String sameSlot = sameSlotAs("z");
    assertThatThrownBy(() -> store.prepare(put(committed.blobId(), sameSlot, null, 1, null)))
        .as("the blob id of a committed version of the path's slot")
        .isInstanceOf(IllegalArgumentException.class);
    BlobId decided = newTxn();
    store.prepare(put(decided, "z", null, 1, null)).finish();
    store.commitPrepared(decided, 2);
    String otherSlot = otherSlotThan("z");
    assertThatThrownBy(() -> store.prepare(put(decided, otherSlot, null, 1, null)))
        .as("a transaction this process committed, in another slot")
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.preparedOn(sameSlot)).isEmpty();
    assertThat(store.preparedOn(otherSlot)).isEmpty();
    assertThatThrownBy(() -> store.prepare(put(newTxn(), "ct", "bad\ntype", 1, null)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(reasonOf(() -> store.prepare(put(newTxn(), "/bad", null, 1, null))))
        .isEqualTo(Reason.INVALID_PATH);
  }

  String sameSlotAs(String path) {
    for (int i = 0; ; i++) {
      if (!("s/" + i).equals(path) && store.slotOf("s/" + i) == store.slotOf(path)) {
        return "s/" + i;
      }
    }
  }

  String otherSlotThan(String path) {
    for (int i = 0; ; i++) {
      if (store.slotOf("s/" + i) != store.slotOf(path)) {
        return "s/" + i;
      }
    }
  }

  // ------------------------------------------------------------------ finish() checks

  @Test
  void finishChecksWhatTheWriteNeedsAndReleasesThePathWhenItFails() {
    assertThat(reasonOf(() -> store.prepare(marker(newTxn(), "never", 1)).finish()))
        .isEqualTo(Reason.NOT_FOUND);
    assertThat(store.preparedOn("never")).isEmpty();
    store.put("never", bytes(3, 1)); // not held any more

    assertThat(reasonOf(() -> store.prepare(tombstone(newTxn(), "never", 2, 1)).finish()))
        .isEqualTo(Reason.NOT_FOUND);
    assertThat(reasonOf(() -> store.prepare(tombstone(newTxn(), "nowhere", 1, 1)).finish()))
        .isEqualTo(Reason.NOT_FOUND);

    store.deleteVersion("never", 1);
    clock.advance(RETENTION.plusMinutes(1));
    store.collectGarbage();
    assertThat(reasonOf(() -> store.prepare(tombstone(newTxn(), "never", 1, 1)).finish()))
        .as("a collected version")
        .isEqualTo(Reason.DELETED);
    assertThat(store.preparedTxns()).isEmpty();
    assertThat(store.put("never", bytes(3, 1)).version()).isEqualTo(2);
  }

  @Test
  void tooLargeAbandonsTheWriteAndItsBytes() {
    ReplicaStore s = open(builder(tmp.resolve("small-max")).maxBlobSize(2 * K + 1));
    BlobId txn = newTxn();
    PreparedWrite w = s.prepare(put(txn, "big", null, 1, null));
    w.write(ByteBuffer.wrap(bytes(2 * K, 1)));
    w.write(ByteBuffer.wrap(bytes(1, 1)));
    assertThat(reasonOf(() -> w.write(ByteBuffer.wrap(bytes(1, 2))))).isEqualTo(Reason.TOO_LARGE);
    assertThat(StoreFiles.blobDirectories(tmp.resolve("small-max"))).isEmpty();
    assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class);
    assertThat(s.put("big", bytes(1, 1)).version()).as("the path is free again").isEqualTo(1);
  }

  @Test
  void bytesForAMarkerAreRefused() {
    store.put("nb", bytes(1, 1));
    PreparedWrite w = store.prepare(marker(newTxn(), "nb", 1));
    assertThatThrownBy(() -> w.write(ByteBuffer.wrap(new byte[1])))
        .isInstanceOf(IllegalArgumentException.class);
    w.write(ByteBuffer.allocate(0));
    assertThat(w.finish().size()).isZero();
  }

  // ------------------------------------------------------------------ abort, abandon

  @Test
  void abortDropsAPreparedTransactionAndDeletesItsBytes() {
    BlobId txn = newTxn();
    preparePut(store, put(txn, "ab", null, 1, null), bytes(2 * K + 1, 1), K);
    assertThat(blobDirs()).containsExactly(txn.toString());
    assertThat(store.abortPrepared(txn)).isTrue();
    assertThat(blobDirs()).as("the bytes are reclaimed").isEmpty();
    assertThat(store.abortPrepared(txn)).as("idempotent").isFalse();
    assertThat(store.abortPrepared(newTxn())).as("unknown").isFalse();
    assertThat(reasonOf(() -> store.commitPrepared(txn, 1))).isEqualTo(Reason.NOT_FOUND);
    assertThat(store.preparedTxns()).isEmpty();
    assertThat(store.put("ab", bytes(3, 1)).version()).as("the lock is released").isEqualTo(1);
    reopen();
    assertThat(blobDirs()).isEmpty();
    assertThat(store.preparedTxns()).isEmpty();
  }

  @Test
  void abortOfAWriteStillReceivingBytesStopsItsWriter() {
    BlobId txn = newTxn();
    PreparedWrite w = store.prepare(put(txn, "rx", null, 1, null));
    w.write(ByteBuffer.wrap(bytes(2 * K + 1, 1)));
    assertThat(blobDirs()).containsExactly(txn.toString());
    assertThat(store.abortPrepared(txn)).isTrue();
    assertThat(blobDirs()).isEmpty();
    assertThat(reasonOf(() -> w.write(ByteBuffer.wrap(bytes(1, 1))))).isEqualTo(Reason.NOT_FOUND);
    assertThat(reasonOf(w::finish)).isEqualTo(Reason.NOT_FOUND);
    assertThat(store.put("rx", bytes(1, 1)).version()).isEqualTo(1);
  }

  @Test
  void abandonDeletesTheBytesAndFreesThePath() {
    BlobId txn = newTxn();
    try (PreparedWrite w = store.prepare(put(txn, "ad", null, 1, null))) {
      w.write(ByteBuffer.wrap(bytes(K + 1, 1)));
      assertThat(blobDirs()).containsExactly(txn.toString());
    } // close() abandons
    assertThat(blobDirs()).isEmpty();
    assertThat(store.abortPrepared(txn)).as("nothing left to abort").isFalse();
    assertThat(store.put("ad", bytes(1, 1)).version()).isEqualTo(1);

    PreparedWrite done = store.prepare(put(newTxn(), "ad2", null, 1, null));
    done.finish();
    done.abandon(); // a no-op after finish
    assertThat(store.preparedOn("ad2")).isPresent();
  }

  @Test
  void commitAndAbortAreIdempotentAndExclusive() {
    store.put("i", bytes(10, 1));
    BlobId put = newTxn();
    preparePut(store, put(put, "i", "a/b", 7, null), bytes(2 * K, 1), K);
    BlobInfo first = store.commitPrepared(put, 2);
    assertThat(store.commitPrepared(put, 2)).isEqualTo(first);
    assertThatThrownBy(() -> store.abortPrepared(put)).isInstanceOf(IllegalStateException.class);

    BlobId tomb = newTxn();
    store.prepare(tombstone(tomb, "i", 1, 8)).finish();
    BlobInfo t = store.commitPrepared(tomb, 0);
    assertThat(store.commitPrepared(tomb, 0)).isEqualTo(t);
    assertThatThrownBy(() -> store.abortPrepared(tomb)).isInstanceOf(IllegalStateException.class);

    reopen(); // a new process: the answers come from the slot, not from memory
    assertThat(store.commitPrepared(put, 2)).isEqualTo(first);
    assertThat(store.commitPrepared(tomb, 0)).isEqualTo(t);
    assertThat(reasonOf(() -> store.commitPrepared(newTxn(), 1))).isEqualTo(Reason.NOT_FOUND);
    assertThat(TestSupport.readVersion(store, "i", 2)).isEqualTo(bytes(2 * K, 1));
  }

  // ------------------------------------------------------------------ durability

  @Test
  void preparedTransactionsSurviveReopenWithTheirLocksAndBytes() {
    store.put("d/marked", bytes(1, 1));
    store.put("d/tomb", bytes(1, 1));
    BlobId chunked = newTxn();
    BlobId inline = newTxn();
    BlobId mark = newTxn();
    BlobId tomb = newTxn();
    byte[] big = bytes(2 * K + 3, 7);
    byte[] small = bytes(99, 8);
    PreparedTxn a = preparePut(store, put(chunked, "d/chunked", "x/y", 11, "first"), big, 4096);
    PreparedTxn b = preparePut(store, put(inline, "d/inline", null, 12, null), small, 10);
    PreparedTxn c = store.prepare(marker(mark, "d/marked", 13)).finish();
    PreparedTxn d = store.prepare(tombstone(tomb, "d/tomb", 1, 14)).finish();

    reopen();

    List<PreparedTxn> all = store.preparedTxns();
    assertThat(all)
        .extracting(t -> t.spec().txn())
        .containsExactlyInAnyOrder(chunked, inline, mark, tomb);
    for (PreparedTxn before : List.of(a, b, c, d)) {
      PreparedTxn after =
          all.stream()
              .filter(t -> t.spec().txn().equals(before.spec().txn()))
              .findFirst()
              .orElseThrow();
      assertThat(after).usingRecursiveComparison().isEqualTo(before);
      assertThat(store.preparedTxns(before.slot()))
          .extracting(t -> t.spec().txn())
          .contains(before.spec().txn());
      assertThat(store.preparedOn(before.spec().path()))
          .hasValueSatisfying(t -> assertThat(t).usingRecursiveComparison().isEqualTo(before));
      assertThat(reasonOf(() -> store.put(before.spec().path(), bytes(1, 1))))
          .as("the lock of " + before.spec().path() + " survives")
          .isEqualTo(Reason.BUSY);
    }
    assertThat(a.spec().context()).isEqualTo("first".getBytes(StandardCharsets.UTF_8));

    assertThat(store.commitPrepared(chunked, 1).size()).isEqualTo(big.length);
    assertThat(TestSupport.readCurrent(store, "d/chunked")).isEqualTo(big);
    assertThat(store.commitPrepared(inline, 1).size()).isEqualTo(small.length);
    assertThat(TestSupport.readCurrent(store, "d/inline")).isEqualTo(small);
    assertThat(store.abortPrepared(mark)).isTrue();
    assertThat(store.head("d/marked").version()).isEqualTo(1);
    assertThat(store.commitPrepared(tomb, 0).state()).isEqualTo(VersionState.TOMBSTONED);
    assertThat(store.preparedTxns()).isEmpty();
    assertThat(store.put("d/marked", bytes(1, 1)).version()).isEqualTo(2);
  }

  @Test
  void aStoreOfTheFirstSchemaIsMigratedWhenOpened() throws Exception {
    BlobInfo old = store.put("old", bytes(10, 1));
    store.close();
    // take every slot database back to schema version 1, as an earlier Amberio left it
    List<Path> dbs = StoreFiles.metaDatabases(List.of(dir));
    assertThat(dbs).isNotEmpty();
    for (Path db : dbs) {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
          Statement st = c.createStatement()) {
        st.executeUpdate("DROP TABLE prepared");
        st.executeUpdate("DROP TABLE tombstone_txns");
        st.executeUpdate("PRAGMA user_version = 1");
      }
    }
    store = open(builder(dir));
    assertThat(store.head("old")).isEqualTo(old);
    BlobId txn = newTxn();
    store.prepare(marker(txn, "old", 1)).finish();
    reopen();
    assertThat(store.preparedOn("old")).isPresent();
    assertThat(store.commitPrepared(txn, 2).state()).isEqualTo(VersionState.MARKER);
    store.close();
    for (Path db : dbs) {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("PRAGMA user_version")) {
        assertThat(rs.getInt(1)).isEqualTo(2);
      }
    }
  }

  @Test
  void preparedBytesSurviveTheReclaimSweepAndIdleSlotsClosing() throws IOException {
    Path d = Files.createDirectories(tmp.resolve("one-open"));
    ReplicaStore s = open(builder(d).maxOpenSlots(1));
    BlobId txn = newTxn();
    byte[] data = bytes(3 * K, 3);
    String path = "sweep";
    PreparedWrite w = s.prepare(put(txn, path, null, 1, null));
    write(w, Arrays.copyOf(data, 2 * K), K / 2);
    // every other slot opens now, and with one open slot at most the write's slot would be the
    // victim
    touchOtherSlots(s, path);
    write(w, Arrays.copyOfRange(data, 2 * K, data.length), K / 2);
    w.finish();
    touchOtherSlots(s, path); // now the prepared slot is closed and reopened, and swept as it opens
    assertThat(StoreFiles.blobDirectories(d))
        .extracting(p -> p.getFileName().toString())
        .contains(txn.toString());
    assertThat(reasonOf(() -> s.put(path, bytes(1, 1))))
        .as("the lock is rebuilt on reopen")
        .isEqualTo(Reason.BUSY);
    s.close();

    ReplicaStore again = open(builder(d).maxOpenSlots(1));
    touchOtherSlots(again, path);
    assertThat(again.preparedOn(path)).isPresent(); // opens the slot: the sweep runs
    assertThat(again.commitPrepared(txn, 1).size()).isEqualTo(data.length);
    assertThat(TestSupport.readCurrent(again, path)).isEqualTo(data);
  }

  private static void touchOtherSlots(ReplicaStore s, String except) {
    for (int i = 0; i < 40; i++) {
      String p = "touch/" + i;
      if (s.slotOf(p) != s.slotOf(except)) {
        s.put(p, bytes(1, i));
      }
    }
  }

  @Test
  void garbageCollectionLeavesAPathWithAPreparedTransactionAlone() {
    store.put("g", bytes(1, 1));
    store.put("g", bytes(1, 2));
    store.deleteVersion("g", 1);
    clock.advance(RETENTION.plusMinutes(1));
    BlobId txn = newTxn();
    store.prepare(tombstone(txn, "g", 1, clock.millis())).finish();
    assertThat(store.collectGarbage().versionsRemoved()).isZero();
    assertThat(store.commitPrepared(txn, 0).state()).isEqualTo(VersionState.TOMBSTONED);
    assertThat(store.collectGarbage().versionsRemoved())
        .as("after the decision it goes")
        .isEqualTo(1);
  }

  @Test
  @Timeout(20)
  void closingTheStoreAbandonsWritesStillReceivingBytes() {
    BlobId txn = newTxn();
    PreparedWrite w = store.prepare(put(txn, "cl", null, 1, null));
    w.write(ByteBuffer.wrap(bytes(K + 1, 1)));
    long start = System.nanoTime();
    store.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("close does not wait for the writer")
        .isLessThan(Duration.ofSeconds(10));
    assertThat(reasonOf(() -> w.write(ByteBuffer.wrap(bytes(1, 1))))).isEqualTo(Reason.CLOSED);
    store = open(builder(dir));
    assertThat(blobDirs()).isEmpty();
    assertThat(store.preparedTxns()).isEmpty();
    assertThat(store.put("cl", bytes(1, 1)).version()).isEqualTo(1);
  }
}
