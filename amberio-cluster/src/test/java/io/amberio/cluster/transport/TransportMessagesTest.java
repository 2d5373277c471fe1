package io.amberio.cluster.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.transport.TransportException.Reason;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Validation of the SPI's value types and the wire payloads they map to. */
class TransportMessagesTest {

  @Test
  void requestsAreValidatedAndCopied() {
    byte[] header = {1, 2, 3};
    Request r = Request.of("txn.prepare", 7, header);
    header[0] = 9;
    r.header()[1] = 9;
    assertThat(r.header()).containsExactly(1, 2, 3);
    assertThat(r.hasBody()).isFalse();

    assertThatThrownBy(() -> Request.of("", 1, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Request.of("has space", 1, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Request.of("x".repeat(65), 1, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Request.of("t", -1, new byte[0])).hasMessageContaining("epoch");
    assertThatThrownBy(() -> Request.of("t", 1, new byte[Request.MAX_HEADER_BYTES + 1]))
        .hasMessageContaining("as a body");
    assertThatThrownBy(() -> Response.of(new byte[Request.MAX_HEADER_BYTES + 1]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void optionsAndCodesAreValidated() {
    assertThatThrownBy(() -> SendOptions.timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SendOptions.timeout(Duration.ofDays(2))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HandlerException("Upper", "m")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TransportException(Reason.REMOTE_ERROR, "m"))
        .isInstanceOf(IllegalArgumentException.class);
    assertEquals(Optional.empty(), new TransportException(Reason.TIMEOUT, "m").remoteCode());
  }

  @Test
  void handlerFailuresMapToCodes() {
    assertEquals("conflict", Failures.code(new java.util.concurrent.CompletionException(new HandlerException("conflict", "m"))));
    assertEquals(TransportException.INTERNAL, Failures.code(new IllegalStateException("x")));
    assertEquals("transport.timeout", Failures.code(new TransportException(Reason.TIMEOUT, "m")));
    assertThat(Failures.message(new IllegalStateException("y".repeat(5000)))).hasSize(Failures.MAX_MESSAGE_LENGTH);
  }

  @Test
  void wirePayloadsRoundTripAndRejectGarbage() throws Exception {
    Request r = Request.of("txn.commit", 12, new byte[] {4, 5});
    Wire.RequestHead head = Wire.parseRequest(Wire.request(3, r, 1500));
    assertEquals(new Wire.RequestHead(3, 12, 1500, false, "txn.commit", head.header()), head);
    assertThat(head.header()).containsExactly(4, 5);

    Wire.Hello hello = Wire.parseHello(Wire.hello(new byte[16], NodeId.of("a"), NodeId.of("b"), 8));
    assertEquals(NodeId.of("b"), hello.to());
    assertEquals(8, hello.window());

    Wire.FailureBody f = Wire.parseFailure(Wire.failure(9, "version-conflict", "h\u00e9"));
    assertEquals("version-conflict", f.code());
    assertEquals("h\u00e9", f.message());

    assertThatThrownBy(() -> Wire.parseRequest(java.nio.ByteBuffer.wrap(new byte[5]))).isInstanceOf(Wire.Malformed.class);
    assertThatThrownBy(() -> Wire.parseRequest(Wire.request(0, r, 1500))).isInstanceOf(Wire.Malformed.class);
    assertThatThrownBy(() -> Wire.parseRequest(Wire.request(1, r, 0))).isInstanceOf(Wire.Malformed.class);
    assertThatThrownBy(() -> Wire.parseHello(java.nio.ByteBuffer.wrap(new byte[40])))
        .isInstanceOf(Wire.Malformed.class);
    assertThatThrownBy(() -> Wire.parseCredit(java.nio.ByteBuffer.allocate(4).putInt(0).flip()))
        .isInstanceOf(Wire.Malformed.class);
  }
}
