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
package io.amberio.examples.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.amberio.examples.AmberioMain;
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
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: a real etcd ({@code /usr/bin/etcd}) and N {@code amberio node --config} JVM
 * processes over loopback, each with its config file, data directory and log file under one
 * directory. Nodes are numbered from 1 ({@code n1}, {@code n2}, ...). Nodes can be started again
 * from the same config and data directory, killed (SIGKILL), frozen (SIGSTOP) and resumed
 * (SIGCONT).
 */
final class EtcdCluster implements AutoCloseable {
  static final Path ETCD = Path.of("/usr/bin/etcd");

  private static final HttpClient PROBE =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private final Path dir;
  private final int size;
  private final int slots;
  private final String timings;
  private final List<Process> processes = new ArrayList<>();
  private final List<Process> previous = new ArrayList<>();
  private final List<Integer> httpPorts = new ArrayList<>();
  private final List<Http> http = new ArrayList<>();
  private Process etcd;
  private final List<String> clusterAddresses = new ArrayList<>();
  private String client;

  /**
   * @param timings the JSON object of the config's {@code timings}, e.g. {@code {"leaseTtlMs":
   *     2000}}
   */
  EtcdCluster(Path dir, int size, int slots, String timings) {
    this.dir = dir;
    this.size = size;
    this.slots = slots;
    this.timings = timings;
  }

  static boolean etcdInstalled() {
    return Files.isExecutable(ETCD);
  }

  /**
   * Starts etcd and writes the configs and secret; then starts every node (without waiting for
   * them).
   */
  EtcdCluster start() throws IOException {
    int clientPort = freePort();
    int peerPort = freePort();
    client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    etcd =
        new ProcessBuilder(
                ETCD.toString(),
                "--name",
                "t",
                "--data-dir",
                dir.resolve("etcd").toString(),
                "--listen-client-urls",
                client,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                peer,
                "--initial-advertise-peer-urls",
                peer,
                "--initial-cluster",
                "t=" + peer,
                "--log-level",
                "warn")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("etcd.log").toFile())
            .start();

