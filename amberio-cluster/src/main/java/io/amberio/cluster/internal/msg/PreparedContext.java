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
import java.util.List;

/**
 * What a replica stores with each prepared transaction (the store's opaque {@code context}): the
 * slot's epoch it was prepared under, its participants, and whether this replica prepared it as a
 * learner, so that after a restart the replica can still fence older epochs, send the decision to
 * every participant, and commit a learner's version above a gap.
 *
 * <p>Stored durably, so every format ever written must stay readable. Version 3 (this release) is
 * the byte 3, then the epoch, the participants and the learner flag. Version 2 (the release before)
 * is {@link Header#VERSION}'s byte (2) followed by the epoch and participants, and is read as not a
 * learner (learners took part in version agreement then). Version 1, written by release 0.1, had no
 * version byte: a long epoch first, whose high byte is 0 for any epoch below 2<sup>56</sup>; a
 * first byte of 0 is therefore read as version 1. Any other first byte is refused with an {@link
 * UnsupportedVersionException}.
 */
public record PreparedContext(long epoch, List<NodeId> participants, boolean learner) {
  /** The format version written now. */
  static final int VERSION = 3;

  public PreparedContext {
    participants = List.copyOf(participants);
  }

  public byte[] encode() {
    return new Header.Writer().u8(VERSION).l(epoch).nodes(participants).b(learner).done();
  }

  public static PreparedContext decode(byte[] context) {
    if (context.length == 0) {
      throw new IllegalArgumentException("empty prepared-transaction context");
    }
    int version = context[0] & 0xff;
    Header.Reader in;
    if (version == 0) {
      in = new Header.Reader(context, 0, "prepared-transaction context (version 1)");
    } else if (version == Header.VERSION || version == VERSION) {
      in = new Header.Reader(context, 1, "prepared-transaction context");
    } else {
      throw new UnsupportedVersionException(
          "prepared-transaction context",
          Integer.toString(version),
          List.of("1 (unversioned)", "2", Integer.toString(VERSION)));
    }
    long epoch = in.l();
    List<NodeId> participants = in.nodes();
    PreparedContext c = new PreparedContext(epoch, participants, version == VERSION && in.b());
    in.end();
    return c;
  }
}
