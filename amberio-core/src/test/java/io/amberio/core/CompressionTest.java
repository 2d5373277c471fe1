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

import static io.amberio.core.testkit.TestSupport.bytes;
import static io.amberio.core.testkit.TestSupport.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.core.replica.PrepareSpec;
import io.amberio.core.replica.PreparedWrite;
import io.amberio.core.replica.ReplicaStore;
import io.amberio.core.replica.TxnKind;
import io.amberio.core.testkit.TestSupport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Chunk compression through the store: what lands on disk (text compressed, random bytes raw, each
 * chunk on its own), that every byte and every range reads back, that stores written with one
 * setting read with any other, that prepared writes and imports compress too and keep the
 * uncompressed checksums, and that a damaged compressed chunk fails reads that touch it with
 * CORRUPT.
 */
class CompressionTest {
  static final int CHUNK = 256 * 1024; // four 64 KiB blocks
  static final int INLINE = 1024;

  @TempDir Path dir;
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  static Stream<Compression> codecs() {
    return Stream.of(Compression.lz4(), Compression.zstd(), Compression.zstd(1));
  }

  static BlobStoreBuilder builder(Path d, Compression c) {
    return BlobStore.builder()
        .dataDir(d)
        .slotCount(4)
        .chunkSize(CHUNK)
        .inlineThreshold(INLINE)
        .gcInterval(Duration.ZERO)
        .minFreeBytes(0)
        .compression(c);
  }

  BlobStore open(String name, Compression c) {
    BlobStore s = builder(dir.resolve(name), c).build();
    opened.add(s);
    return s;
  }

  void close(BlobStore s) {
    opened.remove(s);
    s.close();
  }

  Path chunk(String store, BlobInfo info, int index) {
    return StoreFiles.blobDirectory(List.of(dir.resolve(store)), info.blobId())
        .resolve("chunks")
        .resolve(Integer.toString(index));
  }

  static long chunkLength(long size, int index) {
    return Math.min(CHUNK, size - (long) index * CHUNK);
  }

  static final int[] SIZES = {
    INLINE + 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 17, 4 * CHUNK + 65_537
  };

  @ParameterizedTest
  @MethodSource("codecs")
  void everySizeRoundTripsTextCompressedAndRandomRaw(Compression codec) {
    BlobStore s = open("s", codec);
    for (int size : SIZES) {
      byte[] t = text(size, size);
      byte[] r = bytes(size, size);
      BlobInfo ti = s.put("text/" + size, t);
      BlobInfo ri = s.put("random/" + size, r);
      assertThat(TestSupport.readCurrent(s, "text/" + size)).isEqualTo(t);
      assertThat(TestSupport.readCurrent(s, "random/" + size)).isEqualTo(r);
      int chunks = (size + CHUNK - 1) / CHUNK;
      for (int c = 0; c < chunks; c++) {
        long length = chunkLength(size, c);
        assertThat(fileSize(chunk("s", ri, c)))
            .as("random %d, chunk %d", size, c)
            .isEqualTo(length);
        long onDisk = fileSize(chunk("s", ti, c));
        if (length >= 64 * 1024) {
          assertThat(onDisk).as("text %d, chunk %d", size, c).isLessThan(length / 2);
        } else if (length >= 1000) {
          assertThat(onDisk).as("text %d, chunk %d", size, c).isLessThan(length);
        }
      }
      for (long[] r2 : ranges(size)) {
        ByteRange range = ByteRange.closed(r2[0], r2[0] + r2[1] - 1);
        assertThat(TestSupport.read(s, "text/" + size, GetOptions.current().withRange(range)))
            .as("text %d, %d+%d", size, r2[0], r2[1])
            .isEqualTo(Arrays.copyOfRange(t, (int) r2[0], (int) (r2[0] + r2[1])));
      }
    }
  }

