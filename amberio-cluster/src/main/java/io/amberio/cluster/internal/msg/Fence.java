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

/**
 * FENCE: answers once the replica holds no transaction of {@code slot} prepared under an epoch
 * older than the request's (sent by a learner before it copies from that replica).
 */
public record Fence(int slot) {
  public static final String TYPE = "fence";

  public byte[] encode() {
    return Header.writer().i(slot).done();
  }

  public static Fence decode(byte[] header) {
    Header.Reader in = Header.reader(header, TYPE);
    Fence m = new Fence(in.i());
    in.end();
    return m;
  }

  /**
   * Done, with what the source holds of the slot, so that the learner can tell how much is left to
   * copy: {@code versions} and {@code bytes}, both -1 from a source of the release before, whose
   * reply had no fields (they are read only when present).
   */
  public record Reply(long versions, long bytes) {
    public byte[] encode() {
      return Header.writer().l(versions).l(bytes).done();
    }

    public static Reply decode(byte[] header) {
      Header.Reader in = Header.reader(header, TYPE + " reply");
      if (!in.more()) {
        return new Reply(-1, -1);
      }
      Reply r = new Reply(in.l(), in.l());
      in.end();
      return r;
    }
  }
}
