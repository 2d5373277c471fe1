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

/**
 * COMMIT: applies a decided transaction as {@code version}; answers the committed version's
 * metadata.
 */
public record Commit(BlobId txn, long version) {
  public static final String TYPE = "commit";

  public byte[] encode() {
    return Header.writer().id(txn).l(version).done();
  }

  public static Commit decode(byte[] header) {
    Header.Reader in = Header.reader(header, TYPE);
    Commit m = new Commit(in.id(), in.l());
    in.end();
    if (m.txn == null) {
      throw new IllegalArgumentException("commit without a transaction id");
    }
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
