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
 * The README's three-node example runs, writes through one node, reads through the others, and
 * stops.
 */
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
    List<String> lines =
        out.toString(StandardCharsets.UTF_8)
            .lines()
            .filter(l -> !l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"))
            .toList();
    assertThat(lines).hasSize(6);
    assertThat(lines.get(0)).isEqualTo("started nodes [a, b, c], 64 slots, 3 replicas each");
    assertThat(lines.get(1))
        .matches(
            "a wrote greetings/hello\\.txt v1 \\(slot \\d+, replicas \\[[abc], [abc], [abc]\\]\\)");
    assertThat(lines.get(2)).isEqualTo("b read greetings/hello.txt v1: hello, cluster");
    assertThat(lines.get(3)).isEqualTo("c read greetings/hello.txt v1: hello, cluster");
    assertThat(lines.get(4)).isEqualTo("c wrote v2, a read v2: hello again");
    assertThat(lines.get(5)).isEqualTo("stopped");
  }
}
