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

  public record Reply(BlobInfo info) {
    public byte[] encode() {
      return Header.writer().info(info).done();
    }

    public static Reply decode(byte[] header) {
      Header.Reader in = Header.reader(header, TYPE + " reply");
      Reply r = new Reply(in.info());
      in.end();
      return r;
    }
  }
}
