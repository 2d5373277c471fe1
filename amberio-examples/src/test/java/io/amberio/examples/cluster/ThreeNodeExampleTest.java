package io.amberio.examples.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The README's three-node example runs, writes through one node, reads through the others, and stops. */
class ThreeNodeExampleTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void runsWritesThroughOneNodeAndReadsThroughTheOthers() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      ThreeNodeExample.main(new String[] {dir.toString()});
    } finally {
      System.setOut(original);
    }
    // The console log shares System.out: keep the program's own lines.
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> !l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"))
        .toList();
    assertThat(lines).hasSize(6);
    assertThat(lines.get(0)).isEqualTo("started nodes [a, b, c], 64 slots, 3 replicas each");
    assertThat(lines.get(1)).matches("a wrote greetings/hello\\.txt v1 \\(slot \\d+, replicas \\[[abc], [abc], [abc]\\]\\)");
    assertThat(lines.get(2)).isEqualTo("b read greetings/hello.txt v1: hello, cluster");
    assertThat(lines.get(3)).isEqualTo("c read greetings/hello.txt v1: hello, cluster");
    assertThat(lines.get(4)).isEqualTo("c wrote v2, a read v2: hello again");
    assertThat(lines.get(5)).isEqualTo("stopped");
  }
}
