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

import io.amberio.examples.AmberioMain;
import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A node ({@code amberio node}) in a child process: the same java binary as the bench, the bench's
 * own class path (its jar, or the test class path), the JVM options the caller gives and otherwise
 * the node's defaults, its output appended to a log file. Used by the footprint section, which
 * measures the memory of a real node process.
 */
final class NodeProcess implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final Duration STOP = Duration.ofSeconds(30);
  private static final int LOG_LINES = 20;

  private final Process process;
  private final Path logFile;
  private final InetSocketAddress address;
  private final long healthyNanos;

  private NodeProcess(Process process, Path logFile, InetSocketAddress address, long healthyNanos) {
    this.process = process;
    this.logFile = logFile;
    this.address = address;
    this.healthyNanos = healthyNanos;
  }

  /** The java binary of this process, else {@code java.home}'s. */
  static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** This process's class path with absolute entries, so that the child finds it from anywhere. */
  static String classPath() {
    List<String> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!e.isEmpty()) {
        entries.add(Path.of(e).toAbsolutePath().toString());
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  /**
   * Starts a node over {@code dataDir} on a free loopback port and waits for the first 200 from
   * {@code GET /health}. A port taken between choosing it and the node binding it fails the start,
   * so a node that exits before it is healthy is started again (three attempts); the time to
   * healthy is the attempt's own.
   *
   * @param nodeOptions more {@code node} options, after {@code --data-dir} and {@code --port}
   * @param started told each child process as it starts, before it is healthy (to kill it at exit)
   */
  static NodeProcess start(
      Path dataDir,
      Path logFile,
      List<String> jvmOptions,
      List<String> nodeOptions,
      java.util.function.Consumer<Process> started)
      throws IOException, InterruptedException {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = LocalEtcd.freePort();
      List<String> command = new ArrayList<>();
      command.add(javaBinary());
      command.addAll(jvmOptions);
      command.addAll(
          List.of(
              "-cp",
              classPath(),
              AmberioMain.class.getName(),
              "node",
              "--data-dir",
              dataDir.toString(),
              "--port",
              String.valueOf(port)));
      command.addAll(nodeOptions);
      Files.writeString(
          logFile,
          "== " + String.join(" ", command) + System.lineSeparator(),
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      long begin = System.nanoTime();
      Process process =
          new ProcessBuilder(command)
              .directory(logFile.getParent().toFile())
              .redirectErrorStream(true)
              .redirectOutput(Redirect.appendTo(logFile.toFile()))
              .start();
      started.accept(process);
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
      try {
        long healthy = awaitHealthy(process, address, logFile) - begin;
        return new NodeProcess(process, logFile, address, healthy);
      } catch (IOException e) {
        kill(process);
        last = e;
      } catch (InterruptedException | RuntimeException e) {
        kill(process);
        throw e;
      }
    }
    throw last;
  }

  /** Polls {@code GET /health} every 5 ms; returns {@link System#nanoTime()} of the first 200. */
  private static long awaitHealthy(Process process, InetSocketAddress address, Path logFile)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    try (HttpConnection health = new HttpConnection(address, 64 << 10)) {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IOException(
              "the node exited with " + process.exitValue() + ":\n" + log(logFile));
        }
        try {
          health.get("/health");
          return System.nanoTime();
        } catch (IOException notYet) {
          health.close(); // not listening yet, or not ready (503)
        }
        Thread.sleep(5);
      }
    }
    throw new IOException("the node was not healthy within " + STARTUP + ":\n" + log(logFile));
  }

  /** Where the node listens. */
  InetSocketAddress address() {
    return address;
  }

  /** From starting the process to the first 200 from {@code GET /health}, in nanoseconds. */
  long healthyNanos() {
    return healthyNanos;
  }

  long pid() {
    return process.pid();
  }

  /** The last lines the node printed. */
  String log() {
    return log(logFile);
  }

  /** The last lines of a node's log file. */
  static String log(Path logFile) {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /**
   * The node's resident memory now and its peak ({@code VmRSS} and {@code VmHWM} of {@code
   * /proc/PID/status}), or null where there is no {@code /proc}.
   */
  Memory memory() {
    return Memory.of(process.pid());
  }

  /** Resident set size and its high-water mark, in bytes. */
  record Memory(long rss, long hwm) {
    static Memory of(long pid) {
      try {
        long rss = -1;
        long hwm = -1;
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
          if (line.startsWith("VmRSS:")) {
            rss = kib(line);
          } else if (line.startsWith("VmHWM:")) {
            hwm = kib(line);
          }
        }
        return rss < 0 ? null : new Memory(rss, hwm);
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    private static long kib(String line) {
      return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
    }
  }

  /**
   * Stops the node as an operator would (SIGTERM: it drains and closes its store), and kills it if
   * it has not exited within 30 s; returns its exit code (-1 when it had to be killed).
   */
  int stop() throws InterruptedException {
    process.destroy();
    if (process.waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS)) {
      return process.exitValue();
    }
    kill(process);
    return -1;
  }

  /** Kills the node (SIGKILL) unless it has exited. */
  @Override
  public void close() {
    kill(process);
  }

  static void kill(Process process) {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
