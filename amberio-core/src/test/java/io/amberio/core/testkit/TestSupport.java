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
package io.amberio.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.amberio.core.BlobContent;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreException;
import io.amberio.core.GetOptions;
import io.amberio.core.ListPage;
import io.amberio.core.ListRequest;
import io.amberio.core.VersionState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Small helpers of the contract suites, public for bindings and other tests: bytes, reads,
 * listings, streams, a clock.
 */
public final class TestSupport {
  private TestSupport() {}

  /** Ascending unsigned byte order of the UTF-8 encoding, which equals code point order. */
  public static final Comparator<String> UTF8_ORDER =
      (a, b) -> {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        return Arrays.compareUnsigned(x, y);
      };

  /**
   * Deterministic text-like bytes (words of a small vocabulary, spaces, full stops and line breaks)
   * that compress well: the same (size, seed) always gives the same bytes.
   */
  public static byte[] text(int size, long seed) {
    String[] words = {
      "amber",
      "blob",
      "chunk",
      "slot",
      "store",
      "journal",
      "replica",
      "version",
      "the",
      "of",
      "and",
      "a",
      "to",
      "is",
      "in",
      "that",
      "checksum",
      "fsync",
      "page",
      "cache"
    };
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder b = new StringBuilder(size + 16);
    while (b.length() < size) {
      b.append(words[r.nextInt(words.length)]).append(r.nextInt(12) == 0 ? ".\n" : " ");
    }
    return b.substring(0, size).getBytes(StandardCharsets.US_ASCII);
  }

  /** Deterministic pseudo-random bytes: the same (size, seed) always gives the same bytes. */
  public static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + size);
    for (int i = 0; i < size; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return b;
  }

  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Reads a version completely; the content is closed. */
  public static byte[] read(BlobStore store, String path, GetOptions options) {
    try (BlobContent c = store.get(path, options)) {
      return c.readAllBytes();
    }
  }

  public static byte[] readCurrent(BlobStore store, String path) {
    return read(store, path, GetOptions.current());
  }

  public static byte[] readVersion(BlobStore store, String path, long version) {
    return read(store, path, GetOptions.version(version));
  }

  /** Runs {@code call} and returns the reason of the BlobStoreException it must throw. */
  public static BlobStoreException.Reason reasonOf(Runnable call) {
    Throwable t = catchThrowable(call::run);
    assertThat(t).as("expected a BlobStoreException").isInstanceOf(BlobStoreException.class);
    return ((BlobStoreException) t).reason();
  }

  public static BlobStoreException failure(Runnable call) {
    Throwable t = catchThrowable(call::run);
    assertThat(t).as("expected a BlobStoreException").isInstanceOf(BlobStoreException.class);
    return (BlobStoreException) t;
  }

  /** Follows cursors to the end and returns every item; fails if the listing does not end. */
  public static List<BlobInfo> listAll(BlobStore store, ListRequest first) {
    List<BlobInfo> all = new ArrayList<>();
    ListRequest request = first;
    Set<String> seenCursors = new HashSet<>();
    for (int pages = 0; ; pages++) {
      assertThat(pages).as("listing does not end (cursor loop?)").isLessThan(100_000);
      ListPage page = store.list(request);
      assertThat(page.items().size()).as("page size").isLessThanOrEqualTo(request.limit());
      all.addAll(page.items());
      if (page.nextCursor() == null) {
        return all;
      }
      assertThat(seenCursors.add(page.nextCursor()))
          .as("cursor repeated: " + page.nextCursor())
          .isTrue();
      request = request.withCursor(page.nextCursor());
    }
  }

  public static List<BlobInfo> listAllVersions(BlobStore store) {
    return listAll(
        store, ListRequest.prefix("").withAllVersions(true).withLimit(ListRequest.MAX_LIMIT));
  }

  /**
   * The current versions that {@code allVersions} (a listing of every version, in listing order)
   * implies: per path, the newest live version newer than every delete marker, as "path@version".
   */
  public static List<String> currentOf(List<BlobInfo> allVersions) {
    Map<String, Long> markers = new HashMap<>();
    Map<String, Long> live = new TreeMap<>(ListPage.PATH_ORDER);
    for (BlobInfo i : allVersions) {
      if (i.state() == VersionState.MARKER) {
        markers.merge(i.path(), i.version(), Math::max);
      }
    }
    for (BlobInfo i : allVersions) {
      if (i.state() == VersionState.LIVE && i.version() > markers.getOrDefault(i.path(), 0L)) {
        live.merge(i.path(), i.version(), Math::max);
      }
    }
    List<String> out = new ArrayList<>();
    live.forEach((path, v) -> out.add(path + "@" + v));
    return out;
  }

  /**
   * Copies the tree at {@code source} (a fixture's store, say) to {@code target}, which must not
   * exist; returns {@code target}.
   */
  public static Path copyTree(Path source, Path target) throws IOException {
    try (Stream<Path> files = Files.walk(source)) {
      files.forEach(
          p -> {
            try {
              Path t = target.resolve(source.relativize(p).toString());
              if (Files.isDirectory(p)) {
                Files.createDirectories(t);
              } else {
                Files.copy(p, t);
              }
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
    return target;
  }

  /** "path@version" of each item. */
  public static List<String> pathVersions(List<BlobInfo> infos) {
    return infos.stream().map(i -> i.path() + "@" + i.version()).toList();
  }

  public static List<String> paths(List<BlobInfo> infos) {
    return infos.stream().map(BlobInfo::path).toList();
  }

  /**
   * An input stream over {@code data} that hands out at most a few bytes per read, and records
   * close().
   */
  public static final class TrickleStream extends InputStream {
    private final byte[] data;
    private final SplittableRandom random;
    private int pos;
    boolean closed;

    public TrickleStream(byte[] data, long seed) {
      this.data = data;
      this.random = new SplittableRandom(seed);
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (pos >= data.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, 1 + random.nextInt(9000)), data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public int available() {
      return 0;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** A stream that yields {@code good} bytes and then fails. */
  public static final class FailingStream extends InputStream {
    private final byte[] data;
    private int pos;

    public FailingStream(byte[] good) {
      this.data = good;
    }

    @Override
    public int read() throws IOException {
      if (pos < data.length) {
        return data[pos++] & 0xff;
      }
      throw new IOException("simulated client disconnect");
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos >= data.length) {
        throw new IOException("simulated client disconnect");
      }
      int n = Math.min(len, data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  /** A clock the test moves by hand. */
  public static final class MutableClock implements InstantSource {
    private final AtomicReference<Instant> now;

    public MutableClock(Instant start) {
      now = new AtomicReference<>(start);
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    public void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    public void set(Instant t) {
      now.set(t);
    }
  }
}
