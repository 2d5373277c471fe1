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
 * The README's embedded cluster member runs, writes and reads through its blob store, and stops: over the
 * in-memory registry, and over a real etcd when one is installed. Run twice over the same directory, the
 * store keeps what the first run wrote.
 */
class EmbeddedMemberExampleTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void joinsWritesReadsAndStopsOverTheInMemoryRegistry() throws Exception {
    List<String> lines = run(dir.toString());
    assertThat(lines).containsExactly("node solo joined, ready: true", "wrote v1, read: hello, member", "stopped");
    assertThat(dir.resolve("disk-1").resolve("amberio-store.properties")).exists();
    assertThat(dir.resolve("disk-2").resolve("amberio-store.properties")).exists();

    // The store outlives the member: a second run finds version 1 and writes version 2.
    assertThat(run(dir.toString())).containsExactly("node solo joined, ready: true", "wrote v2, read: hello, member",
        "stopped");
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void joinsWritesReadsAndStopsOverEtcd() throws Exception {
    Path binary = EtcdServer.binary().orElse(null);
    assumeTrue(binary != null, "etcd is not installed");
    try (EtcdServer etcd = EtcdServer.start(binary)) {
      List<String> lines = run(dir.resolve("member").toString(), etcd.clientUrl().toString());
      assertThat(lines).containsExactly("node solo joined, ready: true", "wrote v1, read: hello, member", "stopped");
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
    return out.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> !l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"))
        .toList();
  }
}
