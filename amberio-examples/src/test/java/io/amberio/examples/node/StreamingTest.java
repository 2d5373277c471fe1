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
package io.amberio.examples.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Large bodies stream through the node both ways; the test never holds one in memory either. */
class StreamingTest {
  private static final long SIZE = 64L << 20;

  @TempDir Path dir;

  @Test
  void a64MiBBodyRoundTripsByDigest() throws Exception {
    try (TestNode node = TestNode.start(dir, b -> b.chunkSize(4 << 20), o -> o)) {
      PatternStream upload = new PatternStream(SIZE, 42);
      HttpRequest.BodyPublisher publisher =
          HttpRequest.BodyPublishers.fromPublisher(
              HttpRequest.BodyPublishers.ofInputStream(() -> upload), SIZE);
      HttpResponse<byte[]> put =
          node.send(HttpRequest.newBuilder(node.uri("/objects/stream/big")).PUT(publisher));
      assertThat(put.statusCode()).isEqualTo(201);
      assertThat(TestNode.json(put).path("size").asLong()).isEqualTo(SIZE);

      assertThat(download(node, "/objects/stream/big", null)).isEqualTo(upload.hex());
      PatternStream tail = new PatternStream(SIZE, 42);
      tail.skipNBytes(SIZE - 5_000_000);
      String tailDigest = hex(tail);
      assertThat(download(node, "/objects/stream/big", "bytes=-5000000")).isEqualTo(tailDigest);
    }
  }

  @Test
  void aChunkedUploadOfUnknownLengthStreamsToo() throws Exception {
    try (TestNode node = TestNode.start(dir)) {
      long size = 10L << 20;
      PatternStream upload = new PatternStream(size, 7);
      HttpRequest.BodyPublisher chunked = HttpRequest.BodyPublishers.ofInputStream(() -> upload);
      HttpResponse<byte[]> put =
          node.send(HttpRequest.newBuilder(node.uri("/objects/stream/chunked")).PUT(chunked));
      assertThat(put.statusCode()).isEqualTo(201);
      assertThat(TestNode.json(put).path("size").asLong()).isEqualTo(size);
      assertThat(download(node, "/objects/stream/chunked", null)).isEqualTo(upload.hex());
    }
  }

  private static String download(TestNode node, String path, String range) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(node.uri(path));
    if (range != null) {
      request.header("Range", range);
    }
    HttpResponse<InputStream> response =
        node.client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(range == null ? 200 : 206);
    try (InputStream body = response.body()) {
      return hex(body);
    }
  }

  private static String hex(InputStream in) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (DigestInputStream stream = new DigestInputStream(in, digest)) {
      stream.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Pseudo-random bytes generated on the fly, digesting what it hands out. */
  static final class PatternStream extends InputStream {
    private final long size;
    private final MessageDigest digest;
    private long position;
    private long state;

    PatternStream(long size, long seed) throws Exception {
      this.size = size;
      this.state = seed;
      this.digest = MessageDigest.getInstance("SHA-256");
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (position >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - position);
      for (int i = 0; i < n; i++) {
        state = state * 6364136223846793005L + 1442695040888963407L;
        b[off + i] = (byte) (state >>> 56);
      }
      digest.update(b, off, n);
      position += n;
      return n;
    }

    String hex() {
      return HexFormat.of().formatHex(digest.digest());
    }
  }
}
