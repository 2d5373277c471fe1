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

import io.amberio.core.BlobStoreBuilder;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link AmberioServer} listens and what it accepts. Start from {@link #defaults()} and
 * change what you need:
 *
 * <pre>{@code
 * AmberioServer server = AmberioServer.start(store, ServerOptions.defaults().withPort(0));
 * }</pre>
 *
 * @param bindAddress the address to listen on (default {@value #DEFAULT_BIND_ADDRESS})
 * @param port the TCP port, 0 to pick a free one (default {@value #DEFAULT_PORT})
 * @param nodeId the node id, or {@code null} to use the {@code host:port} the node listens on
 * @param maxBlobSize the largest body a PUT may have, in bytes; larger ones get 413 (default 5
 *     GiB). Give the store the same maximum
 * @param maxHeaderSize the largest request line plus headers, in bytes; larger ones get 431
 *     (default 16 KiB)
 * @param idleTimeout how long a connection may send nothing before it is closed (default 30 s)
 * @param minRequestRate the slowest a request body may arrive, in bytes per second, averaged since
 *     the body started; 0 disables the check (default 256)
 * @param drainTimeout how long {@link AmberioServer#close()} waits for requests in flight (default
 *     30 s); while draining, a connection silent for a second is closed
 * @param maxThreads the most threads serving requests, each request holding one (default 200)
 * @param maxConnections the most open connections; more wait to be accepted (default 1024)
 */
public record ServerOptions(
    String bindAddress,
    int port,
    String nodeId,
    long maxBlobSize,
    int maxHeaderSize,
    Duration idleTimeout,
    long minRequestRate,
    Duration drainTimeout,
    int maxThreads,
    int maxConnections) {

  /** The default bind address: loopback only. */
  public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";

  /** The default port. */
  public static final int DEFAULT_PORT = 7480;

  /** The default maximum size of the request line and headers: 16 KiB. */
  public static final int DEFAULT_MAX_HEADER_SIZE = 16 << 10;

  /** The default idle timeout. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

  /** The default minimum request body rate, in bytes per second. */
  public static final long DEFAULT_MIN_REQUEST_RATE = 256;

  /** The default time to drain requests in flight when stopping. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

  /** The default maximum number of request threads. */
  public static final int DEFAULT_MAX_THREADS = 200;

  /** The default maximum number of open connections. */
  public static final int DEFAULT_MAX_CONNECTIONS = 1024;

  /** Checks every option; a bad one is an {@link IllegalArgumentException} naming it. */
  public ServerOptions {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    require(!bindAddress.isBlank(), "bindAddress must not be blank");
    require(port >= 0 && port <= 65_535, "port must be 0 to 65535, was " + port);
    require(
        nodeId == null || isValidNodeId(nodeId),
        "nodeId must be 1 to 128 of A-Z a-z 0-9 . _ : - [ ], was '" + nodeId + "'");
    require(maxBlobSize >= 0, "maxBlobSize must not be negative, was " + maxBlobSize);
    require(
        maxHeaderSize >= 1024 && maxHeaderSize <= (1 << 20),
        "maxHeaderSize must be 1 KiB to 1 MiB, was " + maxHeaderSize);
    require(
        !idleTimeout.isNegative() && !idleTimeout.isZero(),
        "idleTimeout must be positive, was " + idleTimeout);
    require(minRequestRate >= 0, "minRequestRate must not be negative, was " + minRequestRate);
    require(!drainTimeout.isNegative(), "drainTimeout must not be negative, was " + drainTimeout);
    require(
        maxThreads >= 8 && maxThreads <= 10_000,
        "maxThreads must be 8 to 10000, was " + maxThreads);
    require(maxConnections >= 1, "maxConnections must be at least 1, was " + maxConnections);
  }

  /** The defaults: 127.0.0.1:7480, 5 GiB bodies, 16 KiB headers, 30 s idle and drain timeouts. */
  public static ServerOptions defaults() {
    return new ServerOptions(
        DEFAULT_BIND_ADDRESS,
        DEFAULT_PORT,
        null,
        BlobStoreBuilder.DEFAULT_MAX_BLOB_SIZE,
        DEFAULT_MAX_HEADER_SIZE,
        DEFAULT_IDLE_TIMEOUT,
        DEFAULT_MIN_REQUEST_RATE,
        DEFAULT_DRAIN_TIMEOUT,
        DEFAULT_MAX_THREADS,
        DEFAULT_MAX_CONNECTIONS);
  }

  /**
   * Whether {@code id} is a usable node id: 1 to 128 characters of A-Z a-z 0-9 {@code . _ : - [ ]}.
   */
  public static boolean isValidNodeId(String id) {
    return id.length() >= 1
        && id.length() <= 128
        && id.chars()
            .allMatch(c -> Character.isLetterOrDigit(c) && c < 0x80 || ".-_:[]".indexOf(c) >= 0);
  }

  /** These options with another bind address. */
  public ServerOptions withBindAddress(String address) {
    return new ServerOptions(
        address,
        port,
        nodeId,
        maxBlobSize,
        maxHeaderSize,
        idleTimeout,
        minRequestRate,
        drainTimeout,
        maxThreads,
        maxConnections);
  }

  /** These options with another port (0 picks a free one). */
  public ServerOptions withPort(int p) {
    return new ServerOptions(
        bindAddress,
        p,
        nodeId,
        maxBlobSize,
        maxHeaderSize,
        idleTimeout,
        minRequestRate,
        drainTimeout,
        maxThreads,
        maxConnections);
  }

  /** These options with a node id ({@code null} derives it from the address). */
  public ServerOptions withNodeId(String id) {
    return new ServerOptions(
        bindAddress,
        port,
        id,
        maxBlobSize,
        maxHeaderSize,
        idleTimeout,
        minRequestRate,
        drainTimeout,
        maxThreads,
        maxConnections);
  }

  /** These options with another maximum body size. */
  public ServerOptions withMaxBlobSize(long bytes) {
    return new ServerOptions(
        bindAddress,
        port,
        nodeId,
        bytes,
        maxHeaderSize,
        idleTimeout,
        minRequestRate,
        drainTimeout,
        maxThreads,
        maxConnections);
  }

  /** These options with another maximum header size. */
  public ServerOptions withMaxHeaderSize(int bytes) {
    return new ServerOptions(
        bindAddress,
        port,
        nodeId,
        maxBlobSize,
        bytes,
        idleTimeout,
        minRequestRate,
        drainTimeout,
        maxThreads,
        maxConnections);
  }

  /** These options with another idle timeout. */
  public ServerOptions withIdleTimeout(Duration timeout) {
    return new ServerOptions(
        bindAddress,
        port,
        nodeId,
        maxBlobSize,
        maxHeaderSize,
        timeout,
        minRequestRate,
        drainTimeout,
        maxThreads,
        maxConnections);
  }

  /** These options with another minimum request body rate (bytes per second, 0 to disable). */
  public ServerOptions withMinRequestRate(long bytesPerSecond) {
    return new ServerOptions(
        bindAddress,
        port,
        nodeId,
        maxBlobSize,
        maxHeaderSize,
        idleTimeout,
        bytesPerSecond,
        drainTimeout,
        maxThreads,
        maxConnections);
  }

  /** These options with another drain timeout. */
  public ServerOptions withDrainTimeout(Duration timeout) {
    return new ServerOptions(
        bindAddress,
        port,
        nodeId,
        maxBlobSize,
        maxHeaderSize,
        idleTimeout,
        minRequestRate,
        timeout,
        maxThreads,
        maxConnections);
  }

  /** These options with another maximum number of request threads. */
  public ServerOptions withMaxThreads(int threads) {
    return new ServerOptions(
        bindAddress,
        port,
        nodeId,
        maxBlobSize,
        maxHeaderSize,
        idleTimeout,
        minRequestRate,
        drainTimeout,
        threads,
        maxConnections);
  }

  /** These options with another maximum number of open connections. */
  public ServerOptions withMaxConnections(int connections) {
    return new ServerOptions(
        bindAddress,
        port,
        nodeId,
        maxBlobSize,
        maxHeaderSize,
        idleTimeout,
        minRequestRate,
        drainTimeout,
        maxThreads,
        connections);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
