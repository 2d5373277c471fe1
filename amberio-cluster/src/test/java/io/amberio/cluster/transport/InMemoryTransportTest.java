package io.amberio.cluster.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amberio.cluster.NodeId;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/** The transport contract on an {@link InMemoryNetwork} without faults, on one simulated-time thread. */
class InMemoryTransportTest extends TransportContract {

  private final ManualScheduler scheduler = new ManualScheduler();
  private final InMemoryNetwork network = InMemoryNetwork.builder(scheduler, new Random(1)).window(4).build();

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
    assertTrue(scheduler.runUntil(f::isDone), "the simulation went idle with the future still pending");
    return f.get();
  }

  @Override
  protected void eventually(BooleanSupplier condition, String what) {
    assertTrue(scheduler.runUntil(condition), "the simulation went idle before: " + what);
  }

  @Override
  protected Duration shortTimeout() {
    return Duration.ofSeconds(5);
  }
}
