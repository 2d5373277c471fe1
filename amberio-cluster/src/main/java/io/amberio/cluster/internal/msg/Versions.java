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

  public record Reply(List<BlobInfo> versions) {
    public Reply {
      versions = List.copyOf(versions);
    }

    public byte[] encode() {
      return Header.writer().infos(versions).done();
    }

    public static Reply decode(byte[] header) {
      Header.Reader in = Header.reader(header, TYPE + " reply");
      Reply r = new Reply(in.infos());
      in.end();
      return r;
    }
  }
}
