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
package io.amberio.examples.bench;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.Checksum;

/**
 * A minimal HTTP/1.1 client over one keep-alive socket, for the bench only: it sends a PUT with a
 * known {@code Content-Length} and a body streamed from an {@link InputStream}, or a GET, and reads
 * the response (status line, headers, a {@code Content-Length} or chunked body) into one reusable
 * buffer. It checks the status and the byte count, nothing else. It exists because the JDK's {@code
 * HttpClient} adds its own threads and copies per request, which would be measured as the node's
 * cost.
 *
 * <p>A response with {@code Connection: close}, or any error, closes the socket; the next request
 * opens a new one. Not thread-safe: one per worker.
 */
final class HttpConnection implements Closeable {
  private static final int HEAD_LIMIT = 64 << 10;

  private final InetSocketAddress address;
  private final byte[] hostHeader;

  /** The request goes out through it; the response body lands in it. */
  private final byte[] buffer;

  /** Read-ahead of the response head: {@code [pos, limit)} are not consumed yet. */
  private final byte[] head = new byte[HEAD_LIMIT];

  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private int pos;
  private int limit;

  HttpConnection(InetSocketAddress address, int bufferSize) {
    this.address = address;
    this.hostHeader =
        ("Host: " + address.getHostString() + ":" + address.getPort() + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    this.buffer = new byte[Math.max(bufferSize, HEAD_LIMIT)];
  }

  /** Opens the connection now, so that the first timed request does not pay for it. */
  void connect() throws IOException {
    if (socket == null) {
      Socket s = new Socket();
      s.setTcpNoDelay(true);
      s.connect(address, 10_000);
      socket = s;
      in = s.getInputStream();
      out = s.getOutputStream();
      pos = 0;
      limit = 0;
    }
  }

  /**
   * PUTs {@code length} bytes from {@code body} to {@code target}; returns the status, body
   * discarded.
   */
  int put(String target, String contentType, InputStream body, long length) throws IOException {
    boolean ok = false;
    try {
      connect();
      String head =
          "PUT "
              + target
              + " HTTP/1.1\r\nContent-Type: "
              + contentType
              + "\r\nContent-Length: "
              + length
              + "\r\n";
      int n = copyAscii(head, 0);
      System.arraycopy(hostHeader, 0, buffer, n, hostHeader.length);
      n += hostHeader.length;
      buffer[n++] = '\r';
      buffer[n++] = '\n';
      // Headers and body share the buffer, so a small request is one write.
      long sent = 0;
      try {
        while (true) {
          int r = n == buffer.length ? 0 : body.read(buffer, n, buffer.length - n);
          if (r > 0) {
            n += r;
            sent += r;
          }
          if (r < 0 || n == buffer.length) {
            out.write(buffer, 0, n);
            n = 0;
            if (r < 0) {
              break;
            }
          }
        }
        out.flush();
      } catch (IOException e) {
        throw new IOException(
            "sending the body of PUT "
                + target
                + " failed after "
                + sent
                + " of "
                + length
                + " bytes ("
                + e.getMessage()
                + "); "
                + earlyAnswer(),
            e);
      }
      if (sent != length) {
        throw new IOException("the body had " + sent + " bytes, Content-Length said " + length);
      }
      Response response = readHead();
      long got = readBody(response);
      ok = true;
      if (response.status != 201 && response.status != 200) {
        throw new IOException(
            "PUT " + target + " answered " + response.status + ": " + snippet(got));
      }
      if (response.close) {
        close();
      }
      return response.status;
    } finally {
      if (!ok) {
        close();
      }
    }
  }

  /** The first {@code length} bytes of the last response body, as UTF-8 text. */
  String bodyText(int length) {
    return new String(buffer, 0, length, StandardCharsets.UTF_8);
  }

  /** GETs {@code target}; returns the number of body bytes, which land in the reusable buffer. */
  long get(String target) throws IOException {
    return get(target, null);
  }

  /**
   * GETs {@code target} like {@link #get(String)} and feeds every body byte to {@code checksum} as
   * it arrives (null for none): a body of any size is checked without being held.
   */
  long get(String target, Checksum checksum) throws IOException {
    boolean ok = false;
    try {
      connect();
      int n = copyAscii("GET " + target + " HTTP/1.1\r\n", 0);
      System.arraycopy(hostHeader, 0, buffer, n, hostHeader.length);
      n += hostHeader.length;
      buffer[n++] = '\r';
      buffer[n++] = '\n';
      out.write(buffer, 0, n);
      out.flush();
      Response response = readHead();
      long got = readBody(response, response.status == 200 ? checksum : null);
      ok = true;
      if (response.status != 200) {
        throw new IOException(
            "GET " + target + " answered " + response.status + ": " + snippet(got));
      }
      if (response.close) {
        close();
      }
      return got;
    } finally {
      if (!ok) {
        close();
      }
    }
  }

  /**
   * What the server answered before it stopped reading the request, if anything (it may explain
   * why).
   */
  private String earlyAnswer() {
    try {
      socket.setSoTimeout(2000);
      Response response = readHead();
      long got = readBody(response);
      return "the server answered " + response.status + ": " + snippet(got);
    } catch (IOException | RuntimeException e) {
      return "no answer from the server (" + e.getMessage() + ")";
    }
  }

  private int copyAscii(String s, int at) {
    for (int i = 0; i < s.length(); i++) {
      buffer[at + i] = (byte) s.charAt(i);
    }
    return at + s.length();
  }

  /** The first bytes of an error body, still in the buffer after a small response. */
  private String snippet(long got) {
    int n = (int) Math.min(Math.min(got, 300), buffer.length);
    return new String(buffer, 0, n, StandardCharsets.UTF_8).strip();
  }

  private record Response(int status, long contentLength, boolean chunked, boolean close) {}

  private Response readHead() throws IOException {
    String statusLine = readLine();
    if (!statusLine.startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP response: " + statusLine);
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    long contentLength = -1;
    boolean chunked = false;
    boolean close = statusLine.startsWith("HTTP/1.0");
    for (String line; !(line = readLine()).isEmpty(); ) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
      switch (name) {
        case "content-length" -> contentLength = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.contains("chunked");
        case "connection" -> close = value.contains("close");
        default -> {}
      }
    }
    if (!chunked && contentLength < 0 && status != 204 && status != 304) {
      close = true; // the body ends when the server closes
    }
    return new Response(status, contentLength, chunked, close);
  }

  /** Reads the body into the buffer (wrapping around for big bodies) and returns its length. */
  private long readBody(Response r) throws IOException {
    return readBody(r, null);
  }

  /** {@link #readBody(Response)}, feeding the body bytes to {@code checksum} unless it is null. */
  private long readBody(Response r, Checksum checksum) throws IOException {
    if (r.chunked) {
      long total = 0;
      while (true) {
        String sizeLine = readLine();
        int semi = sizeLine.indexOf(';');
        long chunk = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (chunk == 0) {
          while (!readLine().isEmpty()) {
            // trailers
          }
          return total;
        }
        total += readFixed(chunk, checksum);
        if (!readLine().isEmpty()) {
          throw new IOException("malformed chunked body");
        }
      }
    }
    if (r.contentLength >= 0) {
      return readFixed(r.contentLength, checksum);
    }
    return r.close ? readFixed(Long.MAX_VALUE, checksum) : 0;
  }

  /**
   * Reads {@code length} bytes (to the end of the stream for MAX_VALUE) into the buffer, wrapping
   * around; a body that fits stays at the start of the buffer, so an error message can be shown.
   */
  private long readFixed(long length, Checksum checksum) throws IOException {
    int ahead = (int) Math.min(limit - pos, length);
    System.arraycopy(head, pos, buffer, 0, ahead);
    if (checksum != null) {
      checksum.update(buffer, 0, ahead);
    }
    pos += ahead;
    long done = ahead;
    int dest = ahead;
    while (done < length) {
      if (dest == buffer.length) {
        dest = 0;
      }
      int r = in.read(buffer, dest, (int) Math.min(length - done, buffer.length - dest));
      if (r < 0) {
        if (length == Long.MAX_VALUE) {
          return done;
        }
        throw new EOFException("the body ended after " + done + " of " + length + " bytes");
      }
      if (checksum != null) {
        checksum.update(buffer, dest, r);
      }
      done += r;
      dest += r;
    }
    return done;
  }

  /** Reads one line of the head, in ISO-8859-1, without its CRLF. */
  private String readLine() throws IOException {
    int scanned = pos;
    while (true) {
      for (int i = scanned; i < limit; i++) {
        if (head[i] == '\n') {
          int end = i > pos && head[i - 1] == '\r' ? i - 1 : i;
          String line = new String(head, pos, end - pos, StandardCharsets.ISO_8859_1);
          pos = i + 1;
          return line;
        }
      }
      if (pos > 0) {
        System.arraycopy(head, pos, head, 0, limit - pos);
        limit -= pos;
        pos = 0;
      }
      scanned = limit;
      if (limit == head.length) {
        throw new IOException("a response header line is longer than " + HEAD_LIMIT + " bytes");
      }
      int r = in.read(head, limit, head.length - limit);
      if (r < 0) {
        throw new EOFException("the server closed the connection");
      }
      limit += r;
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing: nothing to do
      }
      socket = null;
      in = null;
      out = null;
      pos = 0;
      limit = 0;
    }
  }
}
