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
package io.amberio.core.internal.slot;

import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.Compression;
import io.amberio.core.internal.chunk.ChunkWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The chunk files of a slot: {@code blobs/<blob_id>/chunks/<chunk_index>}. Writing makes every file
 * and every directory entry durable (fdatasync of each chunk, fsync of the chunks, blob and blobs
 * directories) before it returns; nothing here makes a version visible, the metadata commit does.
 * Each file is written by a {@link ChunkWriter}: raw, or compressed with the store's {@link
 * Compression} when that pays. The CRC32C returned for a chunk is always that of its uncompressed
 * bytes.
 */
final class ChunkFiles {
  private static final int TRANSFER = 128 << 10;
  private static final int MAX_PENDING_SYNCS = 2;

  private final Path blobsDir;
  private final FileStore fileStore;
  private final long minFreeBytes;
  private final Compression compression;
  private final ChunkIo io;

  ChunkFiles(Path blobsDir, FileStore fileStore, long minFreeBytes, Compression compression) {
    this(blobsDir, fileStore, minFreeBytes, compression, ChunkIo.NONE);
  }

  ChunkFiles(
      Path blobsDir, FileStore fileStore, long minFreeBytes, Compression compression, ChunkIo io) {
    this.io = io;
    this.blobsDir = blobsDir;
    this.fileStore = fileStore;
    this.minFreeBytes = minFreeBytes;
    this.compression = compression;
  }

  /** The directory of a blob's chunks. */
  Path chunksDir(String blobId) {
    return blobsDir.resolve(blobId).resolve("chunks");
  }

  /** What a chunked write produced. */
  record Written(long size, int chunkCount, int[] crcs) {}

  /**
   * Writes {@code head[0, headLength)} followed by the rest of {@code in} as chunks of {@code
   * chunkSize} bytes, failing with TOO_LARGE past {@code maxSize} and NO_SPACE when the disk would
   * drop below its reserve. On failure the caller deletes the blob directory.
   */
  Written write(
      String blobId, byte[] head, int headLength, InputStream in, int chunkSize, long maxSize) {
    Path blobDir = blobsDir.resolve(blobId);
    Path chunks = blobDir.resolve("chunks");
    try {
      Files.createDirectory(blobDir);
      Files.createDirectory(chunks);
    } catch (IOException e) {
      throw failure("creating " + chunks, e);
    }
    // Syncs that run on helpers while the caller goes on writing; all are awaited before returning.
    ArrayDeque<CompletableFuture<Void>> syncs = new ArrayDeque<>();
    List<Integer> crcs = new ArrayList<>();
    // Writes go out in pieces of TRANSFER bytes at multiples of TRANSFER within each chunk, the
    // head included: an unaligned write (the head is inlineThreshold + 1 bytes) leaves the file in
    // the page cache as small folios, and every later read of it then costs about twice as much.
    byte[] buf = new byte[TRANSFER];
    long total = 0;
    ChunkWriter out = null;
    CRC32C crc = new CRC32C();
    long inChunk = 0;
    byte[] pending = head;
    int pendingLength = headLength;
    if (headLength < buf.length) {
      System.arraycopy(head, 0, buf, 0, headLength);
      pending = buf;
      pendingLength =
          headLength + fill(in, buf, headLength, Math.min(buf.length, chunkSize) - headLength);
    }
    boolean done = false;
    try {
      while (true) {
        int n;
        byte[] src;
        if (pending != null) {
          src = pending;
          n = pendingLength;
          pending = null;
        } else {
          src = buf;
          n = fill(in, buf, 0, (int) Math.min(buf.length, chunkSize - (out == null ? 0 : inChunk)));
          if (n == 0) {
            break;
          }
        }
        int off = 0;
        while (off < n) {
          if (out == null) {
            ensureSpace(chunkSize);
            out = ChunkWriter.create(chunks.resolve(Integer.toString(crcs.size())), compression);
            crc.reset();
            inChunk = 0;
          }
          int take = (int) Math.min(n - off, chunkSize - inChunk);
          total += take;
          if (total > maxSize) {
            throw BlobStoreException.of(
                Reason.TOO_LARGE, "the blob is larger than the maximum of " + maxSize + " bytes");
          }
          out.write(src, off, take);
          crc.update(src, off, take);
          off += take;
          inChunk += take;
          if (inChunk == chunkSize) {
            ChunkWriter full = out;
            out = null;
            finishAside(syncs, full, false);
            crcs.add((int) crc.getValue());
          }
        }
      }
      if (out != null) {
        ChunkWriter last = out;
        out = null;
        finishAside(syncs, last, true);
        crcs.add((int) crc.getValue());
      }
      while (!syncs.isEmpty()) {
        ChunkIo.awaitIo(syncs.removeFirst());
      }
      fsyncDirectory(chunks);
      fsyncDirectory(blobDir);
      fsyncDirectory(blobsDir);
      done = true;
    } catch (IOException e) {
      throw failure("writing chunks of " + blobId, e);
    } finally {
      if (!done) {
        // Let the helpers finish with this blob's files before the caller deletes them.
        syncs.forEach(ChunkIo::awaitQuietly);
      }
      if (out != null) {
        try {
          out.close();
        } catch (IOException ignored) {
          // The directory is deleted by the caller.
        }
      }
    }
    return new Written(total, crcs.size(), crcs.stream().mapToInt(Integer::intValue).toArray());
  }

