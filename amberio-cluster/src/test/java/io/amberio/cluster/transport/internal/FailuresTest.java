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
package io.amberio.cluster.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.amberio.cluster.transport.HandlerException;
import io.amberio.cluster.transport.TransportException;
import io.amberio.cluster.transport.TransportException.Reason;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** How handler failures map to the codes and messages that cross to the caller. */
class FailuresTest {

  @Test
  void handlerFailuresMapToCodes() {
    assertEquals(
        "conflict", Failures.code(new CompletionException(new HandlerException("conflict", "m"))));
    assertEquals(TransportException.INTERNAL, Failures.code(new IllegalStateException("x")));
    assertEquals("transport.timeout", Failures.code(new TransportException(Reason.TIMEOUT, "m")));
    assertThat(Failures.message(new IllegalStateException("y".repeat(5000))))
        .hasSize(Failures.MAX_MESSAGE_LENGTH);
  }
}
