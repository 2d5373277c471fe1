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

import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.examples.AmberioMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code amberio node ...} in a child JVM (this test run's class path), for the tests that need a
 * real process: signals, exit codes, and a store that must survive the JVM going away. Its merged
 * stdout and stderr are collected line by line, so a test can wait for a log line and show
 * everything when it fails. Use it in try-with-resources so that the process never outlives its
 * test.
 */
final class NodeProcess implements AutoCloseable {
  private static final Pattern SERVING = Pattern.compile("serving (http://\\S+)");

  private final Process process;
  private final List<String> output = Collections.synchronizedList(new ArrayList<>());

  private NodeProcess(Process process) {
    this.process = process;
  }

  /**
   * Starts {@code amberio node <args>} with at most {@code maxHeap} (a {@code -Xmx} value) of heap.
   */
  static NodeProcess start(String maxHeap, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap,
                "-cp",
                System.getProperty("java.class.path"),
                AmberioMain.class.getName(),
                "node"));
    command.addAll(List.of(args));
    NodeProcess node =
        new NodeProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    // Drain the output all the time: a child that fills its pipe would block on its next log line.
    CompletableFuture.runAsync(
        () -> {
          try (BufferedReader reader =
              new BufferedReader(
                  new InputStreamReader(node.process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l = reader.readLine(); l != null; l = reader.readLine()) {
              node.output.add(l);
            }
          } catch (IOException e) {
            node.output.add("<output closed: " + e + ">");
          }
        });
    return node;
  }

  Process process() {
    return process;
  }

  /**
   * Every line so far (a synchronized list: its {@code toString} is safe in assertion messages).
   */
  List<String> output() {
    return output;
  }

  /**
   * The first line containing {@code fragment}, waiting up to 30 s for it. Once the process has
   * exited (and half a second has passed for the reader to catch its last lines) no line can come
   * any more.
   */
  String awaitLine(String fragment) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      synchronized (output) {
        for (String line : output) {
          if (line.contains(fragment)) {
            return line;
          }
        }
      }
      if (!process.isAlive() && i > 10) {
        break;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no line with '" + fragment + "' in " + output);
  }

  /** The base URI from the node's "serving http://..." line, once it logged it. */
  URI awaitServing() throws InterruptedException {
    String line = awaitLine("serving");
    Matcher m = SERVING.matcher(line);
    assertThat(m.find()).as(line).isTrue();
    return URI.create(m.group(1));
  }

  /** Kills the process if it still runs: a test that failed midway must not leave it behind. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
