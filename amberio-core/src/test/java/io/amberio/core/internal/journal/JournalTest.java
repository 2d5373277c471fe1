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
package io.amberio.core.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.core.internal.row.PreparedRow;
import io.amberio.core.internal.row.VersionRow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir Path dir;

  private final List<BitSet> seals = Collections.synchronizedList(new ArrayList<>());

  private Journal open(long segmentSize, List<JournalRecord> replayed) {
    return Journal.open(
        dir, segmentSize, 0, slots -> seals.add((BitSet) slots.clone()), replayed::add);
  }

  private static JournalRecord reclaim(int slot, int i) {
    return new JournalRecord.AddReclaim(slot, "blob-" + i, i);
  }

  private static void appendApplied(Journal j, JournalRecord r) {
    j.applied(j.append(r, true));
  }

  @Test
  void recordsSurviveAnUncleanStopAndReplayInOrder() {
    Journal j = open(1 << 20, new ArrayList<>());
    for (int i = 0; i < 100; i++) {
      appendApplied(j, reclaim(i % 7, i));
    }
    // No close: the process "dies" here. A new journal on the same directory replays everything.
    List<JournalRecord> replayed = new ArrayList<>();
    Journal again = open(1 << 20, replayed);
    assertThat(replayed).hasSize(100);
    for (int i = 0; i < 100; i++) {
      assertThat(replayed.get(i)).isEqualTo(reclaim(i % 7, i));
    }
    BitSet expected = new BitSet();
    expected.set(0, 7);
    assertThat(seals.get(seals.size() - 1)).isEqualTo(expected);
    again.close();
  }

  @Test
  void aTornTailEndsReplayAtTheLastWholeRecord() throws IOException {
    Journal j = open(1 << 20, new ArrayList<>());
    for (int i = 0; i < 10; i++) {
      appendApplied(j, reclaim(1, i));
    }
    Path segment = liveSegments().get(0);
    long end = usedBytes(segment);
    // Flip one byte inside the last record: its CRC no longer matches.
    try (FileChannel ch =
        FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, end - 3);
      b.put(0, (byte) (b.get(0) ^ 0x5a));
      b.rewind();
      ch.write(b, end - 3);
    }
    List<JournalRecord> replayed = new ArrayList<>();
    open(1 << 20, replayed).close();
    assertThat(replayed).hasSize(9).last().isEqualTo(reclaim(1, 8));
  }

  @Test
  void cleanCloseLeavesNothingToReplay() {
    Journal j = open(1 << 20, new ArrayList<>());
    for (int i = 0; i < 10; i++) {
      appendApplied(j, reclaim(3, i));
    }
    j.close();
    assertThat(seals).isNotEmpty();
    assertThat(seals.get(seals.size() - 1).get(3)).isTrue();
    List<JournalRecord> replayed = new ArrayList<>();
    open(1 << 20, replayed).close();
    assertThat(replayed).isEmpty();
  }

  @Test
  void fullSegmentsAreSealedAndRecycledWithoutStaleRecordsComingBack() throws Exception {
    long segment = 64 << 10;
    Journal j = open(segment, new ArrayList<>());
    int total = 0;
    // Several segments' worth, so that spare files get reused with old records still inside.
    for (int i = 0; i < 3000; i++) {
      appendApplied(j, reclaim(i % 5, i));
      total++;
    }
    // Wait for the background sealer to catch up with every full segment.
    for (int i = 0; i < 500 && liveSegments().size() > 1; i++) {
      Thread.sleep(10);
    }
    assertThat(liveSegments()).hasSize(1);
    assertThat(spareSegments()).isNotEmpty();
    List<JournalRecord> replayed = new ArrayList<>();
    open(segment, replayed).close();
    // Only the records of the live (unsealed) segment are replayed, and they are the newest ones,
    // in order.
    assertThat(replayed).isNotEmpty().hasSizeLessThan(total);
    int first = total - replayed.size();
    for (int k = 0; k < replayed.size(); k++) {
      assertThat(replayed.get(k)).isEqualTo(reclaim((first + k) % 5, first + k));
    }
  }

  @Test
  void concurrentAppendersShareFsyncsAndLoseNothing() throws Exception {
    Journal j = open(256 << 10, new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 250; i++) {
                  appendApplied(j, new JournalRecord.RemoveReclaim(thread, "t" + thread + "-" + i));
                }
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    // Crash: replay what is live, and everything sealed was handed to the sealer.
    List<JournalRecord> replayed = new ArrayList<>();
    open(256 << 10, replayed).close();
    assertThat(replayed).allMatch(r -> r instanceof JournalRecord.RemoveReclaim);
    for (int t = 0; t < 8; t++) {
      int thread = t;
      List<String> ids =
          replayed.stream()
              .filter(r -> r.slot() == thread)
              .map(r -> ((JournalRecord.RemoveReclaim) r).blobId())
              .toList();
      // Whatever of a thread's records is live, it is a suffix of what it wrote, in order.
      for (int k = 1; k < ids.size(); k++) {
        int prev = Integer.parseInt(ids.get(k - 1).substring(ids.get(k - 1).indexOf('-') + 1));
        int cur = Integer.parseInt(ids.get(k).substring(ids.get(k).indexOf('-') + 1));
        assertThat(cur).isEqualTo(prev + 1);
      }
    }
  }

  @Test
  void interruptedAppendersNeitherStopTheJournalNorLoseRecords() throws Exception {
    Journal j = open(1 << 20, new ArrayList<>());
    AtomicInteger acked = new AtomicInteger();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread writer =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 300; i++) {
                  appendApplied(j, reclaim(1, i));
                  acked.incrementAndGet();
                  Thread.interrupted(); // the journal restores the caller's interrupt; clear it for
                  // the next round
                }
              } catch (Throwable t) {
                failed.set(t);
              }
            });
    writer.start();
    // Interrupt it again and again: an interrupt closes a FileChannel for every thread that shares
    // it.
    while (writer.isAlive()) {
      writer.interrupt();
      Thread.sleep(0, 200_000);
    }
    writer.join();
    assertThat(failed.get()).isNull();
    assertThat(acked).hasValue(300);
    appendApplied(j, reclaim(2, 999)); // and it still serves everyone else
    List<JournalRecord> replayed = new ArrayList<>();
    open(1 << 20, replayed).close();
    assertThat(replayed).hasSize(301);
  }

  @Test
  void everyRecordTypeRoundTrips() throws IOException {
    var row =
        new VersionRow(
            "a/é/😀",
            7,
            "01ARZ3NDEKTSV4RRFFQ69G5FAV",
            0,
            3,
            "text/plain",
            11,
            12,
            4096,
            0,
            new byte[] {1, 2, 3, 4},
            true,
            null);
    List<JournalRecord> all =
        List.of(
            new JournalRecord.PutVersion(5, row, new byte[] {9, 8, 7}),
            new JournalRecord.Tombstone(5, "p", 3, 99),
            new JournalRecord.AddReclaim(6, "b", 1),
            new JournalRecord.RemoveReclaim(6, "b"),
            new JournalRecord.Collect(7, List.of(new JournalRecord.Removed("x", 1, "id", true)), 5),
            new JournalRecord.CommitPrepared(8, row, new byte[] {6, 5}),
            new JournalRecord.Prepare(9, prepared(true), new byte[] {4, 3, 2}),
            new JournalRecord.Prepare(9, prepared(false), null),
            new JournalRecord.CommitTombstone(10, "01ARZ3NDEKTSV4RRFFQ69G5FAW", "q/r", 4, 77),
            new JournalRecord.AbortPrepared(11, "01ARZ3NDEKTSV4RRFFQ69G5FAX"));
    for (JournalRecord r : all) {
      JournalRecord back = JournalRecord.decode(JournalRecord.encode(r));
      if (r instanceof JournalRecord.PutVersion p) {
        JournalRecord.PutVersion q = (JournalRecord.PutVersion) back;
        assertThat(q.inlineData()).containsExactly(p.inlineData());
        assertThat(q.row().path()).isEqualTo(p.row().path());
        assertThat(q.row().checksums()).containsExactly(p.row().checksums());
        assertThat(q.row().contentType()).isEqualTo("text/plain");
      } else if (r instanceof JournalRecord.CommitPrepared || r instanceof JournalRecord.Prepare) {
        assertThat(back).usingRecursiveComparison().isEqualTo(r);
      } else {
        assertThat(back).isEqualTo(r);
      }
    }
  }

  private static PreparedRow prepared(boolean inline) {
    return new PreparedRow(
        "01ARZ3NDEKTSV4RRFFQ69G5FAV",
        "a/é",
        inline ? 0 : 1,
        0,
        inline ? "text/x" : null,
        123,
        new byte[] {1, 2},
        9,
        inline ? 3 : 0,
        65536,
        inline ? 0 : 2,
        new byte[] {1, 2, 3, 4, 5, 6, 7, 8},
        inline,
        null,
        456);
  }

  private List<Path> liveSegments() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("seg-")).sorted().toList();
    }
  }

  private List<Path> spareSegments() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("spare-")).toList();
    }
  }

  /** Where the records end: the first header whose length is zero. */
  private static long usedBytes(Path segment) throws IOException {
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
      long pos = 0;
      ByteBuffer h = ByteBuffer.allocate(16);
      while (true) {
        h.clear();
        if (ch.read(h, pos) < 16) {
          return pos;
        }
        int len = h.getInt(0);
        if (len == 0) {
          return pos;
        }
        pos += 16 + len;
      }
    }
  }
}
