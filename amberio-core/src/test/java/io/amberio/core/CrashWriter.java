package io.amberio.core;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The child process of {@link CrashRecoveryTest}: opens a store and writes from several threads until it
 * is killed. After each put returns it prints {@code ACK <path> <version> <sha256> <size> END}; after
 * each delete, {@code MARK <path> <version> END}. A line is printed, and flushed, only after the call
 * returned, so every line names a write the store acknowledged.
 *
 * <p>Arguments: data directories (comma-separated), slot count, chunk size, inline threshold, threads,
 * seed.
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

    BlobStore store = open(dirs, slotCount, chunkSize, inlineThreshold);
    say("READY");
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread w = new Thread(() -> write(store, id, new Random(seed * 1_000 + id), chunkSize, inlineThreshold), "writer-" + t);
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join();
    }
  }

  static BlobStore open(List<Path> dirs, int slotCount, int chunkSize, int inlineThreshold) {
    return BlobStore.builder()
        .dataDirs(dirs)
        .slotCount(slotCount)
        .chunkSize(chunkSize)
        .inlineThreshold(inlineThreshold)
        .gcInterval(Duration.ZERO)
        .minFreeBytes(0)
        .build();
  }

  private static void write(BlobStore store, int id, Random r, int chunkSize, int inlineThreshold) {
    while (true) {
      String path = r.nextInt(3) == 0 ? "shared/" + r.nextInt(4) : "t" + id + "/" + r.nextInt(8);
      if (r.nextInt(12) == 0) {
        try {
          BlobInfo marker = store.delete(path);
          say("MARK " + path + " " + marker.version() + " END");
        } catch (BlobStoreException e) {
          if (e.reason() != BlobStoreException.Reason.NOT_FOUND) {
            throw e;
          }
        }
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
      say("ACK " + path + " " + info.version() + " " + TestSupport.sha256(data) + " " + size + " END");
    }
  }

  private static void say(String line) {
    synchronized (System.out) {
      System.out.print(line + "\n");
      System.out.flush();
    }
  }
}
