package io.amberio.examples;

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
    subcommands = {NodeCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class AmberioMain implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new AmberioMain()).execute(args));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: node or bench");
  }
}
