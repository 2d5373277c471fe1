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
package io.amberio.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heap use does not grow with blob size: a child JVM with a 48 MiB heap writes and reads back a
 * blob several times larger than its heap, streaming both ways.
 */
class BoundedMemoryTest {
  static final long SIZE = 200L << 20;

  @TempDir Path dir;

  @Test
  @Timeout(120)
  void aBlobLargerThanTheHeapStreamsInAndOut() throws Exception {
    Path err = dir.resolve("child.err");
    Path out = dir.resolve("child.out");
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx48m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    BoundedMemoryTest.class.getName(),
                    Files.createDirectories(dir.resolve("store")).toString()))
            .redirectError(err.toFile())
            .redirectOutput(out.toFile())
            .start();
    assertThat(p.waitFor(110, TimeUnit.SECONDS)).as("the child finishes").isTrue();
    assertThat(p.exitValue()).as("child exit; stderr:%n%s", Files.readString(err)).isZero();
    assertThat(Files.readString(out)).contains("OK " + SIZE);
  }

  /** A stream of {@code size} deterministic bytes that never exists in memory as a whole. */
  static final class Generated extends InputStream {
    private final SplittableRandom random = new SplittableRandom(42);
    private long left;

    Generated(long size) {
      left = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left == 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      for (int i = 0; i < n; i++) {
        b[off + i] = (byte) random.nextInt(256);
      }
      left -= n;
      return n;
    }
  }

  static String digest(InputStream in) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[64 << 10];
    int n;
    long total = 0;
    while ((n = in.read(buf)) != -1) {
      md.update(buf, 0, n);
      total += n;
    }
    return total + ":" + HexFormat.of().formatHex(md.digest());
  }

  /**
   * The child: writes the big blob with default settings (4 MiB chunks), reads it back, prints OK.
   */
  public static void main(String[] args) throws Exception {
    try (BlobStore store =
        BlobStore.builder()
            .dataDir(Path.of(args[0]))
            .slotCount(4)
            .gcInterval(Duration.ZERO)
            .minFreeBytes(0)
            .build()) {
      String want = digest(new Generated(SIZE));
      BlobInfo info = store.put("big", new Generated(SIZE), PutOptions.defaults());
      if (info.size() != SIZE) {
        throw new AssertionError("size " + info.size());
      }
      try (BlobContent c = store.get("big")) {
        String got = digest(c.stream());
        if (!got.equals(want)) {
          throw new AssertionError("digest " + got + " != " + want);
        }
      }
      try (BlobContent c =
          store.get("big", GetOptions.current().withRange(ByteRange.suffix(SIZE - 1000)))) {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = c.stream().read(buf)) != -1) {
          total += n;
        }
        if (total != SIZE - 1000) {
          throw new AssertionError("range read " + total);
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      System.out.println("OK " + SIZE);
    }
  }
}
