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

import io.amberio.core.testkit.TestSupport;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The child process of {@link CrashRecoveryTest}: opens a store and writes from several threads
 * until it is killed. A line is printed, and flushed, only after the call it reports returned:
 * {@code ACK <path> <version> <sha256> <size> END} after a put, {@code MARK <path> <version> END}
 * after a delete and {@code TOMB <path> <version> END} after a deleteVersion.
 *
 * <p>Arguments: data directories (comma-separated), slot count, chunk size, inline threshold,
 * threads, seed, mode. Mode {@code plain} writes and deletes paths; mode {@code gc} also tombstones
 * versions and collects garbage all the time (retention zero, background collection every few
 * milliseconds), so that kills land in the middle of collections.
 */
public final class CrashWriter {
  private CrashWriter() {}

  public static void main(String[] args) throws Exception {
    List<Path> dirs = new ArrayList<>();
    for (String d : args[0].split(",")) {
      dirs.add(Path.of(d));
    }
    int slotCount = Integer.parseInt(args[1]);
    int chunkSize = Integer.parseInt(args[2]);
    int inlineThreshold = Integer.parseInt(args[3]);
    int threads = Integer.parseInt(args[4]);
    long seed = Long.parseLong(args[5]);
    boolean gc = args[6].equals("gc");

    BlobStoreBuilder builder = builder(dirs, slotCount, chunkSize, inlineThreshold);
    BlobStore store =
        gc
            ? builder.retention(Duration.ZERO).gcInterval(Duration.ofMillis(5)).build()
            : builder.gcInterval(Duration.ZERO).build();
    say("READY");
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread w =
          new Thread(
              () -> {
                try {
                  write(store, id, new Random(seed * 1_000 + id), chunkSize, inlineThreshold, gc);
                } catch (Throwable e) {
                  // any failure of a writer is a failure of the test: die visibly, the parent
                  // reports stderr
                  e.printStackTrace();
                  Runtime.getRuntime().halt(3);
                }
              },
              "writer-" + t);
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join();
    }
  }

  static BlobStoreBuilder builder(
      List<Path> dirs, int slotCount, int chunkSize, int inlineThreshold) {
    return BlobStore.builder()
        .dataDirs(dirs)
        .slotCount(slotCount)
        .chunkSize(chunkSize)
        .inlineThreshold(inlineThreshold)
        .minFreeBytes(0);
  }

  /** The store as the parent opens it to check: no background collection. */
  static BlobStore open(List<Path> dirs, int slotCount, int chunkSize, int inlineThreshold) {
    return builder(dirs, slotCount, chunkSize, inlineThreshold).gcInterval(Duration.ZERO).build();
  }

  private static void write(
      BlobStore store, int id, Random r, int chunkSize, int inlineThreshold, boolean gc) {
    Map<String, Long> seen = new HashMap<>(); // the highest version this thread got per path
    while (true) {
      String path = r.nextInt(3) == 0 ? "shared/" + r.nextInt(4) : "t" + id + "/" + r.nextInt(8);
      int op = r.nextInt(gc ? 10 : 12);
      if (op == 0 || (gc && op == 1)) {
        try {
          BlobInfo marker = store.delete(path);
          seen.merge(path, marker.version(), Math::max);
          say("MARK " + path + " " + marker.version() + " END");
        } catch (BlobStoreException e) {
          if (e.reason() != BlobStoreException.Reason.NOT_FOUND) {
            throw e;
          }
        }
        continue;
      }
      if (gc && op <= 4 && seen.containsKey(path)) {
        long v = 1 + r.nextInt(seen.get(path).intValue());
        try {
          store.deleteVersion(path, v);
          say("TOMB " + path + " " + v + " END");
        } catch (BlobStoreException e) {
          if (e.reason() != BlobStoreException.Reason.DELETED) {
            throw e; // collected already is fine; anything else is not
          }
        }
        continue;
      }
      if (gc && op == 5 && r.nextInt(4) == 0) {
        store.collectGarbage();
        continue;
      }
      int size =
          switch (r.nextInt(3)) {
            case 0 -> r.nextInt(inlineThreshold + 1); // inline
            case 1 -> inlineThreshold + 1 + r.nextInt(chunkSize - inlineThreshold); // one chunk
            default -> chunkSize + 1 + r.nextInt(3 * chunkSize); // two to four chunks
          };
      byte[] data = new byte[size];
      r.nextBytes(data);
      BlobInfo info = store.put(path, new ByteArrayInputStream(data), PutOptions.defaults());
      seen.merge(path, info.version(), Math::max);
      say(
          "ACK "
              + path
              + " "
              + info.version()
              + " "
              + TestSupport.sha256(data)
              + " "
              + size
              + " END");
    }
  }

  private static void say(String line) {
    synchronized (System.out) {
      System.out.print(line + "\n");
      System.out.flush();
    }
  }
}
