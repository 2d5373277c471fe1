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

import io.amberio.core.BlobInfo;
import io.amberio.core.replica.VersionChecksums;

/** FETCH: one version's metadata and bytes (the reply's body), for catch-up. */
public record Fetch(int slot, String path, long version) {
  public static final String TYPE = "fetch";

  public byte[] encode() {
    return Header.writer().i(slot).s(path).l(version).done();
  }

  public static Fetch decode(byte[] header) {
    Header.Reader in = Header.reader(header, TYPE);
    Fetch m = new Fetch(in.i(), in.s(), in.l());
    in.end();
    return m;
  }

  /**
   * The version, and the checksums the source keeps of it, which the learner checks the bytes
   * against before it imports them. A source of the release before sent no checksums (they are read
   * only when present): {@code checksums} is then null.
   */
  public record Reply(BlobInfo info, VersionChecksums checksums) {
    public byte[] encode() {
      Header.Writer w = Header.writer().info(info);
      if (checksums != null) {
        int[] crcs = checksums.crcs();
        w.i(checksums.chunkSize()).i(crcs.length);
        for (int c : crcs) {
          w.i(c);
        }
      }
      return w.done();
    }

    public static Reply decode(byte[] header) {
      Header.Reader in = Header.reader(header, TYPE + " reply");
      BlobInfo info = in.info();
      VersionChecksums sums = null;
      if (in.more()) {
        int chunkSize = in.i();
        int[] crcs = new int[in.count(1 << 24)];
        for (int i = 0; i < crcs.length; i++) {
          crcs[i] = in.i();
        }
        sums = new VersionChecksums(chunkSize, crcs);
      }
      in.end();
      return new Reply(info, sums);
    }
  }
}
