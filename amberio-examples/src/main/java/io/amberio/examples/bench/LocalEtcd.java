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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts a single-member etcd from the etcd-server binary for {@code amberio bench --cluster}, and
 * for this module's tests of the bench; not a way to run etcd in production.
 *
 * <p>The member listens on free loopback ports, keeps its data and log in a directory the caller
 * gives, is checked healthy before {@link #start} returns, and is stopped on {@link #close()} (its
 * directory is left to the caller). The library's own etcd tests use the cluster testkit's {@code
 * EtcdServer} instead, which cannot depend on this module.
 */
final class LocalEtcd implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(30);

  /** How many lines of etcd's log an error carries. */
  private static final int LOG_LINES = 20;

  private final Process process;
  private final Path logFile;
  private final URI clientUrl;

  private LocalEtcd(Process process, Path logFile, URI clientUrl) {
    this.process = process;
    this.logFile = logFile;
    this.clientUrl = clientUrl;
  }

  /** The etcd binary: {@code /usr/bin/etcd} (the Debian package), else {@code etcd} on the PATH. */
  public static Optional<Path> binary() {
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

  /**
   * Starts etcd with its data and log under {@code dir} and waits until it reports healthy. A port
   * taken between choosing it and etcd binding it fails the start, so it is retried (three
   * attempts, each in a fresh subdirectory {@code attempt-N}).
   *
   * @param name the member name, also the prefix of the cluster token
   * @param extraFlags more command-line flags, e.g. {@code --heartbeat-interval 50}
   */
  public static LocalEtcd start(Path binary, Path dir, String name, List<String> extraFlags)
      throws IOException, InterruptedException {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return startOnce(binary, dir.resolve("attempt-" + attempt), name, extraFlags);
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  private static LocalEtcd startOnce(Path binary, Path dir, String name, List<String> extraFlags)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    int clientPort = freePort();
    int peerPort = freePort();
    while (peerPort == clientPort) {
      peerPort = freePort();
    }
    Path logFile = dir.resolve("etcd.log");
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--name",
                name,
                "--data-dir",
                dir.resolve("member-data").toString(),
                "--listen-client-urls",
                client,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                peer,
                "--initial-advertise-peer-urls",
                peer,
                "--initial-cluster",
                name + "=" + peer,
                "--initial-cluster-state",
                "new",
                "--initial-cluster-token",
                name + "-" + clientPort));
    command.addAll(extraFlags);
    command.addAll(List.of("--logger", "zap", "--log-level", "warn"));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile())
            .start();
    LocalEtcd etcd = new LocalEtcd(process, logFile, URI.create(client));
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
    HttpRequest health =
        HttpRequest.newBuilder(clientUrl.resolve("/health")).timeout(Duration.ofSeconds(2)).build();
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
  public URI clientUrl() {
    return clientUrl;
  }

  /** What etcd printed so far (the last lines). */
  public String log() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops etcd: SIGTERM, then SIGKILL after 10 s. Leaves its directory. */
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

  /** A loopback port nobody listened on a moment ago. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
