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
package io.amberio.core.internal.journal;

import io.amberio.core.internal.row.PreparedRow;
import io.amberio.core.internal.row.VersionRow;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One metadata change of one slot, as the journal stores it. Each record says what the change
 * <em>is</em> (the decided row, the version to tombstone), never how to decide it, so applying it
 * is idempotent: replay after a crash may apply a record that the slot database already holds, and
 * the result is the same.
 */
public sealed interface JournalRecord {

  /** The slot the change belongs to. */
  int slot();

  /** A new version (live or marker); also drops the reclaim record of its blob. */
  record PutVersion(int slot, VersionRow row, byte[] inlineData) implements JournalRecord {}

  /** Version {@code version} of {@code path} becomes tombstoned at {@code at}. */
  record Tombstone(int slot, String path, long version, long at) implements JournalRecord {}

  /** The directory of {@code blobId} may exist and must go unless its version is committed. */
  record AddReclaim(int slot, String blobId, long at) implements JournalRecord {}

  /** The directory of {@code blobId} is gone. */
  record RemoveReclaim(int slot, String blobId) implements JournalRecord {}

  /** Garbage collection removes these versions; chunked ones get reclaim records. */
  record Collect(int slot, List<Removed> removed, long at) implements JournalRecord {
    public Collect {
      removed = List.copyOf(removed);
    }
  }

  /** One version removed by garbage collection. */
  record Removed(String path, long version, String blobId, boolean chunked) {}

  /**
   * A two-phase-commit transaction becomes durably prepared: its row (with the inline bytes of a
   * small PUT; a chunked PUT's reclaim record stays until the transaction is decided).
   */
  record Prepare(int slot, PreparedRow row, byte[] inlineData) implements JournalRecord {}

  /**
   * A prepared PUT or MARKER is committed as this version: like {@link PutVersion}, and the
   * prepared row of the transaction ({@code row.blobId()}) goes.
   */
  record CommitPrepared(int slot, VersionRow row, byte[] inlineData) implements JournalRecord {}

  /**
   * A prepared tombstone is committed: version {@code version} of {@code path} becomes tombstoned
   * at {@code at} (as {@link Tombstone}), the transaction is remembered for that version, and its
   * prepared row goes.
   */
  record CommitTombstone(int slot, String txn, String path, long version, long at)
      implements JournalRecord {}

  /**
   * A prepared transaction is dropped; the reclaim record of a chunked PUT stays, for the bytes.
   */
  record AbortPrepared(int slot, String txn) implements JournalRecord {}

  // ------------------------------------------------------------------ encoding

