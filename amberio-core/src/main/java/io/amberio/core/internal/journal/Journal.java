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

import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One metadata journal (a stripe: each disk has several, see {@code Journals}): the group commit
 * that makes small writes durable at the disk's append rate instead of at one fsync per slot
 * database.
 *
 * <h2>Design</h2>
 *
 * Every metadata change of a slot is first appended here as a {@link JournalRecord} and made
 * durable by {@code fdatasync}; only then is it applied to the slot's SQLite database, which runs
 * with {@code synchronous=NORMAL} (no fsync per commit). Concurrent appenders share fsyncs: whoever
 * finds no fsync running starts one that covers everything written so far, the others wait for it
 * (leader and followers). Appends go to a preallocated region of the segment file, so an fdatasync
 * moves no file metadata.
 *
 * <p>The journal is a sequence of segments {@code seg-<seq>.wal}. Each record is framed as {@code
 * [length u32][crc32c u32][seq u64][payload]}; the CRC covers the sequence number and the payload,
 * so a torn tail or a stale record left in a recycled file ends the segment on replay. When a
 * segment is full the journal moves to the next one and <em>seals</em> the old one in the
 * background: it waits until every record in it has been applied, has the {@link Sealer} make the
 * slot databases it touched durable, and then keeps the file as a spare for reuse.
 *
 * <p>On open, every live segment is replayed in order into the slot databases (records are
 * idempotent), the databases are made durable, and the segments become spares.
 */
