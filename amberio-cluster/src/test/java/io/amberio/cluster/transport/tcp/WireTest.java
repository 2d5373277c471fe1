package io.amberio.cluster.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.transport.Request;
import org.junit.jupiter.api.Test;
import java.nio.ByteBuffer;

/** The wire payloads of the TCP transport: they round-trip, and garbage is rejected. */
class WireTest {

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

    assertThatThrownBy(() -> Wire.parseRequest(ByteBuffer.wrap(new byte[5]))).isInstanceOf(Wire.Malformed.class);
    assertThatThrownBy(() -> Wire.parseRequest(Wire.request(0, r, 1500))).isInstanceOf(Wire.Malformed.class);
    assertThatThrownBy(() -> Wire.parseRequest(Wire.request(1, r, 0))).isInstanceOf(Wire.Malformed.class);
    assertThatThrownBy(() -> Wire.parseHello(ByteBuffer.wrap(new byte[40])))
        .isInstanceOf(Wire.Malformed.class);
    assertThatThrownBy(() -> Wire.parseCredit(ByteBuffer.allocate(4).putInt(0).flip()))
        .isInstanceOf(Wire.Malformed.class);
  }
}
