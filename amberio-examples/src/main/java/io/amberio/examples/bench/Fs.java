package io.amberio.examples.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** File-system helpers of the bench. */
final class Fs {
  private Fs() {}

  /** fsyncs a directory, which makes the names created in it durable (Linux allows opening it read-only). */
  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Deletes a directory tree if it exists. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** The total size of the regular files under {@code root}; files that vanish while walking count 0. */
  static long treeSize(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      return paths.mapToLong(p -> {
        try {
          return Files.isRegularFile(p) ? Files.size(p) : 0;
        } catch (IOException e) {
          return 0;
        }
      }).sum();
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }

  /**
   * Runs {@code sync} so that what one cell left in the page cache (deletions, metadata) is written back
   * before the next cell starts, not during it. Best effort: skipped when there is no sync command.
   */
  static void syncAll() {
    try {
      Process p = new ProcessBuilder("sync").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroy();
      }
    } catch (IOException e) {
      // no sync command: nothing to do
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
