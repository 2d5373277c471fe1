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
package io.amberio.cluster.transport.tcp;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.transport.FrameSource;
import io.amberio.cluster.transport.HandlerException;
import io.amberio.cluster.transport.Request;
import io.amberio.cluster.transport.SendOptions;
import io.amberio.cluster.transport.internal.Failures;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The wire format of {@link NetworkTransport}: frame kinds, payload layouts and the HMAC
 * construction (drawn in the design note of {@link NetworkTransport}). Pure functions; big-endian
 * throughout.
 */
final class Wire {

  static final int VERSION = 1;
  static final int LENGTH_BYTES = 4;
  static final int MAC_BYTES = 32;
  static final int NONCE_BYTES = 16;
  static final int ID_BYTES = 8;

  /** Smallest value of the length field: a kind byte and a MAC. */
  static final int MIN_FRAME_LENGTH = 1 + MAC_BYTES;

  /**
   * Largest value of the length field once authenticated: a full body frame plus room for fields.
   */
  static final int MAX_FRAME_LENGTH = FrameSource.MAX_FRAME_BYTES + 1024;

  /** Largest value of the length field before the handshake: nothing big is read from strangers. */
  static final int MAX_HANDSHAKE_FRAME_LENGTH = 1024;

  static final byte HELLO = 1;
  static final byte HELLO_OK = 2;
  static final byte REJECT = 3;
  static final byte REQUEST = 4;
  static final byte RESPONSE = 5;
  static final byte FAILURE = 6;
  static final byte DATA = 7;
  static final byte END = 8;
  static final byte CREDIT = 9;
  static final byte CANCEL = 10;
  static final byte STOP = 11;
  static final byte GOAWAY = 12;

  static final byte REJECT_AUTH = 1;
  static final byte REJECT_TOO_LARGE = 2;
  static final byte REJECT_PROTOCOL = 3;
  static final byte REJECT_WRONG_NODE = 4;
  static final byte REJECT_OVERLOADED = 5;

  /** Direction bytes in the MAC input, so a frame cannot be reflected back to its sender. */
  static final byte FROM_CLIENT = 'C';

  static final byte FROM_SERVER = 'S';

  static final int FLAG_BODY = 1;

  private static final byte[] HELLO_LABEL = ascii("amberio/1 hello");
  private static final byte[] HELLO_OK_LABEL = ascii("amberio/1 hello-ok");
  private static final byte[] SESSION_LABEL = ascii("amberio/1 session");

  private Wire() {}

  /** A payload that does not parse. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  // ---- handshake
  // ---------------------------------------------------------------------------------

  record Hello(int version, byte[] clientNonce, NodeId from, NodeId to, int window) {}

  record HelloOk(byte[] serverNonce, int window) {}

  static ByteBuffer hello(byte[] clientNonce, NodeId from, NodeId to, int window) {
    byte[] f = ascii(from.value());
    byte[] t = ascii(to.value());
    ByteBuffer b = ByteBuffer.allocate(1 + NONCE_BYTES + 1 + f.length + 1 + t.length + 4);
    b.put((byte) VERSION)
        .put(clientNonce)
        .put((byte) f.length)
        .put(f)
        .put((byte) t.length)
        .put(t)
        .putInt(window);
    return b.flip();
  }

  static Hello parseHello(ByteBuffer p) throws Malformed {
    int version = u8(p);
    byte[] nonce = bytes(p, NONCE_BYTES);
    NodeId from = nodeId(p);
    NodeId to = nodeId(p);
    int window = window(p);
    done(p);
    return new Hello(version, nonce, from, to, window);
  }

  static ByteBuffer helloOk(byte[] serverNonce, int window) {
    return ByteBuffer.allocate(NONCE_BYTES + 4).put(serverNonce).putInt(window).flip();
  }

  static HelloOk parseHelloOk(ByteBuffer p) throws Malformed {
    byte[] nonce = bytes(p, NONCE_BYTES);
    int window = window(p);
    done(p);
    return new HelloOk(nonce, window);
  }

  /** MAC of a HELLO: keyed by the cluster secret, over a label, the kind and the payload. */
  static byte[] helloMac(byte[] secret, byte kind, ByteBuffer payload) {
    Mac mac = mac(secret);
    mac.update(HELLO_LABEL);
    mac.update(kind);
    mac.update(payload.duplicate());
    return mac.doFinal();
  }