  /** Serializes a record (without the journal's framing). */
  static byte[] encode(JournalRecord r) {
    byte[] inline =
        r instanceof PutVersion p
            ? p.inlineData()
            : r instanceof CommitPrepared c
                ? c.inlineData()
                : r instanceof Prepare q ? q.inlineData() : null;
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream(64 + (inline != null ? inline.length : 0));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      if (r instanceof PutVersion p) {
        out.writeByte(1);
        out.writeInt(p.slot());
        writeVersion(out, p.row(), p.inlineData());
      } else if (r instanceof CommitPrepared c) {
        out.writeByte(7);
        out.writeInt(c.slot());
        writeVersion(out, c.row(), c.inlineData());
      } else if (r instanceof Prepare q) {
        out.writeByte(6);
        out.writeInt(q.slot());
        PreparedRow v = q.row();
        out.writeUTF(v.txn());
        out.writeUTF(v.path());
        out.writeByte(v.kind());
        out.writeLong(v.tombstoneVersion());
        writeNullable(out, v.contentType());
        out.writeLong(v.createdAt());
        writeBytes(out, v.context());
        out.writeLong(v.maxVersion());
        out.writeLong(v.size());
        out.writeInt(v.chunkSize());
        out.writeInt(v.chunkCount());
        writeBytes(out, v.checksums());
        out.writeBoolean(v.inline());
        writeBytes(out, q.inlineData() == null ? new byte[0] : q.inlineData());
        out.writeLong(v.preparedAt());
      } else if (r instanceof CommitTombstone t) {
        out.writeByte(8);
        out.writeInt(t.slot());
        out.writeUTF(t.txn());
        out.writeUTF(t.path());
        out.writeLong(t.version());
        out.writeLong(t.at());
      } else if (r instanceof AbortPrepared a) {
        out.writeByte(9);
        out.writeInt(a.slot());
        out.writeUTF(a.txn());
      } else if (r instanceof Tombstone t) {
        out.writeByte(2);
        out.writeInt(t.slot());
        out.writeUTF(t.path());
        out.writeLong(t.version());
        out.writeLong(t.at());
      } else if (r instanceof AddReclaim a) {
        out.writeByte(3);
        out.writeInt(a.slot());
        out.writeUTF(a.blobId());
        out.writeLong(a.at());
      } else if (r instanceof RemoveReclaim d) {
        out.writeByte(4);
        out.writeInt(d.slot());
        out.writeUTF(d.blobId());
      } else if (r instanceof Collect c) {
        out.writeByte(5);
        out.writeInt(c.slot());
        out.writeLong(c.at());
        out.writeInt(c.removed().size());
        for (Removed x : c.removed()) {
          out.writeUTF(x.path());
          out.writeLong(x.version());
          out.writeUTF(x.blobId());
          out.writeBoolean(x.chunked());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Parses what {@link #encode} wrote. */
  static JournalRecord decode(byte[] data) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
    int type = in.readUnsignedByte();
    int slot = in.readInt();
    return switch (type) {
      case 1 -> {
        VersionRow row = readVersion(in);
        byte[] inlineData = readBytes(in);
        yield new PutVersion(slot, row, row.inline() ? inlineData : null);
      }
      case 7 -> {
        VersionRow row = readVersion(in);
        byte[] inlineData = readBytes(in);
        yield new CommitPrepared(slot, row, row.inline() ? inlineData : null);
      }
      case 6 -> {
        String txn = in.readUTF();
        String path = in.readUTF();
        int kind = in.readUnsignedByte();
        long tombstoneVersion = in.readLong();
        String contentType = readNullable(in);
        long createdAt = in.readLong();
        byte[] context = readBytes(in);
        long maxVersion = in.readLong();
        long size = in.readLong();
        int chunkSize = in.readInt();
        int chunkCount = in.readInt();
        byte[] checksums = readBytes(in);
        boolean inline = in.readBoolean();
        byte[] inlineData = readBytes(in);
        long preparedAt = in.readLong();
        PreparedRow row =
            new PreparedRow(
                txn,
                path,
                kind,
                tombstoneVersion,
                contentType,
                createdAt,
                context,
                maxVersion,
                size,
                chunkSize,
                chunkCount,
                checksums,
                inline,
                null,
                preparedAt);
        yield new Prepare(slot, row, inline ? inlineData : null);
      }
      case 8 -> new CommitTombstone(slot, in.readUTF(), in.readUTF(), in.readLong(), in.readLong());
      case 9 -> new AbortPrepared(slot, in.readUTF());
      case 2 -> new Tombstone(slot, in.readUTF(), in.readLong(), in.readLong());
      case 3 -> new AddReclaim(slot, in.readUTF(), in.readLong());
      case 4 -> new RemoveReclaim(slot, in.readUTF());
      case 5 -> {
        long at = in.readLong();
        int n = in.readInt();
        List<Removed> removed = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          removed.add(new Removed(in.readUTF(), in.readLong(), in.readUTF(), in.readBoolean()));
        }
        yield new Collect(slot, removed, at);
      }
      default -> throw new IOException("unknown journal record type " + type);
    };
  }

  // The body of a PutVersion and of a CommitPrepared: the decided row, then the inline bytes.
  private static void writeVersion(DataOutputStream out, VersionRow v, byte[] inlineData)
      throws IOException {
    out.writeUTF(v.path());
    out.writeLong(v.version());
    out.writeUTF(v.blobId());
    out.writeByte(v.state());
    out.writeLong(v.size());
    writeNullable(out, v.contentType());
    out.writeLong(v.createdAt());
    out.writeLong(v.stateChangedAt());
    out.writeInt(v.chunkSize());
    out.writeInt(v.chunkCount());
    writeBytes(out, v.checksums());
    out.writeBoolean(v.inline());
    writeBytes(out, inlineData == null ? new byte[0] : inlineData);
  }

  private static VersionRow readVersion(DataInputStream in) throws IOException {
    String path = in.readUTF();
    long version = in.readLong();
    String blobId = in.readUTF();
    int state = in.readUnsignedByte();
    long size = in.readLong();
    String contentType = readNullable(in);
    long createdAt = in.readLong();
    long changedAt = in.readLong();
    int chunkSize = in.readInt();
    int chunkCount = in.readInt();
    byte[] checksums = readBytes(in);
    boolean inline = in.readBoolean();
    return new VersionRow(
        path,
        version,
        blobId,
        state,
        size,
        contentType,
        createdAt,
        changedAt,
        chunkSize,
        chunkCount,
        checksums,
        inline,
        null);
  }

  private static void writeNullable(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUTF(s);
    }
  }

  private static String readNullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > (16 << 20)) {
      throw new IOException("bad byte array length " + n);
    }
    return in.readNBytes(n);
  }
}
