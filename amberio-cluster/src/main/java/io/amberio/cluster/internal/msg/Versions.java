package io.amberio.cluster.internal.msg;

import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import java.util.List;

/** VERSIONS: up to {@code limit} versions of {@code slot} after blob id {@code after}, in blob-id order. */
public record Versions(int slot, BlobId after, int limit) {
  public static final String TYPE = "versions";

  public byte[] encode() {
    return Header.writer().i(slot).id(after).i(limit).done();
  }

  public static Versions decode(byte[] header) {
    Header.Reader in = Header.reader(header, TYPE);
    Versions m = new Versions(in.i(), in.id(), in.i());
    in.end();
    return m;
  }

  public record Reply(List<BlobInfo> versions) {
    public Reply {
      versions = List.copyOf(versions);
    }

    public byte[] encode() {
      return Header.writer().infos(versions).done();
    }

    public static Reply decode(byte[] header) {
      Header.Reader in = Header.reader(header, TYPE + " reply");
      Reply r = new Reply(in.infos());
      in.end();
      return r;
    }
  }
}
