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
package io.amberio.cluster.internal.msg;

import static io.amberio.cluster.internal.msg.LegacyVectors.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.internal.membership.SlotState;
import io.amberio.cluster.topology.Topology;
import io.amberio.core.ByteRange;
import io.amberio.core.replica.TxnKind;
import io.amberio.core.replica.VersionChecksums;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every encoding against the vectors release 0.1 wrote ({@link LegacyVectors}): message headers
 * keep their fields and gain a version byte (and refuse the unversioned form clearly), the durable
 * encodings still read the old form, and every decoder refuses an unknown version by naming it.
 */
class EncodingsTest {
  private static final String V = "02";

  private static String str(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /**
   * The new encoding is the legacy one behind a version byte, decodes to the same record, refuses
   * the legacy bytes and unknown versions.
   */
  private static <T> void header(
      Object message, byte[] encoded, String legacy, Function<byte[], T> decode) {
    assertThat(str(encoded)).isEqualTo(V + legacy);
    assertThat(decode.apply(encoded)).isEqualTo(message);
    String legacyVersion =
        legacy.isEmpty() ? null : Integer.toString(Integer.parseInt(legacy.substring(0, 2), 16));
    if (legacyVersion != null) {
      assertThatThrownBy(() -> decode.apply(LegacyVectors.hex(legacy)))
          .isInstanceOf(UnsupportedVersionException.class)
          .hasMessageContaining("format version " + legacyVersion)
          .hasMessageContaining("speaks 2");
    } else {
      assertThatThrownBy(() -> decode.apply(new byte[0]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no format version");
    }
    byte[] future = encoded.clone();
    future[0] = 3;
    assertThatThrownBy(() -> decode.apply(future))
        .isInstanceOf(UnsupportedVersionException.class)
        .hasMessageContaining("format version 3")
        .hasMessageContaining("speaks 2");
    byte[] longer = Arrays.copyOf(encoded, encoded.length + 1);
    assertThatThrownBy(() -> decode.apply(longer))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("after the last field");
  }

  @Test
  void messageHeadersAreTheLegacyFieldsBehindAVersion() {
    Lock lock = new Lock(5, TXN, PATH, TxnKind.PUT, 0, "text/plain", CREATED_AT, NODES);
    header(lock, lock.encode(), LOCK, Lock::decode);
    header(new Lock.Reply(2), new Lock.Reply(2).encode(), LOCK_REPLY, Lock.Reply::decode);
    header(new Data(TXN), new Data(TXN).encode(), DATA, Data::decode);
    header(new Data.Reply(2), new Data.Reply(2).encode(), DATA_REPLY, Data.Reply::decode);
    header(new Commit(TXN, 3), new Commit(TXN, 3).encode(), COMMIT, Commit::decode);
    header(
        new Commit.Reply(INFO),
        new Commit.Reply(INFO).encode(),
        COMMIT_REPLY,
        Commit.Reply::decode);
    header(new Abort(TXN), new Abort(TXN).encode(), ABORT, Abort::decode);
    header(new Abort.Reply(), new Abort.Reply().encode(), ABORT_REPLY, Abort.Reply::decode);
    header(new Status(TXN), new Status(TXN).encode(), STATUS, Status::decode);
    header(
        new Status.Reply(true),
        new Status.Reply(true).encode(),
        STATUS_REPLY,
        Status.Reply::decode);
    Read read =
        new Read(5, PATH, OptionalLong.of(3), new ByteRange(ByteRange.Kind.CLOSED, 2, 6), false);
    header(read, read.encode(), READ, Read::decode);
    header(
        new Read.Reply(INFO, 2, 5),
        new Read.Reply(INFO, 2, 5).encode(),
        READ_REPLY,
        Read.Reply::decode);
    Listing list = new Listing("a/", null, 100, true, List.of(1, 5));
    header(list, list.encode(), LIST, Listing::decode);
    header(
        new Listing.Reply(List.of(INFO), true),
        new Listing.Reply(List.of(INFO), true).encode(),
        LIST_REPLY,
        Listing.Reply::decode);
    header(new Fence(5), new Fence(5).encode(), FENCE, Fence::decode);
    // The release before answered FENCE with no fields: still read, as unknown totals.
    assertThat(Fence.Reply.decode(LegacyVectors.hex(V + FENCE_REPLY)))
        .isEqualTo(new Fence.Reply(-1, -1));
    Fence.Reply totals = new Fence.Reply(7, 4096);
    assertThat(str(totals.encode())).isEqualTo(V + "0000000000000007" + "0000000000001000");
    assertThat(Fence.Reply.decode(totals.encode())).isEqualTo(totals);
    header(new Versions(5, TXN, 64), new Versions(5, TXN, 64).encode(), VERSIONS, Versions::decode);
    // The page of the release before, as it wrote it (what may follow it is below).
    assertThat(str(new Versions.Reply(List.of(INFO)).encode())).isEqualTo(V + VERSIONS_REPLY);
    assertThat(Versions.Reply.decode(LegacyVectors.hex(V + VERSIONS_REPLY)))
        .isEqualTo(new Versions.Reply(List.of(INFO)));
    byte[] stray =
        Arrays.copyOf(
            new Versions.Reply(List.of(INFO)).encode(),
            V.length() / 2 + VERSIONS_REPLY.length() / 2 + 1);
    assertThatThrownBy(() -> Versions.Reply.decode(stray))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed versions reply");
    // Small versions may travel in the reply's body: a trailing list, after the page of the release
    // before (which a learner of that release never reads).
    Versions.Reply inline =
        new Versions.Reply(
            List.of(INFO, INFO),
            List.of(new Versions.Reply.Inline(1, new VersionChecksums(4, new int[] {7}))));
    assertThat(str(inline.encode()))
        .isEqualTo(
            str(new Versions.Reply(List.of(INFO, INFO)).encode())
                + "00000001"
                + "00000001"
                + "00000004"
                + "00000001"
                + "00000007");
    assertThat(Versions.Reply.decode(inline.encode())).isEqualTo(inline);
    byte[] outOfRange =
        new Versions.Reply(
                List.of(INFO),
                List.of(new Versions.Reply.Inline(1, new VersionChecksums(4, new int[] {7}))))
            .encode();
    assertThatThrownBy(() -> Versions.Reply.decode(outOfRange))
        .hasMessageContaining("inline index 1 out of order or range");
    header(new Fetch(5, PATH, 3), new Fetch(5, PATH, 3).encode(), FETCH, Fetch::decode);
    // The release before sent the version alone: still read, without checksums.
    assertThat(Fetch.Reply.decode(LegacyVectors.hex(V + FETCH_REPLY)))
        .isEqualTo(new Fetch.Reply(INFO, null));
    Fetch.Reply withSums = new Fetch.Reply(INFO, new VersionChecksums(4, new int[] {7, -1}));
    assertThat(str(withSums.encode()))
        .isEqualTo(V + FETCH_REPLY + "00000004" + "00000002" + "00000007" + "ffffffff");
    assertThat(Fetch.Reply.decode(withSums.encode())).isEqualTo(withSums);
  }

  /**
   * PREPARE (added after release 0.1) is LOCK's fields followed by the bytes, if they are inline.
   */
  @Test
  void prepareIsLocksFieldsFollowedByItsInlineBytes() {
    Lock lock = new Lock(5, TXN, PATH, TxnKind.PUT, 0, "text/plain", CREATED_AT, NODES);
    Prepare inline = new Prepare(lock, new byte[] {'a', 'b', 'c'});
    assertThat(str(inline.encode())).isEqualTo(V + LOCK + "01" + "00000003" + "616263");
    assertThat(Prepare.decode(inline.encode())).isEqualTo(inline);
    Prepare streamed = new Prepare(lock, null);
    assertThat(str(streamed.encode())).isEqualTo(V + LOCK + "00");
    assertThat(Prepare.decode(streamed.encode())).isEqualTo(streamed);
    assertThat(Prepare.decode(streamed.encode()).inline()).isNull();

    byte[] longer = Arrays.copyOf(inline.encode(), inline.encode().length + 1);
    assertThatThrownBy(() -> Prepare.decode(longer)).hasMessageContaining("after the last field");
    byte[] future = inline.encode();
    future[0] = 3;
    assertThatThrownBy(() -> Prepare.decode(future))
        .isInstanceOf(UnsupportedVersionException.class)
        .hasMessageContaining("format version 3");
    // A length past the end of the header, and more inline bytes than a header may carry.
    byte[] truncated = LegacyVectors.hex(V + LOCK + "01" + "00000009" + "616263");
    assertThatThrownBy(() -> Prepare.decode(truncated)).hasMessageContaining("past the end");
    byte[] big = new byte[Prepare.INLINE_BYTES + 1];
    assertThatThrownBy(() -> new Prepare(lock, big))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most " + Prepare.INLINE_BYTES);
    byte[] bigEncoded =
        LegacyVectors.hex(
            V + LOCK + "01" + String.format("%08x", big.length) + "00".repeat(big.length));
    assertThatThrownBy(() -> Prepare.decode(bigEncoded))
        .hasMessageContaining("more than " + Prepare.INLINE_BYTES);
  }

  @Test
  void malformedHeadersAreRefused() {
    assertThatThrownBy(() -> Lock.decode(LegacyVectors.hex(V + LOCK.substring(0, 20))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed lock header");
    byte[] badKind = new Lock(5, TXN, PATH, TxnKind.PUT, 0, null, 0, List.of()).encode();
    int kindAt = 1 + 4 + 1 + 4 + 26 + 1 + 4 + PATH.length();
    badKind[kindAt + 3] = 9;
    assertThatThrownBy(() -> Lock.decode(badKind)).hasMessageContaining("no TxnKind 9");
  }

  @Test
  void preparedContextReadsEveryEarlierFormAndRefusesUnknownVersions() {
    PreparedContext c = new PreparedContext(4, NODES, false);
    PreparedContext learner = new PreparedContext(4, NODES, true);
    // Release 0.1 (no version byte) and the release before this one (version 2): never a learner.
    assertThat(PreparedContext.decode(LegacyVectors.hex(CONTEXT))).isEqualTo(c);
    assertThat(PreparedContext.decode(LegacyVectors.hex(V + CONTEXT))).isEqualTo(c);
    // This release writes version 3, with the learner flag last.
    assertThat(str(c.encode())).isEqualTo("03" + CONTEXT + "00");
    assertThat(str(learner.encode())).isEqualTo("03" + CONTEXT + "01");
    assertThat(PreparedContext.decode(c.encode())).isEqualTo(c);
    assertThat(PreparedContext.decode(learner.encode())).isEqualTo(learner);
    byte[] future = c.encode();
    future[0] = 7;
    assertThatThrownBy(() -> PreparedContext.decode(future))
        .isInstanceOf(UnsupportedVersionException.class)
        .hasMessageContaining("prepared-transaction context in format version 7")
        .hasMessageContaining("1 (unversioned), 2, 3");
    byte[] truncated = Arrays.copyOf(learner.encode(), learner.encode().length - 1);
    assertThatThrownBy(() -> PreparedContext.decode(truncated))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PreparedContext.decode(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decisionsOfBothVersionsAreRead() {
    assertThat(Decision.decode(COMMIT_DECISION.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(Decision.commitAs(3));
    assertThat(Decision.decode(ABORT_DECISION.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(Decision.abort());
    assertThat(new String(Decision.commitAs(3).encode(), StandardCharsets.UTF_8))
        .isEqualTo("v2|commit|3");
    assertThat(new String(Decision.abort().encode(), StandardCharsets.UTF_8)).isEqualTo("v2|abort");
    assertThat(Decision.decode(Decision.commitAs(3).encode())).isEqualTo(Decision.commitAs(3));
    assertThat(Decision.decode(Decision.abort().encode())).isEqualTo(Decision.abort());
    assertThatThrownBy(() -> Decision.decode("v3|commit|3".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(UnsupportedVersionException.class)
        .hasMessageContaining("format version 3");
    // Never taken for an abort, as release 0.1 would have.
    assertThatThrownBy(() -> Decision.decode("commited 3".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unreadable");
    assertThatThrownBy(() -> Decision.decode("v2|commit|x".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unreadable");
  }

  @Test
  void registryValuesOfBothVersionsAreRead() {
    assertThat(new String(RegistryValues.topology(TOPOLOGY), StandardCharsets.UTF_8))
        .isEqualTo(TOPOLOGY_VALUE);
    assertThat(
            RegistryValues.sameTopology(TOPOLOGY_VALUE.getBytes(StandardCharsets.UTF_8), TOPOLOGY))
        .isTrue();
    assertThat(
            RegistryValues.sameTopology(
                TOPOLOGY_VALUE.replace("rf=3", "rf=2").getBytes(StandardCharsets.UTF_8), TOPOLOGY))
        .isFalse();
    assertThatThrownBy(
            () ->
                RegistryValues.sameTopology(
                    "v2;slots=16".getBytes(StandardCharsets.UTF_8), TOPOLOGY))
        .isInstanceOf(UnsupportedVersionException.class)
        .hasMessageContaining("format version v2");

    assertThat(RegistryValues.nodeLease(NODE_VALUE.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(7587);
    assertThat(RegistryValues.nodeLease(RegistryValues.node(7587))).isEqualTo(7587);
    assertThat(new String(RegistryValues.node(7587), StandardCharsets.UTF_8)).isEqualTo("v2|7587");
    assertThatThrownBy(() -> RegistryValues.nodeLease("v9|1".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(UnsupportedVersionException.class)
        .hasMessageContaining("format version 9");

    assertThat(RegistryValues.storeId(STORE_VALUE.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(STORE_VALUE);
    assertThat(RegistryValues.storeId(RegistryValues.store(STORE_VALUE))).isEqualTo(STORE_VALUE);
    assertThatThrownBy(
            () -> RegistryValues.storeId(("v3|" + STORE_VALUE).getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(UnsupportedVersionException.class)
        .hasMessageContaining("format version 3");
  }

  @Test
  void credentialChecksAreVersionedAndUnknownVersionsRefused() {
    byte[] check = {0, 1, (byte) 0xfe, (byte) 0xff};
    byte[] value = RegistryValues.credentialCheck(check);
    assertThat(new String(value, StandardCharsets.UTF_8)).isEqualTo("v2|0001feff");
    assertThat(RegistryValues.credentialCheck("credential-check", value)).isEqualTo(check);
    assertThatThrownBy(
            () ->
                RegistryValues.credentialCheck(
                    "credential-check", "v3|00".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(UnsupportedVersionException.class)
        .hasMessageContaining("v3");
    assertThatThrownBy(
            () ->
                RegistryValues.credentialCheck(
                    "credential-check", "v2|zz".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unreadable credential-check");
  }

  @Test
  void clusterRecordsOfBothVersionsAreReadAndOthersRefused() {
    Topology t =
        Topology.of(
            4,
            2,
            List.of(
                Topology.Node.of("a", "h:1", "z1"),
                Topology.Node.of("b", "h:2", "z2"),
                Topology.Node.of("c", "h:3", "z1")));
    // Format v1, as the releases before wrote it: topology version 1, the initial placement.
    ClusterRecord old = ClusterRecord.decode(RegistryValues.topology(t));
    assertThat(old).isEqualTo(ClusterRecord.initial(t));
    assertThat(old.version()).isEqualTo(1);
    ClusterRecord next =
        old.next(t.with(new Topology.Node(NodeId.of("d"), "[::1]:4", Optional.of("z2"), 3)));
    String text = new String(next.encode(), StandardCharsets.UTF_8);
    assertThat(text)
        .startsWith("v2;version=2;slots=4;rf=2;node=a,h%3A1,z1,1;")
        .contains(";node=d,%5B%3A%3A1%5D%3A4,z2,3;placement=");
    assertThat(ClusterRecord.decode(next.encode())).isEqualTo(next);
    assertThatThrownBy(
            () -> ClusterRecord.decode(text.replace("v2;", "v3;").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(UnsupportedVersionException.class)
        .hasMessageContaining("format version v3")
        .hasMessageContaining("speaks v1, v2");
    assertThatThrownBy(
            () ->
                ClusterRecord.decode(
                    text.replace(";placement=", ";placement=9/").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unreadable cluster record");
  }

  @Test
  void slotStatesOfTheLegacyReleaseAreRead() {
    var s = SlotState.decode(5, SLOT_STATE.getBytes(StandardCharsets.UTF_8));
    assertThat(s.epoch()).isEqualTo(4);
    assertThat(s.replicas()).isEqualTo(NODES);
    assertThat(s.inSync())
        .containsExactly(Map.entry(NodeId.of("n0"), 7587L), Map.entry(NodeId.of("n1"), 0L));
    assertThat(s.learners()).containsExactly(Map.entry(NodeId.of("n2"), 7600L));
    assertThat(new String(s.encode(), StandardCharsets.UTF_8)).isEqualTo(SLOT_STATE);
    // A placement of a later topology version is written in format version 2, with that version.
    var moved = s.placed(3, List.of(NodeId.of("n0"), NodeId.of("n3"), NodeId.of("n2")));
    assertThat(new String(moved.encode(), StandardCharsets.UTF_8))
        .isEqualTo("v2|4|3|n0,n3,n2|n0@7587,n1@0|n2@7600");
    assertThat(SlotState.decode(5, moved.encode())).isEqualTo(moved);
    assertThat(moved.hasStrays()).as("n1 is in sync but no longer placed there").isTrue();
    assertThat(moved.targetInSync()).isFalse();
    assertThatThrownBy(
            () ->
                SlotState.decode(
                    5, SLOT_STATE.replace("v1|", "v4|").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(UnsupportedVersionException.class)
        .hasMessageContaining("format version v4")
        .hasMessageContaining("speaks v1, v2, v3");
  }
}
