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
package io.amberio.cluster.internal.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.cluster.ClusterConfig;
import io.amberio.cluster.NodeId;
import io.amberio.cluster.internal.Bodies;
import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.msg.Codes;
import io.amberio.cluster.internal.rpc.PeerHealth;
import io.amberio.cluster.internal.rpc.Peers;
import io.amberio.cluster.transport.FrameSource;
import io.amberio.cluster.transport.TransportException;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A header the replica cannot read comes back to the sender as a handler error that says why. */
class DispatcherTest {
  private static final NodeId SELF = NodeId.of("n0");

  private static Throwable send(String type, byte[] header) {
    NodeContext ctx =
        new NodeContext(
            SELF,
            null,
            null,
            null,
            null,
            Runnable::run,
            ClusterConfig.DEFAULTS,
            null,
            new Random(1),
            Set.of());
    // No room is reached: the header is refused before.
    Peers peers = new Peers(ctx, new Dispatcher(ctx, null, null, null), new PeerHealth(ctx));
    return Bodies.unwrap(
        peers.call(SELF, type, 1, header, FrameSource.empty()).handle((r, t) -> t).join());
  }

  @Test
  void aHeaderOfAnotherFormatVersionIsRefusedNamingBothVersions() {
    // A COMMIT as release 0.1 wrote it (no version byte), and one of a future version 3.
    byte[] legacy =
        HexFormat.of()
            .parseHex(
                "010000001a3031485a593551463853314d324e3350345135523653375438560000000000000003");
    for (byte[] h :
        new byte[][] {legacy, HexFormat.of().parseHex("03" + HexFormat.of().formatHex(legacy))}) {
      Throwable t = send("commit", h);
      assertThat(t).isInstanceOf(TransportException.class);
      TransportException te = (TransportException) t;
      assertThat(te.reason()).isEqualTo(TransportException.Reason.REMOTE_ERROR);
      assertThat(te.remoteCode()).contains(Codes.UNSUPPORTED_VERSION);
      assertThat(te.getMessage())
          .contains("commit message in format version " + (h == legacy ? 1 : 3))
          .contains("it speaks 2");
    }
  }

  @Test
  void aMalformedHeaderOrAnUnknownTypeIsABadRequest() {
    assertThat(((TransportException) send("fence", new byte[] {2, 0})).remoteCode())
        .contains(Codes.BAD_REQUEST);
    assertThat(((TransportException) send("gossip", new byte[] {2})).remoteCode())
        .contains(Codes.BAD_REQUEST);
  }
}
