package io.amberio.cluster.internal.msg;

/**
 * FENCE: answers once the replica holds no transaction of {@code slot} prepared under an epoch older than
 * the request's (sent by a learner before it copies from that replica).
 */
public record Fence(int slot) {
  public static final String TYPE = "fence";

  public byte[] encode() {
    return Header.writer().i(slot).done();
  }

  public static Fence decode(byte[] header) {
    Header.Reader in = Header.reader(header, TYPE);
    Fence m = new Fence(in.i());
    in.end();
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
