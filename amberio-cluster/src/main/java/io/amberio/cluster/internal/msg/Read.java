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
import io.amberio.core.ByteRange;
import java.util.OptionalLong;

/**
 * READ: a get or a head of {@code path} (its current version, or {@code version}), served by a
 * replica in sync under the request's epoch; a get's bytes come back as the reply's body.
 */
public record Read(int slot, String path, OptionalLong version, ByteRange range, boolean headOnly) {
  public static final String TYPE = "read";

  public byte[] encode() {
    return Header.writer()
        .i(slot)
        .s(path)
        .b(version.isPresent())
        .l(version.orElse(0))
        .i(range.kind().ordinal())
        .l(range.first())
        .l(range.last())
        .b(headOnly)
        .done();
  }

  public static Read decode(byte[] header) {
    Header.Reader in = Header.reader(header, TYPE);
    int slot = in.i();
    String path = in.s();
    boolean hasVersion = in.b();
    long version = in.l();
    ByteRange.Kind kind = in.ordinal(ByteRange.Kind.class);
    long first = in.l();
    long last = in.l();
    boolean headOnly = in.b();
    in.end();
    return new Read(
        slot,
        path,
        hasVersion ? OptionalLong.of(version) : OptionalLong.empty(),
        new ByteRange(kind, first, last),
        headOnly);
  }

  /** The version read and the range of it in the body ({@code 0, size} for a head). */
  public record Reply(BlobInfo info, long offset, long length) {
    public byte[] encode() {
      return Header.writer().info(info).l(offset).l(length).done();
    }

    public static Reply decode(byte[] header) {
      Header.Reader in = Header.reader(header, TYPE + " reply");
      Reply r = new Reply(in.info(), in.l(), in.l());
      in.end();
      return r;
    }
  }
}
