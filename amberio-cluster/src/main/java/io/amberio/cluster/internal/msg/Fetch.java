package io.amberio.cluster.internal.msg;

import io.amberio.core.BlobInfo;

/** FETCH: one version's metadata and bytes (the reply's body), for catch-up. */
public record Fetch(int slot, String path, long version) {
  public static final String TYPE = "fetch";

  public byte[] encode() {
    return Header.writer().i(slot).s(path).l(version).done();
  }

  public static Fetch decode(byte[] header) {
    Header.Reader in = Header.reader(header, TYPE);
    Fetch m = new Fetch(in.i(), in.s(), in.l());
    in.end();
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
