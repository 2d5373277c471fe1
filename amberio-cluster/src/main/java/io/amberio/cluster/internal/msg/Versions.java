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

import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.replica.VersionChecksums;
import java.util.ArrayList;
import java.util.List;

/**
 * VERSIONS: up to {@code limit} versions of {@code slot} after blob id {@code after}, in blob-id
 * order.
 */
public record Versions(int slot, BlobId after, int limit) {
  public static final String TYPE = "versions";

  public byte[] encode() {
    return Header.writer().i(slot).id(after).i(limit).done();
  }

  public static Versions decode(byte[] header) {
    Header.Reader in = Header.reader(header, TYPE);
    Versions m = new Versions(in.i(), in.id(), in.i());
    in.end();
    return m;
  }

  /**
   * A page of the source's versions. Trailing, optional (a source of the release before sends none,
   * and a learner of the release before reads none): the small live versions whose bytes travel in
   * the reply's body, in page order, each with the checksums the source keeps of it, so that the
   * learner needs no FETCH for them. {@code inline} is empty when there are none.
   */
  public record Reply(List<BlobInfo> versions, List<Inline> inline) {
    public Reply {
      versions = List.copyOf(versions);
      inline = List.copyOf(inline);
    }

    public Reply(List<BlobInfo> versions) {
      this(versions, List.of());
    }

    /** The bytes of {@code versions.get(index)} follow in the body, {@code size} of them. */
    public record Inline(int index, VersionChecksums checksums) {}

    public byte[] encode() {
      Header.Writer w = Header.writer().infos(versions);
      if (!inline.isEmpty()) {
        w.i(inline.size());
        for (Inline x : inline) {
          int[] crcs = x.checksums().crcs();
          w.i(x.index()).i(x.checksums().chunkSize()).i(crcs.length);
          for (int c : crcs) {
            w.i(c);
          }
        }
      }
      return w.done();
    }

    public static Reply decode(byte[] header) {
      Header.Reader in = Header.reader(header, TYPE + " reply");
      List<BlobInfo> versions = in.infos();
      List<Inline> inline = new ArrayList<>();
      if (in.more()) {
        int n = in.count(versions.size());
        int last = -1;
        for (int k = 0; k < n; k++) {
          int index = in.i();
          if (index <= last || index >= versions.size()) {
            throw new IllegalArgumentException(
                "versions reply: inline index " + index + " out of order or range");
          }
          last = index;
          int chunkSize = in.i();
          int[] crcs = new int[in.count(1 << 16)];
          for (int i = 0; i < crcs.length; i++) {
            crcs[i] = in.i();
          }
          inline.add(new Inline(index, new VersionChecksums(chunkSize, crcs)));
        }
      }
      in.end();
      return new Reply(versions, inline);
    }
  }
}
