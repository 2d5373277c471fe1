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
package io.amberio.examples.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Baseline: how many durable small writes the disk takes. Each worker owns a file of {@value
 * #FILE_SIZE} bytes, preallocated by writing zeros and fsyncing before the clock starts; each op
 * writes the next 4 KiB (the op size) at the next offset, wrapping at the end, then calls {@code
 * FileChannel.force(false)} (fdatasync). Overwriting allocated blocks needs no journal commit, so
 * this is one data write plus one cache flush per op: no store that acknowledges each write durably
 * can beat it at the same concurrency.
 */
final class FsyncLimitSubject implements Subject {
  static final int FILE_SIZE = 32 << 20;
  private final Path root;

  FsyncLimitSubject(Path root) throws IOException {
    this.root = Files.createDirectories(root);
  }

  @Override
  public String name() {
    return "fsync-limit";
  }

  @Override
  public boolean reads() {
    return false;
  }

  @Override
  public Session open(int worker) throws IOException {
    Path file = root.resolve("worker-" + worker + ".dat");
    FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
    ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
    for (long pos = 0; pos < FILE_SIZE; pos += zeros.capacity()) {
      zeros.clear();
      while (zeros.hasRemaining()) {
        ch.write(zeros, pos + zeros.position());
      }
    }
    ch.force(true);
    Fs.fsyncDirectory(root);
    byte[] buffer = new byte[Bench.IO_BUFFER];
    return new Session() {
      private long offset;

      @Override
      public void put(String key, InputStream data, long size) throws IOException {
        if (size > FILE_SIZE) {
          throw new IllegalArgumentException(
              "the fsync limit writes at most " + FILE_SIZE + " bytes per op");
        }
        if (offset + size > FILE_SIZE) {
          offset = 0;
        }
        for (int n; (n = data.read(buffer)) >= 0; ) {
          ByteBuffer bb = ByteBuffer.wrap(buffer, 0, n);
          while (bb.hasRemaining()) {
            offset += ch.write(bb, offset);
          }
        }
        ch.force(false);
      }

      @Override
      public long get(String key) {
        throw new UnsupportedOperationException("the fsync limit only writes");
      }

      @Override
      public void close() throws IOException {
        ch.close();
        Files.deleteIfExists(file);
      }
    };
  }

  @Override
  public void reclaim(List<String> keys) {}

  @Override
  public void close() throws IOException {
    Fs.deleteTree(root);
  }
}
