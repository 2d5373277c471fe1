package io.amberio.cluster.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.amberio.cluster.transport.HandlerException;
import io.amberio.cluster.transport.TransportException;
import io.amberio.cluster.transport.TransportException.Reason;
import org.junit.jupiter.api.Test;
import java.util.concurrent.CompletionException;

/** How handler failures map to the codes and messages that cross to the caller. */
class FailuresTest {

  @Test
  void handlerFailuresMapToCodes() {
    assertEquals("conflict", Failures.code(new CompletionException(new HandlerException("conflict", "m"))));
    assertEquals(TransportException.INTERNAL, Failures.code(new IllegalStateException("x")));
    assertEquals("transport.timeout", Failures.code(new TransportException(Reason.TIMEOUT, "m")));
    assertThat(Failures.message(new IllegalStateException("y".repeat(5000)))).hasSize(Failures.MAX_MESSAGE_LENGTH);
  }
}
