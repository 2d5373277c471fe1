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

import io.amberio.cluster.NodeId;
import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.VersionState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The binary form every internal message header shares: one byte of format version ({@link
 * #VERSION}), then the message's fields in a fixed order (big-endian ints and longs, strings as a
 * presence flag, a length and UTF-8 bytes). Bodies, when a message has one, travel as frames beside
 * the header.
 *
 * <p>Release 0.1 wrote the same fields without the version byte; that unversioned form counts as
 * version 1. Its first byte was always 0 or 1 (the high byte of an int or long, or a presence
 * flag), so a header of that release is refused as version 0 or 1 rather than misread. A reader
 * refuses any version but {@link #VERSION} with an {@link UnsupportedVersionException}, which the
 * handler returns to the sender as {@link Codes#UNSUPPORTED_VERSION}; it also refuses bytes left
 * over after the last field.
 */
public final class Header {
  /** The header format this release writes and reads. */
  public static final int VERSION = 2;

  private Header() {}

  /** A writer whose first byte is the format version. */
  static Writer writer() {
    return new Writer().u8(VERSION);
  }

  /**
   * A reader of a header of {@code what} (for errors); refuses any version but {@link #VERSION}.
   */
  static Reader reader(byte[] header, String what) {
    if (header.length == 0) {
      throw new IllegalArgumentException("empty " + what + " header: no format version");
    }
    int version = header[0] & 0xff;
    if (version != VERSION) {
      throw new UnsupportedVersionException(
          what + " message", Integer.toString(version), List.of(Integer.toString(VERSION)));
    }
    return new Reader(header, 1, what);
  }

  /** Writes fields into a growing array (the bytes DataOutputStream would write). */
  static final class Writer {
    private byte[] buf = new byte[128];
    private int n;

    private void room(int more) {
      if (n + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(n + more, 2 * buf.length));
      }
    }

    Writer u8(int v) {
      room(1);
      buf[n++] = (byte) v;
      return this;
    }

    Writer i(int v) {
      room(4);
      buf[n++] = (byte) (v >>> 24);
      buf[n++] = (byte) (v >>> 16);
      buf[n++] = (byte) (v >>> 8);
      buf[n++] = (byte) v;
      return this;
    }

    Writer l(long v) {
      return i((int) (v >>> 32)).i((int) v);
    }

    Writer b(boolean v) {
      return u8(v ? 1 : 0);
    }

    private Writer raw(byte[] b) {
      room(b.length);
      System.arraycopy(b, 0, buf, n, b.length);
      n += b.length;
      return this;
    }

    /** A string, possibly null. */
    Writer s(String v) {
      if (v == null) {
        return b(false);
      }
      byte[] b = v.getBytes(StandardCharsets.UTF_8);
      return b(true).i(b.length).raw(b);
    }

    Writer id(BlobId v) {
      return s(v == null ? null : v.toString());
    }

    /** Bytes, possibly null: a presence flag, a length and the bytes. */
    Writer bytes(byte[] v) {
      if (v == null) {
        return b(false);
      }
      return b(true).i(v.length).raw(v);
    }

    Writer nodes(List<NodeId> ids) {
      i(ids.size());
      for (NodeId id : ids) {
        s(id.value());
      }
      return this;
    }

    Writer info(BlobInfo v) {
      s(v.path())
          .l(v.version())
          .s(v.blobId().toString())
          .i(v.state().ordinal())
          .l(v.size())
          .s(v.etag())
          .s(v.contentType());
      return l(v.lastModified().toEpochMilli());
    }

    Writer infos(List<BlobInfo> list) {
      i(list.size());
      for (BlobInfo b : list) {
        info(b);
      }
      return this;
    }

    byte[] done() {
      return Arrays.copyOf(buf, n);
    }
  }

  /** Reads fields; malformed input throws {@link IllegalArgumentException}. */
  static final class Reader {
    private final byte[] in;
    private int at;
    private final String what;

    Reader(byte[] header, int offset, String what) {
      this.in = header;
      this.at = offset;
      this.what = what;
    }

    private int need(int k) {
      if (in.length - at < k) {
        throw new IllegalArgumentException(
            "malformed " + what + " header: it ends before a field of " + k + " bytes");
      }
      int from = at;
      at += k;
      return from;
    }

    int i() {
      int p = need(4);
      return (in[p] & 0xff) << 24
          | (in[p + 1] & 0xff) << 16
          | (in[p + 2] & 0xff) << 8
          | (in[p + 3] & 0xff);
    }

    /**
     * Whether fields are left: for a field added at the end of a message later, which a reader
     * reads only when the sender wrote it (a sender of the release before did not).
     */
    boolean more() {
      return at < in.length;
    }

    long l() {
      long hi = i();
      return hi << 32 | (i() & 0xffffffffL);
    }

    boolean b() {
      return in[need(1)] != 0;
    }

    private int length() {
      int k = i();
      if (k < 0 || k > in.length - at) {
        throw new IllegalArgumentException(
            "malformed " + what + " header: length " + k + " past the end of the header");
      }
      return k;
    }

    String s() {
      if (!b()) {
        return null;
      }
      int k = length();
      return new String(in, need(k), k, StandardCharsets.UTF_8);
    }

    /** Bytes written by {@link Writer#bytes}, possibly null. */
    byte[] bytes() {
      if (!b()) {
        return null;
      }
      int k = length();
      int p = need(k);
      return Arrays.copyOfRange(in, p, p + k);
    }

    /** A blob or transaction id, possibly null. */
    BlobId id() {
      String s = s();
      return s == null ? null : BlobId.parse(s);
    }

    /** A count of at most {@code max} items. */
    int count(int max) {
      int k = i();
      if (k < 0 || k > max) {
        throw new IllegalArgumentException("malformed " + what + " header: bad count " + k);
      }
      return k;
    }

    <E extends Enum<E>> E ordinal(Class<E> type) {
      int k = i();
      E[] all = type.getEnumConstants();
      if (k < 0 || k >= all.length) {
        throw new IllegalArgumentException(
            "malformed " + what + " header: no " + type.getSimpleName() + " " + k);
      }
      return all[k];
    }

    List<NodeId> nodes() {
      int k = count(64);
      List<NodeId> ids = new ArrayList<>(k);
      for (int j = 0; j < k; j++) {
        ids.add(NodeId.of(s()));
      }
      return ids;
    }

    BlobInfo info() {
      String path = s();
      long version = l();
      BlobId id = BlobId.parse(s());
      VersionState state = ordinal(VersionState.class);
      long size = l();
      String etag = s();
      String type = s();
      long time = l();
      return new BlobInfo(path, version, id, state, size, etag, type, Instant.ofEpochMilli(time));
    }

    List<BlobInfo> infos() {
      int k = count(Integer.MAX_VALUE);
      List<BlobInfo> list = new ArrayList<>(Math.min(k, 1024));
      for (int j = 0; j < k; j++) {
        list.add(info());
      }
      return list;
    }

    /** Checks that every byte was read. */
    void end() {
      int left = in.length - at;
      if (left != 0) {
        throw new IllegalArgumentException(
            "malformed " + what + " header: " + left + " bytes after the last field");
      }
    }
  }
}
