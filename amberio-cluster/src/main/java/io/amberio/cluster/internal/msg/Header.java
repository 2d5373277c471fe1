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
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
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

  /** Writes fields. */
  static final class Writer {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    private final DataOutputStream out = new DataOutputStream(bytes);

    private interface Step {
      void run() throws IOException;
    }

    private Writer put(Step s) {
      try {
        s.run();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    Writer u8(int v) {
      return put(() -> out.writeByte(v));
    }

    Writer i(int v) {
      return put(() -> out.writeInt(v));
    }

    Writer l(long v) {
      return put(() -> out.writeLong(v));
    }

    Writer b(boolean v) {
      return put(() -> out.writeBoolean(v));
    }

    /** A string, possibly null. */
    Writer s(String v) {
      return put(
          () -> {
            out.writeBoolean(v != null);
            if (v != null) {
              byte[] b = v.getBytes(StandardCharsets.UTF_8);
              out.writeInt(b.length);
              out.write(b);
            }
          });
    }

    Writer id(BlobId v) {
      return s(v == null ? null : v.toString());
    }

    /** Bytes, possibly null: a presence flag, a length and the bytes. */
    Writer bytes(byte[] v) {
      return put(
          () -> {
            out.writeBoolean(v != null);
            if (v != null) {
              out.writeInt(v.length);
              out.write(v);
            }
          });
    }

    Writer nodes(List<NodeId> ids) {
      i(ids.size());
      for (NodeId n : ids) {
        s(n.value());
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
      return bytes.toByteArray();
    }
  }

  /** Reads fields; malformed input throws {@link IllegalArgumentException}. */
  static final class Reader {
    private final DataInputStream in;
    private final String what;

    Reader(byte[] header, int offset, String what) {
      this.in =
          new DataInputStream(new ByteArrayInputStream(header, offset, header.length - offset));
      this.what = what;
    }

    private interface Step<T> {
      T run() throws IOException;
    }

    private <T> T get(Step<T> s) {
      try {
        return s.run();
      } catch (IOException e) {
        throw new IllegalArgumentException("malformed " + what + " header: " + e.getMessage(), e);
      }
    }

    int i() {
      return get(in::readInt);
    }

    /**
     * Whether fields are left: for a field added at the end of a message later, which a reader
     * reads only when the sender wrote it (a sender of the release before did not).
     */
    boolean more() {
      return get(in::available) > 0;
    }

    long l() {
      return get(in::readLong);
    }

    boolean b() {
      return get(in::readBoolean);
    }

    String s() {
      return get(
          () -> {
            if (!in.readBoolean()) {
              return null;
            }
            int n = in.readInt();
            if (n < 0 || n > in.available()) {
              throw new IOException("length " + n + " past the end of the header");
            }
            return new String(in.readNBytes(n), StandardCharsets.UTF_8);
          });
    }

    /** Bytes written by {@link Writer#bytes}, possibly null. */
    byte[] bytes() {
      return get(
          () -> {
            if (!in.readBoolean()) {
              return null;
            }
            int n = in.readInt();
            if (n < 0 || n > in.available()) {
              throw new IOException("length " + n + " past the end of the header");
            }
            return in.readNBytes(n);
          });
    }

    /** A blob or transaction id, possibly null. */
    BlobId id() {
      String s = s();
      return s == null ? null : BlobId.parse(s);
    }

    /** A count of at most {@code max} items. */
    int count(int max) {
      int n = i();
      if (n < 0 || n > max) {
        throw new IllegalArgumentException("malformed " + what + " header: bad count " + n);
      }
      return n;
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
      int n = count(64);
      List<NodeId> ids = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
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
      long at = l();
      return new BlobInfo(path, version, id, state, size, etag, type, Instant.ofEpochMilli(at));
    }

    List<BlobInfo> infos() {
      int n = count(Integer.MAX_VALUE);
      List<BlobInfo> list = new ArrayList<>(Math.min(n, 1024));
      for (int k = 0; k < n; k++) {
        list.add(info());
      }
      return list;
    }

    /** Checks that every byte was read. */
    void end() {
      int left = get(in::available);
      if (left != 0) {
        throw new IllegalArgumentException(
            "malformed " + what + " header: " + left + " bytes after the last field");
      }
    }
  }
}
