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
