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

/**
 * DATA, the second half of a prepare: the body (frames beside the header) of a locked transaction,
 * under the epoch of its LOCK; the participant answers once the transaction is durably prepared.
 */
public record Data(BlobId txn) {
  public static final String TYPE = "data";

  public byte[] encode() {
    return Header.writer().id(txn).done();
  }

  public static Data decode(byte[] header) {
    Header.Reader in = Header.reader(header, TYPE);
    Data m = new Data(in.id());
    in.end();
    if (m.txn == null) {
      throw new IllegalArgumentException("data without a transaction id");
    }
    return m;
  }

  /** The participant's highest version of the path when the transaction became prepared. */
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
