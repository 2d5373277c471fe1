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

import io.amberio.examples.admin.ClusterCommand;
import io.amberio.examples.bench.BenchCommand;
import io.amberio.examples.node.NodeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code amberio} command line: {@code node} serves the HTTP API, {@code bench} measures. */
@Command(
    name = "amberio",
    mixinStandardHelpOptions = true,
    version = "amberio 0.1.0",
    description = "Amberio: a strongly consistent, versioned blob store for edge clusters.",
    subcommands = {
      NodeCommand.class,
      ClusterCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class AmberioMain implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine(args).execute(args));
  }

  /**
   * The command line for {@code args}. Building picocli's model of every subcommand (the cluster
   * administration and the bench have dozens of options) took about a third of a second of a node's
   * start, so {@code amberio node ...} builds only the node's.
   */
  static CommandLine commandLine(String[] args) {
    if (args.length > 0 && args[0].equals("node")) {
      return new CommandLine(new NodeOnly()).addSubcommand(new NodeCommand());
    }
    return new CommandLine(new AmberioMain());
  }

  /** The root of {@code amberio node ...}: the same name, version and help as the full one. */
  @Command(
      name = "amberio",
      mixinStandardHelpOptions = true,
      version = "amberio 0.1.0",
      description = "Amberio: a strongly consistent, versioned blob store for edge clusters.")
  static final class NodeOnly implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required: node, cluster or bench");
  }
}
