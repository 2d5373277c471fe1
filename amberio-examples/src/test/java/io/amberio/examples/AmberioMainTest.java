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
package io.amberio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code amberio node ...} is parsed by a command line that knows only the node's subcommand (it
 * starts faster): it must answer exactly as the full command line does.
 */
class AmberioMainTest {

  private record Outcome(int code, String out, String err) {}

  private static Outcome run(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "node --help",
        "node --version",
        "node --bogus",
        "node --port nope",
        "node --data-dir",
        "node --read-cache 12XB --data-dir /nonexistent/amberio-test"
      })
  void theNodeAloneAnswersAsTheFullCommandLine(String line) {
    String[] args = line.split(" ");
    assertThat((Object) AmberioMain.commandLine(args).getCommand())
        .isInstanceOf(AmberioMain.NodeOnly.class);
    Outcome fast = run(AmberioMain.commandLine(args), args);
    Outcome full = run(new CommandLine(new AmberioMain()), args);
    assertThat(fast).isEqualTo(full);
  }

  @ParameterizedTest
  @CsvSource({"bench", "cluster", "--help", "help"})
  void everythingElseGetsTheFullCommandLine(String first) {
    assertThat((Object) AmberioMain.commandLine(new String[] {first}).getCommand())
        .isInstanceOf(AmberioMain.class);
  }

  @org.junit.jupiter.api.Test
  void noArgumentsGetTheFullCommandLine() {
    assertThat((Object) AmberioMain.commandLine(new String[0]).getCommand())
        .isInstanceOf(AmberioMain.class);
  }
}
