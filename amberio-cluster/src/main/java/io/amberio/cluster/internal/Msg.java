package io.amberio.cluster.internal;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The headers of internal messages: a versionless, field-by-field binary encoding (both ends run the same
 * code). Bodies, when a message has one, travel as frames beside the header.
 */
public final class Msg {
  // Request types.
  public static final String LOCK = "lock";
  public static final String DATA = "data";
  public static final String COMMIT = "commit";
  public static final String ABORT = "abort";
  public static final String STATUS = "status";
  public static final String READ = "read";
  public static final String LIST = "list";
  public static final String FENCE = "fence";
  public static final String VERSIONS = "versions";
  public static final String FETCH = "fetch";

  // Handler error codes (the far side of HandlerException).
  /** The sender's epoch is not the replica's; the header of the error message names the replica's. */
  public static final String STALE_EPOCH = "stale-epoch";
  /** The replica may not serve this (not in sync, lease not valid, not a participant). */
  public static final String NOT_SERVING = "not-serving";

  private Msg() {}

  /** Writes a header. */
  public static final class Out {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    private final DataOutputStream out = new DataOutputStream(bytes);

    public Out i(int v) {
      try {
        out.writeInt(v);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    public Out l(long v) {
      try {
        out.writeLong(v);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    public Out b(boolean v) {
      try {
        out.writeBoolean(v);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    /** A string, possibly null. */
    public Out s(String v) {
      try {
        out.writeBoolean(v != null);
        if (v != null) {
          byte[] b = v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
          out.writeInt(b.length);
          out.write(b);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    public Out bytes(byte[] v) {
      try {
        out.writeInt(v.length);
        out.write(v);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    public Out nodes(List<NodeId> ids) {
      i(ids.size());
      for (NodeId n : ids) {
        s(n.value());
      }
      return this;
    }

    public Out info(BlobInfo v) {
      s(v.path()).l(v.version()).s(v.blobId().toString()).i(v.state().ordinal()).l(v.size()).s(v.etag())
          .s(v.contentType());
      return l(v.lastModified().toEpochMilli());
    }

    public byte[] done() {
      return bytes.toByteArray();
    }
  }

  /** Reads a header; malformed input throws {@link IllegalArgumentException}. */
  public static final class In {
    private final DataInputStream in;

    public In(byte[] header) {
      this.in = new DataInputStream(new ByteArrayInputStream(header));
    }

    public int i() {
      try {
        return in.readInt();
      } catch (IOException e) {
        throw bad(e);
      }
    }

    public long l() {
      try {
        return in.readLong();
      } catch (IOException e) {
        throw bad(e);
      }
    }

    public boolean b() {
      try {
        return in.readBoolean();
      } catch (IOException e) {
        throw bad(e);
      }
    }

    public String s() {
      try {
        if (!in.readBoolean()) {
          return null;
        }
        return new String(raw(), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw bad(e);
      }
    }

    public byte[] bytes() {
      try {
        return raw();
      } catch (IOException e) {
        throw bad(e);
      }
    }

    private byte[] raw() throws IOException {
      int n = in.readInt();
      if (n < 0 || n > in.available()) {
        throw new IOException("length " + n + " past the end of the header");
      }
      return in.readNBytes(n);
    }

    public List<NodeId> nodes() {
      int n = i();
      if (n < 0 || n > 64) {
        throw new IllegalArgumentException("bad node count " + n);
      }
      List<NodeId> ids = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        ids.add(NodeId.of(s()));
      }
      return ids;
    }

    public BlobInfo info() {
      String path = s();
      long version = l();
      BlobId id = BlobId.parse(s());
      int state = i();
      if (state < 0 || state >= VersionState.values().length) {
        throw new IllegalArgumentException("bad state " + state);
      }
      long size = l();
      String etag = s();
      String type = s();
      long at = l();
      return new BlobInfo(path, version, id, VersionState.values()[state], size, etag, type, Instant.ofEpochMilli(at));
    }

    private static IllegalArgumentException bad(IOException e) {
      return new IllegalArgumentException("malformed message header: " + e.getMessage(), e);
    }
  }
}
