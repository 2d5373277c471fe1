package io.amberio.cluster.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real, single-member etcd for tests: started from the Debian package's binary on free loopback ports
 * with a fresh data directory, checked healthy, and killed (its directory deleted) on {@link #close()}.
 * Short heartbeat and election timeouts make etcd's minimum lease TTL under one second.
 */
final class EtcdServer implements AutoCloseable {

  /** Set to {@code true} to skip the etcd tests on a machine without etcd. */
  static final String SKIP_PROPERTY = "amberio.etcd.skip";

  private static final Duration STARTUP = Duration.ofSeconds(30);

  private final Process process;
  private final Path dataDir;
  private final Path logFile;
  private final URI clientUrl;

  private EtcdServer(Process process, Path dataDir, Path logFile, URI clientUrl) {
    this.process = process;
    this.dataDir = dataDir;
    this.logFile = logFile;
    this.clientUrl = clientUrl;
  }

  /** The etcd binary: {@code /usr/bin/etcd}, else {@code etcd} on the PATH. */
  static Optional<Path> binary() {
    Path debian = Paths.get("/usr/bin/etcd");
    if (Files.isExecutable(debian)) {
      return Optional.of(debian);
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return Stream.of(path.split(java.io.File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Paths.get(dir, "etcd"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** Starts etcd (retrying on a port taken meanwhile) and waits until it reports healthy. */
  static EtcdServer start(Path binary) throws IOException, InterruptedException {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return startOnce(binary);
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  private static EtcdServer startOnce(Path binary) throws IOException, InterruptedException {
    int clientPort = freePort();
    int peerPort = freePort();
    while (peerPort == clientPort) {
      peerPort = freePort();
    }
    Path dataDir = Files.createTempDirectory("amberio-etcd-");
    Path logFile = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> command = List.of(
        binary.toString(),
        "--name", "amberio-test",
        "--data-dir", dataDir.resolve("member-data").toString(),
        "--listen-client-urls", client,
        "--advertise-client-urls", client,
        "--listen-peer-urls", peer,
        "--initial-advertise-peer-urls", peer,
        "--initial-cluster", "amberio-test=" + peer,
        "--initial-cluster-state", "new",
        "--initial-cluster-token", "amberio-test-" + clientPort,
        "--heartbeat-interval", "50",
        "--election-timeout", "500",
        "--logger", "zap",
        "--log-level", "warn");
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(logFile.toFile())
        .start();
    EtcdServer server = new EtcdServer(process, dataDir, logFile, URI.create(client));
    try {
      server.awaitHealthy();
      return server;
    } catch (IOException | RuntimeException | InterruptedException e) {
      server.close();
      throw e;
    }
  }

  private void awaitHealthy() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest health = HttpRequest.newBuilder(clientUrl.resolve("/health")).timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("etcd exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("\"health\":\"true\"")) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new IOException("etcd was not healthy within " + STARTUP + ":\n" + log());
  }

  /** The client URL, such as {@code http://127.0.0.1:40123}. */
  URI clientUrl() {
    return clientUrl;
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
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** What etcd printed so far. */
  String log() {
    try {
      return Files.readString(logFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Kills etcd and deletes its data directory and log. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    deleteTree(dataDir);
    try {
      Files.deleteIfExists(logFile);
    } catch (IOException ignored) {
      // a log left in the temp directory is harmless
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
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
