package io.amberio.cluster.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real, single-member etcd for tests: a {@link LocalEtcd} in a fresh temp directory, killed (its directory
 * deleted) on {@link #close()}, and freezable with {@link #pause()}. Short heartbeat and election timeouts
 * make etcd's minimum lease TTL under one second.
 */
final class EtcdServer implements AutoCloseable {

  /** Set to {@code true} to skip the etcd tests on a machine without etcd. */
  static final String SKIP_PROPERTY = "amberio.etcd.skip";

  private final LocalEtcd etcd;
  private final Path dir;

  private EtcdServer(LocalEtcd etcd, Path dir) {
    this.etcd = etcd;
    this.dir = dir;
  }

  /** The etcd binary: {@code /usr/bin/etcd}, else {@code etcd} on the PATH. */
  static Optional<Path> binary() {
    return LocalEtcd.binary();
  }

  /** Starts etcd (retrying on a port taken meanwhile) and waits until it reports healthy. */
  static EtcdServer start(Path binary) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("amberio-etcd-");
    try {
      return new EtcdServer(LocalEtcd.start(binary, dir, "amberio-test",
          List.of("--heartbeat-interval", "50", "--election-timeout", "500")), dir);
    } catch (IOException | RuntimeException | InterruptedException e) {
      deleteTree(dir);
      throw e;
    }
  }

  /** The client URL, such as {@code http://127.0.0.1:40123}. */
  URI clientUrl() {
    return etcd.clientUrl();
  }

  /** Freezes the etcd process (SIGSTOP): it keeps its connections but answers nothing. */
  void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** Lets a paused etcd run again (SIGCONT). */
  void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(etcd.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + name + " " + etcd.pid() + " failed");
    }
  }

  /** Kills etcd and deletes its directory (data and log). */
  @Override
  public void close() {
    etcd.close();
    deleteTree(dir);
  }

  static int freePort() throws IOException {
    return LocalEtcd.freePort();
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // best effort: the temp directory is the OS's to clean
    }
  }
}
