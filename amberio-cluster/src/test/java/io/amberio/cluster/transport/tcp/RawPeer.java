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
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import javax.crypto.Mac;

/**
 * A hand-driven client on a blocking socket, speaking (or breaking) the wire protocol of {@link
 * NetworkTransport} byte by byte, to play a hostile or broken peer.
 */
final class RawPeer implements AutoCloseable {

  /** A frame as read off the wire. */
  record Frame(byte kind, ByteBuffer payload) {}

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private Mac outMac;
  private long outSeq;

  RawPeer(InetSocketAddress address) throws IOException {
    socket = new Socket();
    socket.connect(address, 5000);
    socket.setSoTimeout(15_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** Authenticates as {@code from} to {@code to}; returns the server's window. */
  int handshake(NodeId from, NodeId to, byte[] secret) throws IOException {
    byte[] clientNonce = new byte[Wire.NONCE_BYTES];
    new SecureRandom().nextBytes(clientNonce);
    ByteBuffer hello = Wire.hello(clientNonce, from, to, 4);
    writeRaw(
        Wire.frame(Wire.HELLO, new ByteBuffer[] {hello}, Wire.helloMac(secret, Wire.HELLO, hello)));
    Frame ok = read();
    if (ok.kind() != Wire.HELLO_OK) {
      throw new IOException("expected HELLO_OK, got kind " + ok.kind());
    }
    try {
      Wire.HelloOk parsed = Wire.parseHelloOk(ok.payload().duplicate());
      outMac = Wire.mac(Wire.sessionKey(secret, clientNonce, parsed.serverNonce(), from, to));
      return parsed.window();
    } catch (Wire.Malformed e) {
      throw new IOException(e);
    }
  }

  /**
   * The bytes of a correctly authenticated next frame (consumes a sequence number, sends nothing).
   */
  byte[] seal(byte kind, ByteBuffer payload) {
    byte[] mac =
        Wire.frameMac(outMac, Wire.FROM_CLIENT, outSeq++, kind, new ByteBuffer[] {payload});
    return bytes(Wire.frame(kind, new ByteBuffer[] {payload}, mac));
  }

  void send(byte kind, ByteBuffer payload) throws IOException {
    write(seal(kind, payload));
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  private void writeRaw(ByteBuffer[] frame) throws IOException {
    write(bytes(frame));
  }

  /** Reads one frame (without checking its MAC). */
  Frame read() throws IOException {
    int length = in.readInt();
    if (length < Wire.MIN_FRAME_LENGTH || length > Wire.MAX_FRAME_LENGTH) {
      throw new IOException("bad length " + length);
    }
    byte[] f = new byte[length];
    in.readFully(f);
    return new Frame(f[0], ByteBuffer.wrap(f, 1, length - 1 - Wire.MAC_BYTES).slice());
  }

  /** Reads frames until a REJECT, returning its code; fails if the connection ends first. */
  byte readReject() throws IOException {
    while (true) {
      Frame f = read();
      if (f.kind() == Wire.REJECT) {
        return f.payload().get(0);
      }
    }
  }

  /**
   * Whether the server closed the connection (end of stream, or reset) within the socket timeout.
   */
  boolean closedByServer() throws IOException {
    try {
      while (in.read() >= 0) {
        // discard
      }
      return true;
    } catch (EOFException e) {
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  static byte[] bytes(ByteBuffer[] frame) {
    int n = 0;
    for (ByteBuffer b : frame) {
      n += b.remaining();
    }
    ByteBuffer all = ByteBuffer.allocate(n);
    for (ByteBuffer b : frame) {
      all.put(b.duplicate());
    }
    return all.array();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
