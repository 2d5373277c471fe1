package io.amberio.cluster.internal.msg;

import io.amberio.core.BlobId;

/** ABORT: drops a locked or prepared transaction (refused if it is committed there). */
public record Abort(BlobId txn) {
  public static final String TYPE = "abort";

  public byte[] encode() {
    return Header.writer().id(txn).done();
  }

  public static Abort decode(byte[] header) {
    Header.Reader in = Header.reader(header, TYPE);
    Abort m = new Abort(in.id());
    in.end();
    if (m.txn == null) {
      throw new IllegalArgumentException("abort without a transaction id");
    }
    return m;
  }

  /** Done (no fields). */
  public record Reply() {
    public byte[] encode() {
      return Header.writer().done();
    }

    public static Reply decode(byte[] header) {
      Header.reader(header, TYPE + " reply").end();
      return new Reply();
    }
  }
}
