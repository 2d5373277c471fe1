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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Heap use does not grow with blob size: a child JVM with a 48 MiB heap writes and reads back a
 * blob several times larger than its heap, streaming both ways; random bytes without compression,
 * and text-like bytes with zstd (every chunk compressed, so every read decodes).
 */
class BoundedMemoryTest {
  static final long SIZE = 200L << 20;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"none,random", "zstd:3,text"})
  @Timeout(120)
  void aBlobLargerThanTheHeapStreamsInAndOut(String compression, String data) throws Exception {
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
                    Files.createDirectories(dir.resolve("store")).toString(),
                    compression,
                    data))
            .redirectError(err.toFile())
            .redirectOutput(out.toFile())
            .start();
    assertThat(p.waitFor(110, TimeUnit.SECONDS)).as("the child finishes").isTrue();
    assertThat(p.exitValue()).as("child exit; stderr:%n%s", Files.readString(err)).isZero();
    assertThat(Files.readString(out)).contains("OK " + SIZE);
  }

  /**
   * A stream of {@code size} deterministic bytes that never exists in memory as a whole: random, or
   * text-like (words of a small vocabulary), which compresses.
   */
  static final class Generated extends InputStream {
    private static final byte[][] WORDS = {
      "amber ".getBytes(StandardCharsets.US_ASCII),
      "blob ".getBytes(StandardCharsets.US_ASCII),
      "chunk ".getBytes(StandardCharsets.US_ASCII),
      "the ".getBytes(StandardCharsets.US_ASCII),
      "of ".getBytes(StandardCharsets.US_ASCII),
      "journal.\n".getBytes(StandardCharsets.US_ASCII),
      "replica ".getBytes(StandardCharsets.US_ASCII),
      "version ".getBytes(StandardCharsets.US_ASCII)
    };
    private final SplittableRandom random = new SplittableRandom(42);
    private final boolean text;
    private byte[] word = new byte[0];
    private int inWord;
    private long left;

    Generated(long size) {
      this(size, false);
    }

    Generated(long size, boolean text) {
      left = size;
      this.text = text;
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
        if (!text) {
          b[off + i] = (byte) random.nextInt(256);
          continue;
        }
        if (inWord == word.length) {
          word = WORDS[random.nextInt(WORDS.length)];
          inWord = 0;
        }
        b[off + i] = word[inWord++];
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
   * The child: writes the big blob with default settings (4 MiB chunks) and the compression named
   * by {@code args[1]}, of {@code args[2]} bytes (random or text), reads it back, prints OK.
   */
  public static void main(String[] args) throws Exception {
    boolean text = args[2].equals("text");
    Path dataDir = Path.of(args[0]);
    try (BlobStore store =
        BlobStore.builder()
            .dataDir(dataDir)
            .slotCount(4)
            .gcInterval(Duration.ZERO)
            .minFreeBytes(0)
            .compression(Compression.parse(args[1]))
            .build()) {
      String want = digest(new Generated(SIZE, text));
      BlobInfo info = store.put("big", new Generated(SIZE, text), PutOptions.defaults());
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
      long onDisk;
      try (Stream<Path> files = Files.walk(dataDir.resolve("slots"))) {
        onDisk =
            files
                .filter(Files::isRegularFile)
                .filter(p -> p.toString().contains("chunks"))
                .mapToLong(p -> p.toFile().length())
                .sum();
      }
      if (text != (onDisk < SIZE / 2)) {
        throw new AssertionError(onDisk + " bytes of chunk files for " + args[1] + " " + args[2]);
      }
      System.out.println("OK " + SIZE);
    }
  }
}