public final class Journal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Journal.class);
  private static final int HEADER = 16;
  private static final int GROW = 1 << 20;
  private static final int MAX_UNSEALED = 4;

  /** Makes the databases of the given slots durable. */
  public interface Sealer {
    void seal(BitSet slots);
  }

  /**
   * A handle on an appended record; pass it to {@link #applied} once the record is in its database.
   */
  public static final class Ticket {
    private final Segment segment;

    private Ticket(Segment segment) {
      this.segment = segment;
    }
  }

  private static final class Segment {
    final long seq;
    final Path file;
    volatile FileChannel channel; // replaced when an interrupt closes it; see reopen
    long writePos;
    long allocated;
    final BitSet dirty = new BitSet();
    int unapplied; // guarded by the journal's lock

    Segment(long seq, Path file, FileChannel channel, long allocated) {
      this.seq = seq;
      this.file = file;
      this.channel = channel;
      this.allocated = allocated;
    }
  }

  private final Path dir;
  private final FileStore fileStore;
  private final long minFreeBytes;
  private final long segmentSize;
  private final Sealer sealer;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // @GuardedBy("lock")
  private Segment current;
  // @GuardedBy("lock")
  private final Deque<Segment> unsealed = new ArrayDeque<>();
  // @GuardedBy("lock")
  private final Deque<Path> spares = new ArrayDeque<>();
  // @GuardedBy("lock"): bytes appended ever, and bytes known durable
  private long written;
  private long durable;
  private boolean syncing;
  private boolean closed;
  private IOException failure;
  private final Thread sealThread;

  private Journal(Path dir, long segmentSize, long minFreeBytes, Sealer sealer) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    this.fileStore = Files.getFileStore(dir);
    this.minFreeBytes = minFreeBytes;
    this.segmentSize = segmentSize;
    this.sealer = sealer;
    this.sealThread = new Thread(this::sealLoop, "amberio-journal-sealer");
    this.sealThread.setDaemon(true);
  }

  /**
   * Opens the journal in {@code dir}: replays every live segment into {@code apply}, calls {@code
   * sealer} for the slots replayed, and starts a new segment.
   */
  public static Journal open(
      Path dir, long segmentSize, long minFreeBytes, Sealer sealer, Consumer<JournalRecord> apply) {
    Journal j;
    try {
      j = new Journal(dir, segmentSize, minFreeBytes, sealer);
      List<Long> live = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          String name = p.getFileName().toString();
          if (name.startsWith("seg-") && name.endsWith(".wal")) {
            live.add(Long.parseLong(name.substring(4, name.length() - 4)));
          } else if (name.startsWith("spare-") && name.endsWith(".wal")) {
            j.spares.add(p);
          }
        }
      }
      live.sort(null);
      BitSet touched = new BitSet();
      long next = 1;
      for (long seq : live) {
        int n =
            replay(
                dir.resolve(segmentName(seq)),
                seq,
                r -> {
                  touched.set(r.slot());
                  apply.accept(r);
                });
        if (n > 0) {
          log.info("journal {}: replayed {} records of segment {}", dir, n, seq);
        }
        next = seq + 1;
      }
      sealer.seal(touched);
      for (long seq : live) {
        j.spares.add(j.retire(dir.resolve(segmentName(seq))));
      }
      j.current = j.newSegment(next);
    } catch (IOException e) {
      throw BlobStoreException.io("opening the journal in " + dir, e);
    }
    j.sealThread.start();
    return j;
  }

  private static String segmentName(long seq) {
    return String.format("seg-%016d.wal", seq);
  }

  private static int replay(Path file, long seq, Consumer<JournalRecord> apply) throws IOException {
    int count = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long pos = 0;
      long size = ch.size();
      ByteBuffer header = ByteBuffer.allocate(HEADER);
      while (pos + HEADER <= size) {
        header.clear();
        readFully(ch, header, pos);
        header.flip();
        int length = header.getInt();
        int crc = header.getInt();
        long recordSeq = header.getLong();
        if (length <= 0 || recordSeq != seq || pos + HEADER + length > size) {
          break;
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(ch, payload, pos + HEADER);
        CRC32C c = new CRC32C();
        c.update(header.array(), 8, 8);
        c.update(payload.array(), 0, length);
        if ((int) c.getValue() != crc) {
          break;
        }
        apply.accept(JournalRecord.decode(payload.array()));
        count++;
        pos += HEADER + length;
      }
    }
    return count;
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      if (ch.read(b, pos + b.position()) < 0) {
        throw new IOException("unexpected end of journal segment");
      }
    }
  }

  // @GuardedBy("lock") or during open
  private Segment newSegment(long seq) throws IOException {
    Path file = dir.resolve(segmentName(seq));
    Path spare = spares.pollFirst();
    if (spare != null) {
      Files.move(spare, file, StandardCopyOption.ATOMIC_MOVE);
    }
    FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    fsyncDir();
    return new Segment(seq, file, ch, ch.size());
  }

  private Path retire(Path file) throws IOException {
    String name = file.getFileName().toString();
    Path spare = dir.resolve("spare-" + name.substring(4));
    Files.move(file, spare, StandardCopyOption.ATOMIC_MOVE);
    fsyncDir();
    return spare;
  }

  private void fsyncDir() throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /**
   * Appends a record; with {@code sync}, returns once it is durable (sharing the fsync with
   * concurrent appenders). The caller must apply the record to its slot database and then call
   * {@link #applied}.
   */
  public Ticket append(JournalRecord record, boolean sync) {
    byte[] payload = JournalRecord.encode(record);
    if (payload.length + HEADER > segmentSize) {
      throw new IllegalArgumentException(
          "a journal record of " + payload.length + " bytes exceeds the segment size");
    }
    ByteBuffer frame = ByteBuffer.allocate(HEADER + payload.length);
    long lsn;
    Segment seg;
    lock.lock();
    try {
      checkUsable();
      if (current.writePos + frame.capacity() > segmentSize) {
        rotate();
      }
      seg = current;
      CRC32C c = new CRC32C();
      ByteBuffer seqBytes = ByteBuffer.allocate(8).putLong(0, seg.seq);
      c.update(seqBytes.array());
      c.update(payload);
      frame.putInt(payload.length).putInt((int) c.getValue()).putLong(seg.seq).put(payload).flip();
      try {
        if (seg.writePos + frame.capacity() > seg.allocated
            && fileStore.getUsableSpace() - GROW < minFreeBytes) {
          throw BlobStoreException.of(
              Reason.NO_SPACE,
              "the disk of "
                  + dir
                  + " has "
                  + fileStore.getUsableSpace()
                  + " bytes free and keeps "
                  + minFreeBytes
                  + "; the journal cannot grow");
        }
        while (seg.writePos + frame.capacity() > seg.allocated) {
          grow(seg);
        }
        long pos = seg.writePos;
        writeFully(seg, frame, pos);
      } catch (IOException e) {
        failure = e;
        throw journalFailure(e);
      }
      seg.writePos += frame.capacity();
      seg.dirty.set(record.slot());
      seg.unapplied++;
      written += frame.capacity();
      lsn = written;
    } finally {
      lock.unlock();
    }
    if (sync) {
      awaitDurable(lsn);
    }
    return new Ticket(seg);
  }

  /** Marks an appended record as applied to its database. */
  public void applied(Ticket ticket) {
    lock.lock();
    try {
      ticket.segment.unapplied--;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // @GuardedBy("lock")
  private void grow(Segment seg) throws IOException {
    long target = Math.min(segmentSize, seg.allocated + GROW);
    ByteBuffer zeros = ByteBuffer.allocate((int) (target - seg.allocated));
    writeFully(seg, zeros, seg.allocated);
    seg.allocated = target;
  }

  // @GuardedBy("lock")
  private void rotate() {
    while (unsealed.size() >= MAX_UNSEALED && failure == null && !closed) {
      changed.awaitUninterruptibly();
    }
    checkUsable();
    Segment old = current;
    try {
      force(old);
      current = newSegment(old.seq + 1);
    } catch (IOException e) {
      failure = e;
      throw journalFailure(e);
    }
    durable = Math.max(durable, written);
    unsealed.addLast(old);
    changed.signalAll();
  }

  private void awaitDurable(long lsn) {
    lock.lock();
    try {
      while (durable < lsn) {
        checkUsable();
        if (syncing) {
          changed.awaitUninterruptibly();
          continue;
        }
        syncing = true;
        long target = written;
        Segment seg = current;
        lock.unlock();
        IOException error = null;
        try {
          force(seg);
        } catch (IOException e) {
          error = e;
        } finally {
          lock.lock();
          syncing = false;
          changed.signalAll();
        }
        if (error != null) {
          failure = error;
          throw journalFailure(error);
        }
        durable = Math.max(durable, target);
      }
    } finally {
      lock.unlock();
    }
  }

  // A FileChannel is closed for every user when a thread blocked in it is interrupted (JDK
  // semantics). The
  // journal's channel is shared by all writers, so an interrupted caller must not stop the store:
  // the
  // channel is reopened on the same file and the operation repeated (writes are positional and
  // forces
  // cover the whole file, so repeating is exact). The caller's interrupt status is restored
  // afterwards.
  private static final int REOPEN_ATTEMPTS = 8;

  private void writeFully(Segment seg, ByteBuffer data, long pos) throws IOException {
    int start = data.position();
    boolean interrupted = false;
    try {
      for (int attempt = 0; ; attempt++) {
        FileChannel ch = seg.channel;
        try {
          data.position(start);
          while (data.hasRemaining()) {
            ch.write(data, pos + data.position() - start);
          }
          return;
        } catch (ClosedChannelException e) {
          interrupted |= Thread.interrupted();
          if (closed || attempt >= REOPEN_ATTEMPTS) {
            throw e;
          }
          reopen(seg, ch);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void force(Segment seg) throws IOException {
    boolean interrupted = false;
    try {
      for (int attempt = 0; ; attempt++) {
        FileChannel ch = seg.channel;
        try {
          ch.force(false);
          return;
        } catch (ClosedChannelException e) {
          interrupted |= Thread.interrupted();
          if (closed || attempt >= REOPEN_ATTEMPTS) {
            throw e;
          }
          reopen(seg, ch);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Replaces {@code seg}'s channel if it is still {@code failed} (another thread may have done it).
   */
  private void reopen(Segment seg, FileChannel failed) throws IOException {
    synchronized (seg) {
      if (seg.channel == failed) {
        seg.channel = FileChannel.open(seg.file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        log.warn("journal segment {} was closed by an interrupted thread; reopened it", seg.file);
      }
    }
  }

  private void checkUsable() {
    if (failure != null) {
      throw journalFailure(failure);
    }
    if (closed) {
      throw BlobStoreException.of(Reason.CLOSED, "the journal in " + dir + " is closed");
    }
  }

  private BlobStoreException journalFailure(IOException e) {
    return BlobStoreException.io(
        "the journal in " + dir + " failed; the store must be reopened", e);
  }

  private void sealLoop() {
    while (true) {
      Segment seg;
      lock.lock();
      try {
        while (unsealed.isEmpty() && !closed) {
          changed.awaitUninterruptibly();
        }
        if (unsealed.isEmpty()) {
          return;
        }
        seg = unsealed.peekFirst();
        while (seg.unapplied > 0) {
          changed.awaitUninterruptibly();
        }
      } finally {
        lock.unlock();
      }
      try {
        sealer.seal(seg.dirty);
        seg.channel.close();
        Path spare = retire(seg.file);
        lock.lock();
        try {
          unsealed.removeFirst();
          spares.addLast(spare);
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      } catch (IOException | RuntimeException e) {
        log.error(
            "sealing journal segment {} failed; it stays and is replayed on the next open",
            seg.file,
            e);
        lock.lock();
        try {
          failure = e instanceof IOException io ? io : new IOException(e);
          changed.signalAll();
        } finally {
          lock.unlock();
        }
        return;
      }
    }
  }

  /**
   * Stops appends, seals every segment with the {@link Sealer} (the caller has made sure all
   * records were applied) and keeps their files as spares. After a failure, segments stay and are
   * replayed on open.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      sealThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lock.lock();
    try {
      if (failure != null) {
        closeQuietly(current.channel);
        for (Segment s : unsealed) {
          closeQuietly(s.channel);
        }
        return;
      }
      BitSet all = new BitSet();
      for (Segment s : unsealed) {
        all.or(s.dirty);
      }
      all.or(current.dirty);
      sealer.seal(all);
      for (Segment s : unsealed) {
        closeQuietly(s.channel);
        retire(s.file);
      }
      closeQuietly(current.channel);
      retire(current.file);
    } catch (IOException | RuntimeException e) {
      log.warn(
          "closing the journal in {} left segments to replay on the next open: {}",
          dir,
          e.toString());
    } finally {
      lock.unlock();
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // Nothing to lose: the journal was forced or is replayed.
    }
  }
}
