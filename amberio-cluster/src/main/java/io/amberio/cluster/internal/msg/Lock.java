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
import io.amberio.core.BlobId;
import io.amberio.core.replica.TxnKind;
import java.util.List;

/**
 * LOCK, the first half of a prepare: takes the path lock on a participant (never waiting) under the
 * slot's epoch (the request's epoch), and answers the participant's highest version of the path.
 */
public record Lock(
    int slot,
    BlobId txn,
    String path,
    TxnKind kind,
    long tombstone,
    String contentType,
    long createdAt,
    List<NodeId> participants) {
  public static final String TYPE = "lock";

  public Lock {
    participants = List.copyOf(participants);
  }

  public byte[] encode() {
    return Header.writer()
        .i(slot)
        .id(txn)
        .s(path)
        .i(kind.ordinal())
        .l(tombstone)
        .s(contentType)
        .l(createdAt)
        .nodes(participants)
        .done();
  }

  public static Lock decode(byte[] header) {
    Header.Reader in = Header.reader(header, TYPE);
    Lock m =
        new Lock(
            in.i(), in.id(), in.s(), in.ordinal(TxnKind.class), in.l(), in.s(), in.l(), in.nodes());
    in.end();
    if (m.txn == null) {
      throw new IllegalArgumentException("lock without a transaction id");
    }
    return m;
  }

  /** The participant's highest version of the path. */
  public record Reply(long maxVersion) {
    public byte[] encode() {
      return Header.writer().l(maxVersion).done();
    }

    public static Reply decode(byte[] header) {
      Header.Reader in = Header.reader(header, TYPE + " reply");
      Reply r = new Reply(in.l());
      in.end();
      return r;
    }
  }
}
