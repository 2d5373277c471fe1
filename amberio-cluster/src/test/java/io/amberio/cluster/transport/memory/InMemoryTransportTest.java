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
package io.amberio.cluster.transport.memory;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.sim.SimScheduler;
import io.amberio.cluster.testkit.TransportContract;
import io.amberio.cluster.transport.Transport;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The transport contract on an {@link InMemoryNetwork} without faults, on one simulated-time thread
 * (a {@link SimScheduler}).
 */
class InMemoryTransportTest extends TransportContract {
  /**
   * Far more simulated time than any exchange here takes: waiting this long means the run went
   * idle.
   */
  static final Duration IDLE = Duration.ofHours(1);

  private final SimScheduler scheduler = SimScheduler.create(1);
  private final InMemoryNetwork network =
      InMemoryNetwork.builder(scheduler, new Random(1)).window(4).build();

  @Override
  protected Transport transport(NodeId node) {
    return network.join(node);
  }

  @Override
  protected int window() {
    return 4;
  }

  @Override
  protected <T> T await(CompletableFuture<T> f) throws Exception {
    assertTrue(
        scheduler.runUntil(f::isDone, IDLE),
        "the simulation went idle with the future still pending");
    return f.get();
  }

  @Override
  protected void eventually(BooleanSupplier condition, String what) {
    assertTrue(scheduler.runUntil(condition, IDLE), "the simulation went idle before: " + what);
  }

  @Override
  protected Duration shortTimeout() {
    return Duration.ofSeconds(5);
  }
}
