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

import io.amberio.cluster.NodeId;
import io.amberio.cluster.testkit.TransportContract;
import io.amberio.cluster.transport.Transport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;

/**
 * The transport contract over loopback TCP, one connection per peer (so concurrency is
 * multiplexing).
 */
class NetworkTransportTest extends TransportContract {

  private final NetworkFixture fixture =
      new NetworkFixture(b -> b.window(4).maxConnectionsPerPeer(1));

  @AfterEach
  void closeAll() {
    fixture.close();
  }

  @Override
  protected Transport transport(NodeId node) {
    return fixture.transport(node);
  }

  @Override
  protected int window() {
    return 4;
  }

  @Override
  protected <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  @Override
  protected void eventually(BooleanSupplier condition, String what) {
    NetworkFixture.eventually(condition, what);
  }

  @Override
  protected Duration shortTimeout() {
    return Duration.ofSeconds(1);
  }
}