  /**
   * MAC of a HELLO_OK: as a HELLO's, also over the client's nonce, so it answers one connection
   * only.
   */
  static byte[] helloOkMac(byte[] secret, byte[] clientNonce, byte kind, ByteBuffer payload) {
    Mac mac = mac(secret);
    mac.update(HELLO_OK_LABEL);
    mac.update(clientNonce);
    mac.update(kind);
    mac.update(payload.duplicate());
    return mac.doFinal();
  }

  /** The key of one connection, from the secret, both nonces and both node ids. */
  static byte[] sessionKey(
      byte[] secret, byte[] clientNonce, byte[] serverNonce, NodeId client, NodeId server) {
    Mac mac = mac(secret);
    mac.update(SESSION_LABEL);
    mac.update(clientNonce);
    mac.update(serverNonce);
    mac.update(ascii(client.value()));
    mac.update((byte) 0);
    mac.update(ascii(server.value()));
    return mac.doFinal();
  }

  /** MAC of an authenticated frame: direction, implicit sequence number, kind, payload. */
  static byte[] frameMac(
      Mac sessionMac, byte direction, long seq, byte kind, ByteBuffer[] payload) {
    sessionMac.update(direction);
    for (int shift = 56; shift >= 0; shift -= 8) {
      sessionMac.update((byte) (seq >>> shift));
    }
    sessionMac.update(kind);
    for (ByteBuffer part : payload) {
      sessionMac.update(part.duplicate());
    }
    return sessionMac.doFinal();
  }

