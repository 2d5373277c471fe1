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
package io.amberio.examples.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.amberio.cluster.testkit.EtcdServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's embedded cluster member runs, writes and reads through its blob store, and stops:
 * over the in-memory registry, and over a real etcd when one is installed. Run twice over the same
 * directory, the store keeps what the first run wrote.
 */
class EmbeddedMemberExampleTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void joinsWritesReadsAndStopsOverTheInMemoryRegistry() throws Exception {
    List<String> lines = run(dir.toString());
    assertThat(lines)
        .containsExactly(
            "node solo joined, ready: true", "wrote v1, read: hello, member", "stopped");
    assertThat(dir.resolve("disk-1").resolve("amberio-store.properties")).exists();
    assertThat(dir.resolve("disk-2").resolve("amberio-store.properties")).exists();

    // The store outlives the member: a second run finds version 1 and writes version 2.
    assertThat(run(dir.toString()))
        .containsExactly(
            "node solo joined, ready: true", "wrote v2, read: hello, member", "stopped");
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void joinsWritesReadsAndStopsOverEtcd() throws Exception {
    Path binary = EtcdServer.binary().orElse(null);
    assumeTrue(binary != null, "etcd is not installed");
    try (EtcdServer etcd = EtcdServer.start(binary)) {
      List<String> lines = run(dir.resolve("member").toString(), etcd.clientUrl().toString());
      assertThat(lines)
          .containsExactly(
              "node solo joined, ready: true", "wrote v1, read: hello, member", "stopped");
    }
  }

  /** Runs the example and returns its own lines (the console log shares System.out). */
  private static List<String> run(String... args) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      EmbeddedMemberExample.main(args);
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8)
        .lines()
        .filter(l -> !l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"))
        .toList();
  }
}
