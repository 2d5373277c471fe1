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

import io.amberio.core.replica.TxnKind;
import java.util.Arrays;
import java.util.Objects;

/**
 * PREPARE, LOCK and DATA in one request: the coordinator of a write whose bytes it holds in memory
 * sends the lock's fields and the bytes together, and the participant takes the path lock, stores
 * the bytes and makes the transaction durably prepared in one step. The bytes travel in the header
 * when they are at most {@link #INLINE_BYTES} ({@code inline} not null), otherwise as the request's
 * body. The reply is DATA's: the participant's highest version of the path when the transaction
 * became prepared.
 *
 * <p>Added after LOCK and DATA, which every node still serves: a node of the release before answers
 * PREPARE with {@code bad-request}, and the coordinator then falls back to LOCK and DATA.
 */
public record Prepare(Lock lock, byte[] inline) {
  public static final String TYPE = "prepare";

  /** The most bytes carried in the header itself (headers are at most 64 KiB). */
  public static final int INLINE_BYTES = 32 << 10;

  public Prepare {
    Objects.requireNonNull(lock, "lock");
    if (inline != null && inline.length > INLINE_BYTES) {
      throw new IllegalArgumentException(
          "at most " + INLINE_BYTES + " bytes travel in the header, not " + inline.length);
    }
  }

  public byte[] encode() {
    return Header.writer()
        .i(lock.slot())
        .id(lock.txn())
        .s(lock.path())
        .i(lock.kind().ordinal())
        .l(lock.tombstone())
        .s(lock.contentType())
        .l(lock.createdAt())
        .nodes(lock.participants())
        .bytes(inline)
        .done();
  }

  public static Prepare decode(byte[] header) {
    Header.Reader in = Header.reader(header, TYPE);
    Lock l =
        new Lock(
            in.i(), in.id(), in.s(), in.ordinal(TxnKind.class), in.l(), in.s(), in.l(), in.nodes());
    byte[] inline = in.bytes();
    in.end();
    if (l.txn() == null) {
      throw new IllegalArgumentException("prepare without a transaction id");
    }
    if (inline != null && inline.length > INLINE_BYTES) {
      throw new IllegalArgumentException(
          "prepare with " + inline.length + " bytes in its header, more than " + INLINE_BYTES);
    }
    return new Prepare(l, inline);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Prepare p && p.lock.equals(lock) && Arrays.equals(p.inline, inline);
  }

  @Override
  public int hashCode() {
    return 31 * lock.hashCode() + Arrays.hashCode(inline);
  }

  @Override
  public String toString() {
    return "Prepare["
        + lock
        + ", inline="
        + (inline == null ? "no" : inline.length + " bytes")
        + "]";
  }
}