  static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }

  /** A whole frame, length prefix included, with the given MAC (REJECT frames carry zeros). */
  static ByteBuffer[] frame(byte kind, ByteBuffer[] payload, byte[] mac) {
    int length = 1 + MAC_BYTES;
    for (ByteBuffer p : payload) {
      length += p.remaining();
    }
    ByteBuffer[] frame = new ByteBuffer[payload.length + 2];
    frame[0] = ByteBuffer.allocate(LENGTH_BYTES + 1).putInt(length).put(kind).flip();
    for (int i = 0; i < payload.length; i++) {
      frame[i + 1] = payload[i].duplicate();
    }
    frame[frame.length - 1] = ByteBuffer.wrap(mac);
    return frame;
  }

  // ---- exchanges
  // ---------------------------------------------------------------------------------

  record RequestHead(
      long id, long epoch, long timeoutMillis, boolean hasBody, String type, byte[] header) {}

  record ResponseHead(long id, boolean hasBody, byte[] header) {}

  record FailureBody(long id, String code, String message) {}

  static ByteBuffer request(long id, Request r, long timeoutMillis) {
    byte[] type = ascii(r.type());
    byte[] header = r.header();
    ByteBuffer b = ByteBuffer.allocate(ID_BYTES + 8 + 8 + 1 + 1 + type.length + header.length);
    b.putLong(id)
        .putLong(r.epoch())
        .putLong(timeoutMillis)
        .put((byte) (r.hasBody() ? FLAG_BODY : 0));
    b.put((byte) type.length).put(type).put(header);
    return b.flip();
  }

  static RequestHead parseRequest(ByteBuffer p) throws Malformed {
    long id = id(p);
    long epoch = p.remaining() >= 8 ? p.getLong() : fail("truncated epoch");
    if (epoch < 0) {
      throw new Malformed("negative epoch " + epoch);
    }
    long timeout = p.remaining() >= 8 ? p.getLong() : fail("truncated timeout");
    if (timeout <= 0 || timeout > SendOptions.MAX_TIMEOUT.toMillis()) {
      throw new Malformed("timeout out of range: " + timeout + " ms");
    }
    int flags = u8(p);
    int typeLength = u8(p);
    String type = new String(bytes(p, typeLength), StandardCharsets.US_ASCII);
    byte[] header = bytes(p, p.remaining());
    if (header.length > Request.MAX_HEADER_BYTES) {
      throw new Malformed("header of " + header.length + " bytes");
    }
    try {
      Request.of(type, epoch, new byte[0]);
    } catch (IllegalArgumentException e) {
      throw new Malformed(e.getMessage());
    }
    return new RequestHead(id, epoch, timeout, (flags & FLAG_BODY) != 0, type, header);
  }

  static ByteBuffer response(long id, boolean hasBody, byte[] header) {
    return ByteBuffer.allocate(ID_BYTES + 1 + header.length)
        .putLong(id)
        .put((byte) (hasBody ? FLAG_BODY : 0))
        .put(header)
        .flip();
  }

  static ResponseHead parseResponse(ByteBuffer p) throws Malformed {
    long id = id(p);
    int flags = u8(p);
    byte[] header = bytes(p, p.remaining());
    if (header.length > Request.MAX_HEADER_BYTES) {
      throw new Malformed("header of " + header.length + " bytes");
    }
    return new ResponseHead(id, (flags & FLAG_BODY) != 0, header);
  }

  static ByteBuffer failure(long id, String code, String message) {
    byte[] c = ascii(code);
    byte[] m = message.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(ID_BYTES + 1 + c.length + m.length)
        .putLong(id)
        .put((byte) c.length)
        .put(c)
        .put(m)
        .flip();
  }

  static FailureBody parseFailure(ByteBuffer p) throws Malformed {
    long id = id(p);
    String code = new String(bytes(p, u8(p)), StandardCharsets.US_ASCII);
    try {
      new HandlerException(code, ""); // the SPI owns the rule for codes
    } catch (IllegalArgumentException e) {
      throw new Malformed(e.getMessage());
    }
    String message =
        new String(
            bytes(p, Math.min(p.remaining(), 4 * Failures.MAX_MESSAGE_LENGTH)),
            StandardCharsets.UTF_8);
    done(p);
    return new FailureBody(id, code, message);
  }

  static ByteBuffer id(long id) {
    return ByteBuffer.allocate(ID_BYTES).putLong(id).flip();
  }

  static ByteBuffer credit(long id, int frames) {
    return ByteBuffer.allocate(ID_BYTES + 4).putLong(id).putInt(frames).flip();
  }

  static int parseCredit(ByteBuffer p) throws Malformed {
    int n = p.remaining() >= 4 ? p.getInt() : (int) fail("truncated credit");
    if (n <= 0) {
      throw new Malformed("credit of " + n);
    }
    done(p);
    return n;
  }

  static ByteBuffer reject(byte code, String message) {
    byte[] m = ascii(message.length() > 200 ? message.substring(0, 200) : message);
    return ByteBuffer.allocate(1 + m.length).put(code).put(m).flip();
  }

  /** The id that starts every exchange frame. */
  static long id(ByteBuffer p) throws Malformed {
    if (p.remaining() < ID_BYTES) {
      throw new Malformed("truncated id");
    }
    long id = p.getLong();
    if (id <= 0) {
      throw new Malformed("id " + id);
    }
    return id;
  }

  static void done(ByteBuffer p) throws Malformed {
    if (p.hasRemaining()) {
      throw new Malformed(p.remaining() + " trailing bytes");
    }
  }

  private static int window(ByteBuffer p) throws Malformed {
    int w = p.remaining() >= 4 ? p.getInt() : (int) fail("truncated window");
    if (w < 1 || w > 1024) {
      throw new Malformed("window of " + w);
    }
    return w;
  }

  private static NodeId nodeId(ByteBuffer p) throws Malformed {
    try {
      return NodeId.of(new String(bytes(p, u8(p)), StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new Malformed(e.getMessage());
    }
  }

  private static int u8(ByteBuffer p) throws Malformed {
    if (!p.hasRemaining()) {
      throw new Malformed("truncated");
    }
    return p.get() & 0xff;
  }

  private static byte[] bytes(ByteBuffer p, int n) throws Malformed {
    if (p.remaining() < n) {
      throw new Malformed("truncated: wanted " + n + " bytes, had " + p.remaining());
    }
    byte[] b = new byte[n];
    p.get(b);
    return b;
  }

  private static long fail(String message) throws Malformed {
    throw new Malformed(message);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
