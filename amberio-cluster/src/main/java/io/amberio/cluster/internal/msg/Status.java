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

/** STATUS: whether a transaction is still open (locked or prepared) on the replica. */
public record Status(BlobId txn) {
  public static final String TYPE = "status";

  public byte[] encode() {
    return Header.writer().id(txn).done();
  }

  public static Status decode(byte[] header) {
    Header.Reader in = Header.reader(header, TYPE);
    Status m = new Status(in.id());
    in.end();
    if (m.txn == null) {
      throw new IllegalArgumentException("status without a transaction id");
    }
    return m;
  }

  public record Reply(boolean open) {
    public byte[] encode() {
      return Header.writer().b(open).done();
    }

    public static Reply decode(byte[] header) {
      Header.Reader in = Header.reader(header, TYPE + " reply");
      Reply r = new Reply(in.b());
      in.end();
      return r;
    }
  }
}
