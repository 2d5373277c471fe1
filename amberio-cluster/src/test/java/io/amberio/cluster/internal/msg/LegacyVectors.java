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

import io.amberio.cluster.NodeId;
import io.amberio.cluster.topology.Topology;
import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.VersionState;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The encodings written by release 0.1 (before messages and stored values carried a format
 * version), captured from that release's code: internal message headers (hex), the
 * prepared-transaction context stored in SQLite (hex), and the registry values (text). The decoders
 * must keep reading the durable ones; the wire ones must be refused clearly. A test checked them
 * against that release's own encoders before those were replaced (LegacyVectorsTest, in the commit
 * that added this file); {@link EncodingsTest} uses them.
 */
final class LegacyVectors {
  private LegacyVectors() {}

  static final BlobId TXN = BlobId.parse("01HZY5QF8S1M2N3P4Q5R6S7T8V");
  static final BlobId ID = BlobId.parse("01HZY5QF8SAAAABBBBCCCCDDDD");
  static final List<NodeId> NODES = List.of(NodeId.of("n0"), NodeId.of("n1"), NodeId.of("n2"));
  static final BlobInfo INFO =
      new BlobInfo(
          "a/b.txt",
          3,
          ID,
          VersionState.LIVE,
          11,
          "etag-1",
          "text/plain",
          Instant.ofEpochMilli(1700000000123L));
  static final String PATH = "a/b.txt";
  static final long CREATED_AT = 1700000000000L;

  // Message headers. Values: slot 5, TXN, PATH, kind PUT, tombstone 0, "text/plain", CREATED_AT,
  // NODES.
  static final String LOCK =
      "00000005010000001a3031485a593551463853314d324e3350345135523653375438560100000007612f622e747874"
          + "000000000000000000000000010000000a746578742f706c61696e0000018bcfe568000000000301000000026e3001000000026e3101"
          + "000000026e32";

  /** Highest version 2. */
  static final String LOCK_REPLY = "0000000000000002";

  static final String DATA = "010000001a3031485a593551463853314d324e335034513552365337543856";
  static final String DATA_REPLY = "0000000000000002";

  /** TXN, version 3. */
  static final String COMMIT =
      "010000001a3031485a593551463853314d324e3350345135523653375438560000000000000003";

  private static final String INFO_HEX =
      "0100000007612f622e7478740000000000000003010000001a3031485a59355146385341414141"
          + "42424242434343434444444400000000000000000000000b0100000006657461672d31010000000a746578742f706c61696e0000018b"
          + "cfe5687b";
  static final String COMMIT_REPLY = INFO_HEX;
  static final String ABORT = DATA;
  static final String ABORT_REPLY = "";
  static final String STATUS = DATA;
  static final String STATUS_REPLY = "01";

  /** Slot 5, PATH, version 3, range CLOSED 2-6, not head-only. */
  static final String READ =
      "000000050100000007612f622e747874010000000000000003000000010000000000000002000000000000000600";

  /** INFO, offset 2, length 5. */
  static final String READ_REPLY = INFO_HEX + "00000000000000020000000000000005";

  /** Prefix "a/", no cursor, limit 100, all versions, slots 1 and 5. */
  static final String LIST = "0100000002612f000000006401000000020000000100000005";

  /** [INFO], more. */
  static final String LIST_REPLY = "00000001" + INFO_HEX + "01";

  static final String FENCE = "00000005";
  static final String FENCE_REPLY = "";

  /** Slot 5, after TXN, limit 64. */
  static final String VERSIONS =
      "00000005010000001a3031485a593551463853314d324e33503451355236533754385600000040";

  static final String VERSIONS_REPLY = "00000001" + INFO_HEX;

  /** Slot 5, PATH, version 3. */
  static final String FETCH = "000000050100000007612f622e7478740000000000000003";

  static final String FETCH_REPLY = INFO_HEX;

  /** The prepared-transaction context: epoch 4, participants NODES. */
  static final String CONTEXT =
      "00000000000000040000000301000000026e3001000000026e3101000000026e32";

  // Registry values (UTF-8 text).
  /**
   * slots/0000005: epoch 4, replicas NODES, n0 and n1 in sync (n1 not yet claimed), n2 learning.
   */
  static final String SLOT_STATE = "v1|4|n0,n1,n2|n0@7587,n1@0|n2@7600";

  static final Topology TOPOLOGY =
      Topology.of(
          16,
          3,
          List.of(
              Topology.Node.of("n0", "h0:7000", "z0"),
              Topology.Node.of("n1", "h1:7000", "z1"),
              Topology.Node.of("n2", "h2:7000", "z2")));

  /** The cluster key. */
  static final String TOPOLOGY_VALUE = "v1;slots=16;rf=3;n0=h0:7000@z0;n1=h1:7000@z1;n2=h2:7000@z2";

  /** nodes/<id>: the lease id in decimal. */
  static final String NODE_VALUE = "7587";

  /** stores/<id>: the store's id. */
  static final String STORE_VALUE = "0b9b8bd6-4e6a-4e0b-9d37-2f1c1f8a6a11";

  /** txn/<id>. */
  static final String COMMIT_DECISION = "commit 3";

  static final String ABORT_DECISION = "abort";

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }
}