  // ---- a blob whose bytes are pushed to it a chunk at a time (a prepared write): create,
  // chunk..., seal.
  // The same layout and durability as write(); the caller has recorded the reclaim record first.

  /**
   * Creates the directories of a blob whose chunks follow. On failure the caller deletes the blob.
   */
  void create(String blobId) {
    Path chunks = chunksDir(blobId);
    try {
      Files.createDirectory(chunks.getParent());
      Files.createDirectory(chunks);
    } catch (IOException e) {
      throw failure("creating " + chunks, e);
    }
  }

  /**
   * Writes chunk {@code index} from {@code data[0, length)} and makes it durable; returns its
   * CRC32C.
   */
  int writeChunk(String blobId, int index, byte[] data, int length) {
    Path file = chunksDir(blobId).resolve(Integer.toString(index));
    try {
      ensureSpace(length);
      try (ChunkWriter out = ChunkWriter.create(file, compression)) {
        out.write(data, 0, length);
        out.finish();
      }
    } catch (IOException e) {
      throw failure("writing chunk " + index + " of " + blobId, e);
    }
    CRC32C crc = new CRC32C();
    crc.update(data, 0, length);
    return (int) crc.getValue();
  }

  /** Makes the directory entries of a blob written by {@link #writeChunk} durable. */
  void seal(String blobId) {
    Path chunks = chunksDir(blobId);
    try {
      fsyncDirectory(chunks);
      fsyncDirectory(chunks.getParent());
      fsyncDirectory(blobsDir);
    } catch (IOException e) {
      throw failure("syncing the directories of " + blobId, e);
    }
  }

  /** A file-system step that may run on a helper. */
  private interface IoStep {
    void run() throws IOException;
  }

  /**
   * Runs {@code step} on an idle helper (adding it to {@code syncs}), or here when none is idle.
   */
  private void aside(ArrayDeque<CompletableFuture<Void>> syncs, IoStep step) throws IOException {
    CompletableFuture<Void> f =
        io.tryStart(
            () -> {
              step.run();
              return null;
            });
    if (f == null) {
      step.run();
    } else {
      syncs.addLast(f);
    }
  }

  /**
   * Completes a chunk file and has it fdatasynced aside while the next chunk is written. At most
   * {@link #MAX_PENDING_SYNCS} syncs are pending per write, so a large blob does not hold many open
   * files or get far ahead of the disk.
   */
  private void finishAside(ArrayDeque<CompletableFuture<Void>> syncs, ChunkWriter w, boolean last)
      throws IOException {
    if (last) {
      w.finish();
      return;
    }
    w.complete();
    try {
      while (syncs.size() >= MAX_PENDING_SYNCS) {
        ChunkIo.awaitIo(syncs.removeFirst());
      }
    } catch (IOException | RuntimeException e) {
      w.close();
      throw e;
    }
    aside(syncs, w::syncAndClose);
  }

  /**
   * Reads up to {@code length} bytes (fewer only at the end) into {@code buf} at {@code off}; its
   * failures are the caller's, not the disk's.
   */
  private static int fill(InputStream in, byte[] buf, int off, int length) {
    if (length <= 0) {
      return 0;
    }
    try {
      return in.readNBytes(buf, off, length);
    } catch (IOException e) {
      throw BlobStoreException.of(
          Reason.INPUT_FAILED, "reading the data to store failed: " + e.getMessage(), e);
    }
  }

  private void ensureSpace(long bytes) throws IOException {
    if (fileStore.getUsableSpace() - bytes < minFreeBytes) {
      throw BlobStoreException.of(
          Reason.NO_SPACE,
          "the disk "
              + fileStore
              + " has "
              + fileStore.getUsableSpace()
              + " bytes free, and keeps "
              + minFreeBytes);
    }
  }

  /** Checks that a write of {@code bytes} leaves the reserve free. */
  void requireSpace(long bytes) {
    try {
      ensureSpace(bytes);
    } catch (IOException e) {
      throw BlobStoreException.io("checking free space on " + fileStore, e);
    }
  }

  private BlobStoreException failure(String what, IOException e) {
    try {
      if (fileStore.getUsableSpace() < minFreeBytes + (128 << 10)) {
        return BlobStoreException.of(Reason.NO_SPACE, what + ": the disk is full", e);
      }
    } catch (IOException ignored) {
      // Fall through to the plain I/O error.
    }
    return BlobStoreException.io(what, e);
  }

  /** Deletes a blob's directory and everything in it; a missing directory is fine. */
  void deleteBlob(String blobId) throws IOException {
    Path blobDir = blobsDir.resolve(blobId);
    if (!Files.exists(blobDir)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> walk = Files.walk(blobDir)) {
      all = walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
    } catch (NoSuchFileException e) {
      return;
    }
    for (Path p : all) {
      try {
        Files.deleteIfExists(p);
      } catch (DirectoryNotEmptyException e) {
        throw new IOException("cannot delete " + p + ": not empty", e);
      }
    }
  }

  /** Makes the entries of {@code dir} durable. */
  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
