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
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The {@code node} command line: help and usage errors (no server is started by these tests). */
class NodeCommandTest {
  @TempDir Path dir;

  @Test
  void helpExplainsEveryOption() {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new AmberioMain());
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute("node", "--help")).isZero();
    assertThat(out.toString())
        .contains(
            "--data-dir",
            "--port",
            "--bind",
            "--node-id",
            "--slots",
            "--chunk-size",
            "--read-cache",
            "--max-open-slots",
            "--compression",
            "--max-blob-size",
            "--retention",
            "--gc-interval",
            "--min-free",
            "--max-header-size",
            "--idle-timeout",
            "--min-request-rate",
            "--drain-timeout",
            "--max-threads",
            "--max-connections",
            "--config")
        .contains(
            "Default: 7480",
            "Default: 127.0.0.1",
            "amberio-data",
            "Default: 5GiB",
            "Default: 24h",
            "zstd:LEVEL (1 to 19)",
            "Default: none");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--port|abc|--port",
        "--port|70000|--port",
        "--port|-1|--port",
        "--slots|0|--slots",
        "--slots|65537|--slots",
        "--slots|many|--slots",
        "--chunk-size|1KiB|--chunk-size",
        "--chunk-size|1GiB|--chunk-size",
        "--chunk-size|4XB|--chunk-size",
        "--read-cache|-1|--read-cache",
        "--read-cache|lots|--read-cache",
        "--max-open-slots|0|--max-open-slots must be 1 to 65536, was 0",
        "--max-open-slots|65537|--max-open-slots",
        "--max-open-slots|some|--max-open-slots",
        "--compression|gzip|'gzip' is not a compression: use none, lz4, zstd or zstd:LEVEL (1 to 19)",
        "--compression|zstd:0|'zstd:0' has no zstd level from 1 to 19",
        "--compression|zstd:20|--compression",
        "--compression|lz4:1|--compression",
        "--max-blob-size|-5|--max-blob-size",
        "--max-blob-size|99999999999TiB|--max-blob-size",
        "--retention|forever|--retention",
        "--retention|-1h|--retention",
        "--retention|PT-1H|--retention",
        "--idle-timeout|0s|--idle-timeout",
        "--max-header-size|100|--max-header-size",
        "--node-id|has space|--node-id",
        "--max-threads|1|--max-threads",
        "--min-request-rate|fast|--min-request-rate",
      })
  void badValuesAreUsageErrorsNamingTheOption(String option, String value, String named) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AmberioMain());
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute("node", "--data-dir", dir.resolve("data").toString(), option, value);
    assertThat(exit).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).contains(named);
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void aDataDirThatIsAFileIsAUsageError() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AmberioMain());
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("node", "--data-dir", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--data-dir");
  }

  @Test
  void aBadConfigFileIsOneLineOnStderrWithExitCode2AndStartsNothing() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("node.json"),
            """
        {"nodeId": "solo", "httpListen": "127.0.0.1:0", "clusterListen": "127.0.0.1:0", "dataDirs": ["data"],
         "cluster": {"slots": 16, "replicationFactor": 1, "nodes": [{"id": "solo", "address": "127.0.0.1"}]},
         "registry": {"memory": true}}
        """);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AmberioMain());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("node", "--config", config.toString())).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            "Invalid config file "
                + config
                + ": cluster.nodes[0].address: expected host:port, was '127.0.0.1'");
    assertThat(out.toString()).isEmpty();
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void aMissingConfigFileIsOneLineOnStderrWithExitCode2() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AmberioMain());
    cli.setErr(new PrintWriter(err));
    Path missing = dir.resolve("missing.json");
    assertThat(cli.execute("node", "--config", missing.toString())).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly("Invalid config file " + missing + ": no such file");
  }

  @ParameterizedTest
  @CsvSource({"--data-dir,x", "--port,7000", "--bind,0.0.0.0", "--node-id,n1", "--slots,16"})
  void optionsTheConfigFileSetsCannotBeCombinedWithIt(String option, String value)
      throws Exception {
    Path config = Files.writeString(dir.resolve("node.json"), "{}");
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AmberioMain());
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("node", "--config", config.toString(), option, value)).isEqualTo(2);
    assertThat(err.toString()).contains(option + " cannot be combined with --config");
  }
}
