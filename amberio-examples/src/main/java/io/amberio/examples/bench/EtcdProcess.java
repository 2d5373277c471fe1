package io.amberio.examples.bench;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A single-member etcd for the cluster section: the installed binary, started on free loopback ports with a
 * fresh data directory inside the bench's directory (so on the disk under test), checked healthy, and
 * stopped on {@link #close()}. Default heartbeat and election timeouts; etcd's own durability settings
 * (an fsync of its write-ahead log per batch of writes) are left as they are.
 */
final class EtcdProcess implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(30);

  private final Process process;
  private final Path logFile;
  private final URI clientUrl;
  private final Path binary;

  private EtcdProcess(Process process, Path logFile, URI clientUrl, Path binary) {
    this.process = process;
    this.logFile = logFile;
    this.clientUrl = clientUrl;
    this.binary = binary;
  }

  /** The etcd binary: {@code /usr/bin/etcd}, else {@code etcd} on the PATH. */
  static Optional<Path> binary() {
    Path debian = Path.of("/usr/bin/etcd");
    if (Files.isExecutable(debian)) {
      return Optional.of(debian);
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return Stream.of(path.split(File.pathSeparator))
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, "etcd"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** Starts etcd with its data in {@code dir} (retrying on a port taken meanwhile) and waits until it is healthy. */
  static EtcdProcess start(Path binary, Path dir) throws IOException, InterruptedException {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return startOnce(binary, dir.resolve("attempt-" + attempt));
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  private static EtcdProcess startOnce(Path binary, Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    int clientPort = freePort();
    int peerPort = freePort();
    while (peerPort == clientPort) {
      peerPort = freePort();
    }
    Path logFile = dir.resolve("etcd.log");
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> command = List.of(
        binary.toString(),
        "--name", "amberio-bench",
        "--data-dir", dir.resolve("member-data").toString(),
        "--listen-client-urls", client,
        "--advertise-client-urls", client,
        "--listen-peer-urls", peer,
        "--initial-advertise-peer-urls", peer,
        "--initial-cluster", "amberio-bench=" + peer,
        "--initial-cluster-state", "new",
        "--initial-cluster-token", "amberio-bench-" + clientPort,
        "--logger", "zap",
        "--log-level", "warn");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
    EtcdProcess etcd = new EtcdProcess(process, logFile, URI.create(client), binary);
    try {
      etcd.awaitHealthy();
      return etcd;
    } catch (IOException | RuntimeException | InterruptedException e) {
      etcd.close();
      throw e;
    }
  }

  private void awaitHealthy() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest health = HttpRequest.newBuilder(clientUrl.resolve("/health")).timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("etcd exited with " + process.exitValue() + ": " + log());
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
    throw new IOException("etcd was not healthy within " + STARTUP + ": " + log());
  }

  /** The client URL, such as {@code http://127.0.0.1:40123}. */
  URI clientUrl() {
    return clientUrl;
  }

  /** The binary, its version (from {@code etcd --version}) and where it listens, for the report. */
  String describe() {
    String version = "unknown version";
    try {
      Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor(10, TimeUnit.SECONDS)) {
        version = text.lines().filter(l -> l.startsWith("etcd Version")).findFirst().orElse(version).trim();
      }
    } catch (IOException e) {
      // the version is only for the report
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return binary + " (" + version + ") on " + clientUrl + ", one member, data directory on the bench's disk";
  }

  /** What etcd printed so far (the last lines). */
  String log() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops etcd (SIGTERM, then SIGKILL after 10 s). Its directory is deleted with the bench's. */
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
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
