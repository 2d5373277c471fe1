package io.amberio.cluster.transport.tcp;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.transport.Transport;
import io.amberio.cluster.testkit.TransportContract;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;

/** The transport contract over loopback TCP, one connection per peer (so concurrency is multiplexing). */
class NetworkTransportTest extends TransportContract {

  private final NetworkFixture fixture = new NetworkFixture(b -> b.window(4).maxConnectionsPerPeer(1));

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
