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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.transport.Request;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

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

    assertThatThrownBy(() -> Wire.parseRequest(ByteBuffer.wrap(new byte[5])))
        .isInstanceOf(Wire.Malformed.class);
    assertThatThrownBy(() -> Wire.parseRequest(Wire.request(0, r, 1500)))
        .isInstanceOf(Wire.Malformed.class);
    assertThatThrownBy(() -> Wire.parseRequest(Wire.request(1, r, 0)))
        .isInstanceOf(Wire.Malformed.class);
    assertThatThrownBy(() -> Wire.parseHello(ByteBuffer.wrap(new byte[40])))
        .isInstanceOf(Wire.Malformed.class);
    assertThatThrownBy(() -> Wire.parseCredit(ByteBuffer.allocate(4).putInt(0).flip()))
        .isInstanceOf(Wire.Malformed.class);
  }
}