  /** Ranges of a blob of {@code size} bytes: first and last bytes, across every chunk border. */
  static List<long[]> ranges(long size) {
    List<long[]> out = new ArrayList<>();
    out.add(new long[] {0, 1});
    out.add(new long[] {size - 1, 1});
    out.add(new long[] {0, size});
    for (long border = CHUNK; border < size; border += CHUNK) {
      out.add(new long[] {border - 3, Math.min(7, size - border + 3)});
      out.add(new long[] {border, size - border});
    }
    out.add(new long[] {size / 3, size / 3 + 1});
    return out;
  }

  @ParameterizedTest
  @MethodSource("codecs")
  void oneBlobMixesCompressedAndRawChunksAndRangesCrossThem(Compression codec) {
    byte[] data = new byte[3 * CHUNK + 1000];
    System.arraycopy(text(CHUNK, 1), 0, data, 0, CHUNK);
    System.arraycopy(bytes(CHUNK, 2), 0, data, CHUNK, CHUNK);
    System.arraycopy(text(CHUNK, 3), 0, data, 2 * CHUNK, CHUNK);
    System.arraycopy(bytes(1000, 4), 0, data, 3 * CHUNK, 1000);
    BlobStore s = open("s", codec);
    BlobInfo info = s.put("mixed", data);
    assertThat(fileSize(chunk("s", info, 0))).isLessThan(CHUNK / 2);
    assertThat(fileSize(chunk("s", info, 1))).isEqualTo(CHUNK);
    assertThat(fileSize(chunk("s", info, 2))).isLessThan(CHUNK / 2);
    assertThat(fileSize(chunk("s", info, 3))).isEqualTo(1000);
    for (long[] r : ranges(data.length)) {
      ByteRange range = ByteRange.closed(r[0], r[0] + r[1] - 1);
      assertThat(TestSupport.read(s, "mixed", GetOptions.current().withRange(range)))
          .as("%d+%d", r[0], r[1])
          .isEqualTo(Arrays.copyOfRange(data, (int) r[0], (int) (r[0] + r[1])));
    }
    assertThat(TestSupport.read(s, "mixed", GetOptions.current().withRange(ByteRange.suffix(500))))
        .isEqualTo(Arrays.copyOfRange(data, data.length - 500, data.length));
  }

  @Test
  void storesReadWhatAnySettingWroteAndWriteWithTheirOwn() {
    List<Compression> settings =
        List.of(Compression.none(), Compression.zstd(), Compression.lz4(), Compression.none());
    Map<String, byte[]> written = new LinkedHashMap<>();
    Map<String, BlobInfo> infos = new LinkedHashMap<>();
    for (int round = 0; round < settings.size(); round++) {
      Compression c = settings.get(round);
      BlobStore s = open("s", c);
      for (Map.Entry<String, byte[]> e : written.entrySet()) {
        assertThat(TestSupport.readCurrent(s, e.getKey()))
            .as("%s under %s", e.getKey(), c)
            .isEqualTo(e.getValue());
      }
      byte[] data = text(2 * CHUNK + 333, round);
      String path = "round/" + round;
      infos.put(path, s.put(path, data));
      written.put(path, data);
      close(s);
      long first = fileSize(chunk("s", infos.get(path), 0));
      if (c.equals(Compression.none())) {
        assertThat(first).as("written by %s", c).isEqualTo(CHUNK);
      } else {
        assertThat(first).as("written by %s", c).isLessThan(CHUNK / 2);
      }
    }
  }

  @Test
  void withoutCompressionChunkFilesHoldTheBytesThemselves() throws IOException {
    BlobStore s = open("s", Compression.none());
    byte[] data = text(CHUNK + 100, 1);
    BlobInfo info = s.put("t", data);
    assertThat(Files.readAllBytes(chunk("s", info, 0))).isEqualTo(Arrays.copyOf(data, CHUNK));
    assertThat(Files.readAllBytes(chunk("s", info, 1)))
        .isEqualTo(Arrays.copyOfRange(data, CHUNK, data.length));
  }

