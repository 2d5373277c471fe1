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
package io.amberio.cluster.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.amberio.cluster.transport.TransportException.Reason;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Validation of the SPI's value types. */
class TransportMessagesTest {

  @Test
  void requestsAreValidatedAndCopied() {
    byte[] header = {1, 2, 3};
    Request r = Request.of("txn.prepare", 7, header);
    header[0] = 9;
    r.header()[1] = 9;
    assertThat(r.header()).containsExactly(1, 2, 3);
    assertThat(r.hasBody()).isFalse();

    assertThatThrownBy(() -> Request.of("", 1, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Request.of("has space", 1, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Request.of("x".repeat(65), 1, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Request.of("t", -1, new byte[0])).hasMessageContaining("epoch");
    assertThatThrownBy(() -> Request.of("t", 1, new byte[Request.MAX_HEADER_BYTES + 1]))
        .hasMessageContaining("as a body");
    assertThatThrownBy(() -> Response.of(new byte[Request.MAX_HEADER_BYTES + 1]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void optionsAndCodesAreValidated() {
    assertThatThrownBy(() -> SendOptions.timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SendOptions.timeout(Duration.ofDays(2)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HandlerException("Upper", "m"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TransportException(Reason.REMOTE_ERROR, "m"))
        .isInstanceOf(IllegalArgumentException.class);
    assertEquals(Optional.empty(), new TransportException(Reason.TIMEOUT, "m").remoteCode());
  }
}
