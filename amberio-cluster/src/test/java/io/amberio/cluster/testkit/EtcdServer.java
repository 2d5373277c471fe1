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
package io.amberio.cluster.testkit;

import java.io.File;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real, single-member etcd for tests, started from the etcd-server binary: it listens on free
 * loopback ports, keeps its data and log in a fresh temp directory, is checked healthy before
 * {@link #start} returns, can be frozen with {@link #pause()}, and is killed (its directory
 * deleted) on {@link #close()}. Short heartbeat and election timeouts make etcd's minimum lease TTL
 * under one second.
 */
public final class EtcdServer implements AutoCloseable {

  /** Set to {@code true} to skip the etcd tests on a machine without etcd. */
  public static final String SKIP_PROPERTY = "amberio.etcd.skip";

  private static final Duration STARTUP = Duration.ofSeconds(30);

  /** How many lines of etcd's log an error carries. */
  private static final int LOG_LINES = 20;

  private final Process process;
  private final Path logFile;
  private final URI clientUrl;
  private final Path dir;

  private EtcdServer(Process process, Path logFile, URI clientUrl, Path dir) {
    this.process = process;
    this.logFile = logFile;
    this.clientUrl = clientUrl;
    this.dir = dir;
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
   * Starts etcd in a fresh temp directory and waits until it reports healthy. A port taken between
   * choosing it and etcd binding it fails the start, so it is retried (three attempts).
   */
  public static EtcdServer start(Path binary) throws IOException, InterruptedException {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      Path dir = Files.createTempDirectory("amberio-etcd-");
      try {
        return startOnce(binary, dir);
      } catch (IOException e) {
        deleteTree(dir);
        last = e;
      } catch (RuntimeException | InterruptedException e) {
        deleteTree(dir);
        throw e;
      }
    }
    throw last;
  }

  private static EtcdServer startOnce(Path binary, Path dir)
      throws IOException, InterruptedException {
    int clientPort = freePort();
    int peerPort = freePort();
    while (peerPort == clientPort) {
      peerPort = freePort();
    }
    String name = "amberio-test";
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
                name + "-" + clientPort,
                "--heartbeat-interval",
                "50",
                "--election-timeout",
                "500",
                "--logger",
                "zap",
                "--log-level",
                "warn"));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile())
            .start();
    EtcdServer etcd = new EtcdServer(process, logFile, URI.create(client), dir);
    try {
      etcd.awaitHealthy();
      return etcd;
    } catch (IOException | RuntimeException | InterruptedException e) {
      etcd.stop();
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

  /** Freezes the etcd process (SIGSTOP): it keeps its connections but answers nothing. */
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** Lets a paused etcd run again (SIGCONT). */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** Stops etcd (SIGTERM, then SIGKILL after 10 s) and deletes its directory (data and log). */
  @Override
  public void close() {
    stop();
    deleteTree(dir);
  }

  private void stop() {
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

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
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