  @Test
  void preparedWritesAndImportsCompressAndKeepTheChecksumsOfTheUncompressedBytes() {
    ReplicaStore a = ReplicaStore.open(builder(dir.resolve("a"), Compression.zstd()));
    opened.add(a);
    ReplicaStore b = ReplicaStore.open(builder(dir.resolve("b"), Compression.none()));
    opened.add(b);
    byte[] data = text(3 * CHUNK + 17, 7);
    BlobId txn = new BlobId(com.github.f4b6a3.ulid.UlidCreator.getMonotonicUlid());
    PreparedWrite w =
        a.prepare(new PrepareSpec(txn, "p", TxnKind.PUT, 0, "text/plain", 1_000, null));
    for (int off = 0; off < data.length; off += 50_000) {
      w.write(ByteBuffer.wrap(data, off, Math.min(50_000, data.length - off)));
    }
    w.finish();
    BlobInfo info = a.commitPrepared(txn, 1);
    assertThat(TestSupport.readCurrent(a, "p")).isEqualTo(data);
    assertThat(fileSize(chunk("a", info, 0))).isLessThan(CHUNK / 2);

    BlobInfo imported = b.importVersion(info, new ByteArrayInputStream(data));
    assertThat(imported).isEqualTo(info);
    assertThat(fileSize(chunk("b", info, 0))).as("b compresses nothing").isEqualTo(CHUNK);
    assertThat(b.checksums("p", 1))
        .as("replicas agree on the checksums whatever their compression")
        .isEqualTo(a.checksums("p", 1));
    assertThat(a.checksums("p", 1).matches(data)).isTrue();

    ReplicaStore c = ReplicaStore.open(builder(dir.resolve("c"), Compression.lz4()));
    opened.add(c);
    c.importVersion(info, new ByteArrayInputStream(data));
    assertThat(fileSize(chunk("c", info, 2))).isLessThan(CHUNK / 2);
    assertThat(TestSupport.readCurrent(c, "p")).isEqualTo(data);
    assertThat(c.checksums("p", 1)).isEqualTo(a.checksums("p", 1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"flip a payload byte", "truncate", "bad magic", "bad version"})
  void aDamagedCompressedChunkFailsEveryReadThatTouchesIt(String damage) throws IOException {
    BlobStore s = open("s", Compression.zstd());
    byte[] data = text(3 * CHUNK, 1);
    BlobInfo info = s.put("t", data);
    Path f = chunk("s", info, 1);
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      switch (damage) {
        case "flip a payload byte" -> {
          raf.seek(raf.length() / 2);
          int b = raf.read();
          raf.seek(raf.length() / 2);
          raf.write(b ^ 0x08);
        }
        case "truncate" -> raf.setLength(raf.length() - 10);
        case "bad magic" -> {
          raf.seek(0);
          raf.write('X');
        }
        case "bad version" -> {
          raf.seek(4);
          raf.write(7);
        }
        default -> throw new AssertionError(damage);
      }
    }
    BlobStoreException e = TestSupport.failure(() -> TestSupport.readCurrent(s, "t"));
    assertThat(e.reason()).isEqualTo(BlobStoreException.Reason.CORRUPT);
    assertThat(e.getMessage()).contains("chunk 1 of version 1 of 't'", info.blobId().toString());
    BlobStoreException ranged =
        TestSupport.failure(
            () ->
                s.get("t", GetOptions.current().withRange(ByteRange.closed(CHUNK + 5, CHUNK + 10)))
                    .close());
    assertThat(ranged.reason()).isEqualTo(BlobStoreException.Reason.CORRUPT);
    // Chunks 0 and 2 are intact: ranges within them read.
    assertThat(
            TestSupport.read(
                s, "t", GetOptions.current().withRange(ByteRange.closed(0, CHUNK - 1))))
        .isEqualTo(Arrays.copyOf(data, CHUNK));
    assertThat(TestSupport.read(s, "t", GetOptions.current().withRange(ByteRange.suffix(CHUNK))))
        .isEqualTo(Arrays.copyOfRange(data, 2 * CHUNK, 3 * CHUNK));
  }

  private static long fileSize(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
