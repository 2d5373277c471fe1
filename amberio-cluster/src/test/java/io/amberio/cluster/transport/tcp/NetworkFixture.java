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
package io.amberio.cluster.transport.tcp;

import static org.junit.jupiter.api.Assertions.fail;

import io.amberio.cluster.NodeId;
import io.amberio.core.Scheduler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/** Network transports on loopback sharing a secret, a resolver and a real-thread scheduler. */
final class NetworkFixture implements AutoCloseable {

  static final byte[] SECRET =
      "correct horse battery staple, 32".getBytes(StandardCharsets.US_ASCII);

  final ScheduledExecutorService executor = Executors.newScheduledThreadPool(4);
  final Scheduler scheduler = Scheduler.system(executor);
  final Map<NodeId, InetSocketAddress> addresses = new ConcurrentHashMap<>();
  private final List<NetworkTransport> transports = new ArrayList<>();
  private final UnaryOperator<NetworkTransport.Builder> options;

  NetworkFixture(UnaryOperator<NetworkTransport.Builder> options) {
    this.options = options;
  }

  NetworkTransport transport(NodeId node) {
    return transport(node, SECRET);
  }

  NetworkTransport transport(NodeId node, byte[] secret) {
    NetworkTransport t =
        options
            .apply(
                NetworkTransport.builder(node, secret, scheduler)
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .resolver(addresses::get))
            .build();
    synchronized (transports) {
      transports.add(t);
    }
    addresses.put(node, t.localAddress());
    return t;
  }

  @Override
  public void close() {
    synchronized (transports) {
      transports.forEach(NetworkTransport::close);
    }
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void eventually(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not within 20 s: " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted waiting for: " + what);
      }
    }
  }
}
