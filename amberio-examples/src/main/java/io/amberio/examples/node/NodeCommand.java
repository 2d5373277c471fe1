package io.amberio.examples.node;

import picocli.CommandLine.Command;

/** TEMPORARY skeleton: the node helper replaces this file. */
@Command(name = "node", description = "Runs a node that serves the HTTP API.")
public final class NodeCommand implements Runnable {
  @Override
  public void run() {
    throw new IllegalStateException("under construction");
  }
}