    Files.writeString(dir.resolve("secret"), "a shared secret of more than 16 bytes\n");
    List<String> nodeEntries = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      httpPorts.add(freePort());
      clusterAddresses.add("127.0.0.1:" + freePort());
      nodeEntries.add(
          "{\"id\": \"n" + i + "\", \"address\": \"" + clusterAddresses.get(i - 1) + "\"}");
    }
    String nodes = String.join(", ", nodeEntries);
    for (int i = 1; i <= size; i++) {
      writeConfig(i, nodes);
    }
    for (int i = 1; i <= size; i++) {
      startNode(i);
    }
    return this;
  }

  /**
   * Writes the config of one more node, n{@code size + k}, whose bootstrap topology lists every
   * node so far and itself (a cluster whose topology changed follows the registry's, not this);
   * does not start it. Returns its number and its cluster address.
   */
  Map.Entry<Integer, String> addSpare() throws IOException {
    int i = processes.size() + 1;
    httpPorts.add(freePort());
    clusterAddresses.add("127.0.0.1:" + freePort());
    List<String> nodeEntries = new ArrayList<>();
    for (int k = 1; k <= i; k++) {
      nodeEntries.add(
          "{\"id\": \"n" + k + "\", \"address\": \"" + clusterAddresses.get(k - 1) + "\"}");
    }
    writeConfig(i, String.join(", ", nodeEntries));
    return Map.entry(i, clusterAddresses.get(i - 1));
  }

  /** Writes node {@code i}'s config with the topology {@code nodes}, and makes room for it. */
  private void writeConfig(int i, String nodes) throws IOException {
    Files.writeString(
        config(i),
        """
        {"nodeId": "n%d", "httpListen": "127.0.0.1:%d", "clusterListen": "%s", "dataDirs": ["data-%d"],
         "cluster": {"slots": %d, "nodes": [%s]},
         "registry": {"etcd": ["%s"]}, "secretFile": "secret", "timings": %s}
        """
            .formatted(
                i,
                httpPorts.get(i - 1),
                clusterAddresses.get(i - 1),
                i,
                slots,
                nodes,
                client,
                timings));
    processes.add(null);
    http.add(new Http(URI.create("http://127.0.0.1:" + httpPorts.get(i - 1))));
  }

  /** The cluster secret file every node's config names. */
  Path secretFile() {
    return dir.resolve("secret");
  }

  Path config(int i) {
    return dir.resolve("n" + i + ".json");
  }

  Path log(int i) {
    return dir.resolve("n" + i + ".log");
  }

  int size() {
    return size;
  }

  int slots() {
    return slots;
  }

  URI uri(int i) {
    return URI.create("http://127.0.0.1:" + httpPorts.get(i - 1));
  }

  Http http(int i) {
    return http.get(i - 1);
  }

  Process process(int i) {
    return processes.get(i - 1);
  }

  /**
   * Starts node {@code i} from its config (and so its data directory); its output is appended to
   * its log file, after a line marking the start.
   */
  Process startNode(int i) throws IOException {
    Process old = processes.get(i - 1);
    if (old != null) {
      if (old.isAlive()) {
        throw new IllegalStateException("n" + i + " is still running");
      }
      previous.add(old);
    }
    Files.writeString(
        log(i),
        "----- test: starting n" + i + " at " + LocalTime.now() + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            AmberioMain.class.getName(),
            "node",
            "--config",
            config(i).toString()));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log(i).toFile()))
            .start();
    processes.set(i - 1, p);
    return p;
  }

  /**
   * SIGKILL (on Linux {@link Process#destroyForcibly()} is SIGKILL), and waits until it is gone.
   */
  void kill(int i) throws InterruptedException {
    Process p = process(i);
    p.destroyForcibly();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("n" + i + " did not die of SIGKILL within 30 s");
    }
  }

  /** SIGSTOP: the process freezes; its sockets stay open. */
  void freeze(int i) throws IOException, InterruptedException {
    signal(i, "STOP");
  }

  /** SIGCONT. */
  void resume(int i) throws IOException, InterruptedException {
    signal(i, "CONT");
  }

  private void signal(int i, String signal) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(process(i).pid()))
            .redirectErrorStream(true)
            .start();
    String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -" + signal + " " + process(i).pid() + " failed: " + out);
    }
  }

  /** Waits until {@code GET /health} of node {@code i} answers 200. */
  void awaitHealthy(int i, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<Void> r =
            PROBE.send(
                HttpRequest.newBuilder(URI.create(uri(i) + "/health"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (!process(i).isAlive()) {
        throw new AssertionError(
            "node n"
                + i
                + " exited with "
                + process(i).exitValue()
                + " before it became healthy:\n"
                + tail(i, 60));
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "node n" + i + " did not become healthy within " + timeout + ":\n" + tail(i, 60));
  }

  /**
   * Waits until every node of {@code askWhom} shows, in {@code GET /slots/{id}}, all {@code size}
   * replicas in sync and no learner, for every slot. Returns how long it took.
   */
  Duration awaitAllInSync(List<Integer> askWhom, Duration timeout) throws Exception {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = notInSync(askWhom);
      if (last.isEmpty()) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "not every replica in sync within " + timeout + ": " + last + "\n" + tails(40));
  }

  /** Which slots, as seen by which node, are not fully in sync; empty when all are. */
  String notInSync(List<Integer> askWhom) {
    StringBuilder out = new StringBuilder();
    for (int i : askWhom) {
      for (int s = 0; s < slots; s++) {
        try {
          HttpResponse<byte[]> r =
              PROBE.send(
                  HttpRequest.newBuilder(URI.create(uri(i) + "/slots/" + s))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
          if (r.statusCode() != 200) {
            out.append("n")
                .append(i)
                .append(" /slots/")
                .append(s)
                .append(": ")
                .append(r.statusCode())
                .append("; ");
            break;
          }
          JsonNode slot = TestNode.json(r);
          TreeSet<String> inSync = new TreeSet<>();
          slot.path("inSync").forEach(n -> inSync.add(n.asText()));
          if (inSync.size() != size || !slot.path("learners").isEmpty()) {
            out.append("n")
                .append(i)
                .append(" slot ")
                .append(s)
                .append(": inSync ")
                .append(inSync)
                .append(" learners ")
                .append(slot.path("learners"))
                .append(" epoch ")
                .append(slot.path("epoch"))
                .append("; ");
          }
        } catch (IOException e) {
          out.append("n").append(i).append(": ").append(e).append("; ");
          break;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
    return out.toString();
  }

  /** The slots' in-sync sets as node {@code i} sees them. */
  List<List<String>> inSyncSets(int i) {
    List<List<String>> out = new ArrayList<>();
    for (int s = 0; s < slots; s++) {
      List<String> names = new ArrayList<>();
      http(i).json("/slots/" + s).path("inSync").forEach(n -> names.add(n.asText()));
      out.add(names);
    }
    return out;
  }

  /** The last {@code lines} lines of node {@code i}'s log (every start of it). */
  String tail(int i, int lines) {
    return tail(log(i), "n" + i, lines);
  }

  /** The tails of every node's log and of etcd's. */
  String tails(int lines) {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= size; i++) {
      b.append(tail(i, lines));
    }
    b.append(tail(dir.resolve("etcd.log"), "etcd", Math.min(lines, 15)));
    return b.toString();
  }

  private static String tail(Path file, String name, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return "----- last "
          + Math.min(lines, all.size())
          + " of "
          + all.size()
          + " lines of "
          + name
          + "'s log ("
          + file
          + "):\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()))
          + "\n";
    } catch (IOException | UncheckedIOException e) {
      return "----- " + name + "'s log " + file + " unreadable: " + e + "\n";
    }
  }

  /** Copies the node and etcd logs to {@code target}, so they outlive the temporary directory. */
  void keepLogs(Path target) {
    try {
      Files.createDirectories(target);
      for (int i = 1; i <= size; i++) {
        if (Files.exists(log(i))) {
          Files.copy(log(i), target.resolve("n" + i + ".log"), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Path etcdLog = dir.resolve("etcd.log");
      if (Files.exists(etcdLog)) {
        Files.copy(etcdLog, target.resolve("etcd.log"), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      System.err.println("could not keep the logs in " + target + ": " + e);
    }
  }

  /**
   * Kills everything still running (resuming frozen nodes does not matter: SIGKILL ends a stopped
   * process).
   */
  @Override
  public void close() {
    List<Process> all = new ArrayList<>(processes);
    all.addAll(previous);
    for (Process p : all) {
      if (p != null && p.isAlive()) {
        p.destroyForcibly();
      }
    }
    for (Process p : all) {
      if (p != null) {
        try {
          p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    if (etcd != null) {
      etcd.destroyForcibly();
      try {
        etcd.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Ports handed out in this JVM: the kernel may offer a port again once its socket is closed. */
  private static final java.util.Set<Integer> GIVEN =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * A free loopback port, never one handed out before in this JVM (two nodes given the same port
   * would answer for each other: a test once took n1's /health for n3's).
   */
  static int freePort() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        if (GIVEN.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      }
    }
  }
}
