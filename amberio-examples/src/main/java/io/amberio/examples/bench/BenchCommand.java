package io.amberio.examples.bench;

import picocli.CommandLine.Command;

/** TEMPORARY skeleton: the bench helper replaces this file. */
@Command(name = "bench", description = "Measures the store against the disk's own limits.")
public final class BenchCommand implements Runnable {
  @Override
  public void run() {
    throw new IllegalStateException("under construction");
  }
}
