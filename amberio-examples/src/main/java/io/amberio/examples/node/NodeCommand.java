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

import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreBuilder;
import io.amberio.core.BlobStoreException;
import io.amberio.core.Compression;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code amberio node}: opens a store and serves the HTTP API until the process is told to stop.
 *
 * <p>On SIGTERM or SIGINT a shutdown hook stops the server (requests in flight finish, up to the
 * drain timeout), then closes the store, then ends the process with status 0 if both went cleanly
 * and 1 otherwise: without that last step a JVM stopped by SIGTERM reports 143 whatever happened. A
 * bad option value is a usage error with exit code 2; a store or port that cannot be opened ends
 * the command with exit code 1.
 *
 * <p>With {@code --config FILE} the node is a member of a cluster instead ({@link ConfigFile}
 * describes the file): the file gives its id, addresses, data directories, topology, registry and
 * secret, so {@code --data-dir}, {@code --port}, {@code --bind}, {@code --node-id} and {@code
 * --slots} may not be given with it; the other options still apply. A file that breaks a rule is
 * reported in one line on stderr, naming the field, with exit code 2, and nothing starts. SIGTERM
 * drains the HTTP server, leaves the cluster and closes the transport, the registry client and the
 * store ({@link ClusterMemberServer#stop()}).
 */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Runs a single Amberio node: serves the HTTP API (objects, listing, /health, /nodes, /slots/{id},"
          + " /metrics) over a local store that holds every slot.",
      "With --config FILE, runs a member of a cluster described by the JSON file instead (see the README).",
      "Sizes take binary units (64KiB, 4MiB, 5GiB); durations take ms, s, m, h or d (30s, 24h)."
    })
public final class NodeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(NodeCommand.class);

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Run as a cluster member configured by this JSON file (node id, listen addresses, data directories,"
              + " cluster nodes, registry, secret file); replaces --data-dir, --port, --bind, --node-id and --slots.")
  Path config;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "./amberio-data",
      description =
          "A data directory (a disk); repeat the option for several disks. Created if missing. Default: ${DEFAULT-VALUE}.")
  List<Path> dataDirs;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "7480",
      description = "TCP port to listen on; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description = "Address to listen on; 0.0.0.0 for every interface. Default: ${DEFAULT-VALUE}.")
  String bind;

  @Option(
      names = "--node-id",
      paramLabel = "ID",
      description =
          "Node id reported by /health and /nodes (A-Z a-z 0-9 . _ : - [ ], up to 128). Default: host:port.")
  String nodeId;

  @Option(
      names = "--slots",
      paramLabel = "N",
      defaultValue = "2048",
      description =
          "Number of slots, 1 to 65536; fixed when the store is created. Default: ${DEFAULT-VALUE}.")
  int slots;

  @Option(
      names = "--chunk-size",
      paramLabel = "SIZE",
      defaultValue = "4MiB",
      converter = CliValues.SizeConverter.class,
      description = "Chunk size of stored blobs, 64KiB to 64MiB. Default: ${DEFAULT-VALUE}.")
  long chunkSize;

  @Option(
      names = "--read-cache",
      paramLabel = "SIZE",
      converter = CliValues.SizeConverter.class,
      description =
          "Heap the read cache may hold (metadata and small blobs); 0 disables it."
              + " Default: 1/8 of the maximum heap, at most 64MiB.")
  Long readCache;

  @Option(
      names = "--max-open-slots",
      paramLabel = "N",
      description =
          "Slots kept open at once, 1 to 65536; each costs about 200-300 KiB of native memory (its"
              + " SQLite connection), and opening a closed one about 0.5-1 ms. Bounds memory however"
              + " many slots are touched. Default: "
              + BlobStoreBuilder.DEFAULT_MAX_OPEN_SLOTS
              + " (every slot, up to that many slots).")
  Integer maxOpenSlots;

  @Option(
      names = "--compression",
      paramLabel = "CODEC",
      defaultValue = "none",
      converter = CliValues.CompressionConverter.class,
      description =
          "How new chunk files are compressed: none, lz4, zstd (level 3) or zstd:LEVEL (1 to 19). Each chunk on its"
              + " own and only when it saves space (random or already compressed data stays raw); chunks written"
              + " with any setting stay readable, so it may change between starts. Default: ${DEFAULT-VALUE}.")
  Compression compression;

  @Option(
      names = "--max-blob-size",
      paramLabel = "SIZE",
      defaultValue = "5GiB",
      converter = CliValues.SizeConverter.class,
      description = "Largest blob a PUT may store; larger ones get 413. Default: ${DEFAULT-VALUE}.")
  long maxBlobSize;

  @Option(
      names = "--retention",
      paramLabel = "DURATION",
      defaultValue = "24h",
      converter = CliValues.DurationConverter.class,
      description =
          "How long tombstones and delete markers are kept before garbage collection. Default: ${DEFAULT-VALUE}.")
  Duration retention;

  @Option(
      names = "--gc-interval",
      paramLabel = "DURATION",
      defaultValue = "1h",
      converter = CliValues.DurationConverter.class,
      description = "How often garbage collection runs; 0 disables it. Default: ${DEFAULT-VALUE}.")
  Duration gcInterval;

  @Option(
      names = "--min-free",
      paramLabel = "SIZE",
      defaultValue = "64MiB",
      converter = CliValues.SizeConverter.class,
      description =
          "Free space each disk keeps; writes that would eat into it get 507. Default: ${DEFAULT-VALUE}.")
  long minFree;

  @Option(
      names = "--max-header-size",
      paramLabel = "SIZE",
      defaultValue = "16KiB",
      converter = CliValues.SizeConverter.class,
      description =
          "Largest request line plus headers, 1KiB to 1MiB; larger ones get 431. Default: ${DEFAULT-VALUE}.")
  long maxHeaderSize;

  @Option(
      names = "--idle-timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = CliValues.DurationConverter.class,
      description =
          "How long a connection may stay silent before it is closed. Default: ${DEFAULT-VALUE}.")
  Duration idleTimeout;

  @Option(
      names = "--min-request-rate",
      paramLabel = "SIZE",
      defaultValue = "256",
      converter = CliValues.SizeConverter.class,
      description =
          "Slowest average rate, in bytes per second, at which a request body may arrive; 0 disables. Default: ${DEFAULT-VALUE}.")
  long minRequestRate;

  @Option(
      names = "--drain-timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = CliValues.DurationConverter.class,
      description =
          "On SIGTERM, how long requests in flight may take to finish. Default: ${DEFAULT-VALUE}.")
  Duration drainTimeout;

  @Option(
      names = "--max-threads",
      paramLabel = "N",
      defaultValue = "200",
      description =
          "Most requests served at once (one thread each), 8 to 10000. Default: ${DEFAULT-VALUE}.")
  int maxThreads;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      defaultValue = "1024",
      description = "Most open connections; more wait to be accepted. Default: ${DEFAULT-VALUE}.")
  int maxConnections;

  /** Opens the store, serves it until the process is stopped, and returns the exit code. */
  @Override
  public Integer call() throws InterruptedException {
    if (config != null) {
      return runClusterMember();
    }
    BlobStoreBuilder builder = storeBuilder();
    ServerOptions options = serverOptions();

    BlobStore store;
    try {
      store = builder.build();
    } catch (BlobStoreException e) {
      LOG.error("Cannot open the store in {}: {}", dataDirs, e.getMessage());
      return 1;
    }
    AmberioServer server;
    try {
      server = AmberioServer.start(store, options);
    } catch (IOException | RuntimeException e) {
      LOG.error("Cannot listen on {}:{}: {}", bind, port, e.toString());
      store.close();
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, store), "amberio-shutdown"));
    server.join();
    return 0;
  }

  /**
   * Runs in the shutdown hook: drain, close the store, and end the process with a status that says
   * how.
   */
  private static void stop(AmberioServer server, BlobStore store) {
    boolean clean = true;
    LOG.info("Stopping: draining requests in flight");
    try {
      server.close();
    } catch (RuntimeException e) {
      clean = false;
      LOG.error("Stopping the server failed", e);
    }
    try {
      store.close();
      LOG.info("Store closed; stopped");
    } catch (RuntimeException e) {
      clean = false;
      LOG.error("Closing the store failed", e);
    }
    Runtime.getRuntime().halt(clean ? 0 : 1);
  }

  /** {@code --config}: checks the file, starts the member, serves until the process is stopped. */
  private int runClusterMember() throws InterruptedException {
    for (String replaced : List.of("--data-dir", "--port", "--bind", "--node-id", "--slots")) {
      if (spec.commandLine().getParseResult().hasMatchedOption(replaced)) {
        throw usage(replaced + " cannot be combined with --config: the config file sets it");
      }
    }
    ServerOptions options = serverOptions();
    storeOptions(BlobStore.builder());
    NodeConfig parsed;
    try {
      parsed = ConfigFile.load(config);
    } catch (ConfigFile.ConfigException e) {
      spec.commandLine().getErr().println("Invalid config file " + config + ": " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 2;
    }
    ClusterMemberServer member;
    try {
      member = ClusterMemberServer.start(parsed, this::storeOptions, options);
    } catch (ClusterMemberServer.StartException e) {
      LOG.error("{}", e.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(member), "amberio-shutdown"));
    member.join();
    return 0;
  }

  /** Runs in the shutdown hook of a cluster member: drain, leave, close, and end the process. */
  private static void stop(ClusterMemberServer member) {
    LOG.info("Stopping: draining requests in flight");
    boolean clean = member.stop();
    LOG.info("Left the cluster; store closed; stopped");
    Runtime.getRuntime().halt(clean ? 0 : 1);
  }

  /**
   * The store options every mode takes from the command line (not the data directories or slot
   * count).
   */
  private BlobStoreBuilder storeOptions(BlobStoreBuilder builder) {
    check(
        chunkSize >= 64 << 10 && chunkSize <= 64 << 20,
        "--chunk-size must be 64KiB to 64MiB, was " + chunkSize);
    check(!gcInterval.isNegative(), "--gc-interval must not be negative");
    if (readCache != null) {
      check(readCache >= 0, "--read-cache must not be negative, was " + readCache);
      builder.readCacheBytes(readCache);
    }
    if (maxOpenSlots != null) {
      check(
          maxOpenSlots >= 1 && maxOpenSlots <= 65_536,
          "--max-open-slots must be 1 to 65536, was " + maxOpenSlots);
      builder.maxOpenSlots(maxOpenSlots);
    }
    return builder
        .chunkSize((int) chunkSize)
        .compression(compression)
        .maxBlobSize(maxBlobSize)
        .retention(retention)
        .gcInterval(gcInterval)
        .minFreeBytes(minFree);
  }

  private BlobStoreBuilder storeBuilder() {
    for (Path dir : dataDirs) {
      if (Files.exists(dir) && !Files.isDirectory(dir)) {
        throw usage("--data-dir " + dir + " exists and is not a directory");
      }
    }
    if (dataDirs.stream().map(d -> d.toAbsolutePath().normalize()).distinct().count()
        != dataDirs.size()) {
      throw usage("--data-dir names the same directory twice: " + dataDirs);
    }
    check(slots >= 1 && slots <= 65_536, "--slots must be 1 to 65536, was " + slots);
    return storeOptions(BlobStore.builder().dataDirs(dataDirs).slotCount(slots));
  }

  private ServerOptions serverOptions() {
    check(port >= 0 && port <= 65_535, "--port must be 0 to 65535, was " + port);
    try {
      InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw usage("--bind " + bind + " is not an address of this host");
    }
    check(
        nodeId == null || ServerOptions.isValidNodeId(nodeId),
        "--node-id must be 1 to 128 of A-Z a-z 0-9 . _ : - [ ], was '" + nodeId + "'");
    check(
        maxHeaderSize >= 1 << 10 && maxHeaderSize <= 1 << 20,
        "--max-header-size must be 1KiB to 1MiB, was " + maxHeaderSize);
    check(!idleTimeout.isZero(), "--idle-timeout must be positive");
    check(
        maxThreads >= 8 && maxThreads <= 10_000,
        "--max-threads must be 8 to 10000, was " + maxThreads);
    check(maxConnections >= 1, "--max-connections must be at least 1, was " + maxConnections);
    return new ServerOptions(
        bind,
        port,
        nodeId,
        maxBlobSize,
        (int) maxHeaderSize,
        idleTimeout,
        minRequestRate,
        drainTimeout,
        maxThreads,
        maxConnections);
  }

  private void check(boolean condition, String message) {
    if (!condition) {
      throw usage(message);
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
