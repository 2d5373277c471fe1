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
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Baseline: one file per blob, the least a durable store of files must do.
 *
 * <p>PUT creates a new file ({@code O_CREAT|O_EXCL}) in one of 256 pre-created fan-out directories,
 * writes the bytes through a reusable 1 MiB buffer, calls {@code FileChannel.force(true)} (fsync of
 * the file), closes it, then opens the parent directory and fsyncs it so that the new name is
 * durable too. GET opens the file, reads it to the end into a reusable 1 MiB buffer, and closes it.
 * No checksums, no metadata.
 */
final class FilePerBlobSubject implements Subject {
  static final int FAN_OUT = 256;
  private final Path root;

  FilePerBlobSubject(Path root) throws IOException {
    this.root = root;
    Files.createDirectories(root);
    for (int i = 0; i < FAN_OUT; i++) {
      Files.createDirectories(root.resolve(dirName(i)));
    }
    Fs.fsyncDirectory(root);
  }

  @Override
  public String name() {
    return "file-per-blob";
  }

  private static String dirName(int i) {
    return String.format(Locale.ROOT, "%02x", i);
  }

  private Path fileOf(String key) {
    return root.resolve(dirName(Math.floorMod(key.hashCode(), FAN_OUT)))
        .resolve(key.replace('/', '_'));
  }

  @Override
  public Session open(int worker) {
    byte[] buffer = new byte[Bench.IO_BUFFER];
    return new Session() {
      @Override
      public void put(String key, InputStream data, long size) throws IOException {
        Path file = fileOf(key);
        long total = 0;
        try (FileChannel ch =
            FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          for (int n; (n = data.read(buffer)) >= 0; ) {
            ByteBuffer bb = ByteBuffer.wrap(buffer, 0, n);
            while (bb.hasRemaining()) {
              ch.write(bb);
            }
            total += n;
          }
          ch.force(true);
        }
        Fs.fsyncDirectory(file.getParent());
        if (total != size) {
          throw new IOException("wrote " + total + " bytes to " + file + ", expected " + size);
        }
      }

      @Override
      public long get(String key) throws IOException {
        long total = 0;
        try (FileChannel ch = FileChannel.open(fileOf(key), StandardOpenOption.READ)) {
          ByteBuffer bb = ByteBuffer.wrap(buffer);
          for (int n; (n = ch.read(bb)) >= 0; bb.clear()) {
            total += n;
          }
        }
        return total;
      }

      @Override
      public long list(String prefix) throws IOException {
        // What a file-per-blob store must do to list a prefix: read every fan-out directory,
        // keep the matching names, sort them.
        String wanted = prefix.replace('/', '_');
        List<String> names = new ArrayList<>();
        for (int i = 0; i < FAN_OUT; i++) {
          try (DirectoryStream<Path> dir = Files.newDirectoryStream(root.resolve(dirName(i)))) {
            for (Path p : dir) {
              String name = p.getFileName().toString();
              if (name.startsWith(wanted)) {
                names.add(name);
              }
            }
          }
        }
        Collections.sort(names);
        return names.size();
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public boolean lists() {
    return true;
  }

  @Override
  public void reclaim(List<String> keys) throws IOException {
    for (String key : keys) {
      Files.deleteIfExists(fileOf(key));
    }
  }

  @Override
  public void close() throws IOException {
    Fs.deleteTree(root);
  }
}
