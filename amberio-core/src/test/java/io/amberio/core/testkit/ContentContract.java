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

import static io.amberio.core.testkit.TestSupport.bytes;
import static io.amberio.core.testkit.TestSupport.failure;
import static io.amberio.core.testkit.TestSupport.listAll;
import static io.amberio.core.testkit.TestSupport.listAllVersions;
import static io.amberio.core.testkit.TestSupport.paths;
import static io.amberio.core.testkit.TestSupport.read;
import static io.amberio.core.testkit.TestSupport.readCurrent;
import static io.amberio.core.testkit.TestSupport.readVersion;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.core.BlobContent;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.ByteRange;
import io.amberio.core.GetOptions;
import io.amberio.core.ListRequest;
import io.amberio.core.PutOptions;
import io.amberio.core.SlotStats;
import io.amberio.core.testkit.TestSupport.FailingStream;
import io.amberio.core.testkit.TestSupport.TrickleStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Contract, part 2: the bytes (ranges, sizes across chunk boundaries, content types, failing input)
 * and the rules of paths. Bound through {@link BlobStoreContract}.
 */
public abstract class ContentContract extends VersionRulesContract {
  // ---------------------------------------------------------------------------------------------------
  // Ranges

  protected static Stream<Arguments> satisfiableRanges() {
    int n = 1000;
    int c = 3 * K + 17;
    return Stream.of(
        Arguments.of(n, ByteRange.closed(0, 0), 0, 1),
        Arguments.of(n, ByteRange.closed(10, 19), 10, 10),
        Arguments.of(n, ByteRange.closed(999, 999), 999, 1),
        Arguments.of(n, ByteRange.closed(0, 999), 0, 1000),
        Arguments.of(n, ByteRange.closed(990, 5000), 990, 10),
        Arguments.of(n, ByteRange.closed(0, Long.MAX_VALUE), 0, 1000),
        Arguments.of(n, ByteRange.from(0), 0, 1000),
        Arguments.of(n, ByteRange.from(990), 990, 10),
        Arguments.of(n, ByteRange.from(999), 999, 1),
        Arguments.of(n, ByteRange.suffix(1), 999, 1),
        Arguments.of(n, ByteRange.suffix(10), 990, 10),
        Arguments.of(n, ByteRange.suffix(1000), 0, 1000),
        Arguments.of(n, ByteRange.suffix(5000), 0, 1000),
        Arguments.of(n, ByteRange.all(), 0, 1000),
        Arguments.of(c, ByteRange.closed(K - 3, K + 2), K - 3, 6),
        Arguments.of(c, ByteRange.closed(K - 1, K - 1), K - 1, 1),
        Arguments.of(c, ByteRange.closed(K, K), K, 1),
        Arguments.of(c, ByteRange.closed(K, 2 * K - 1), K, K),
        Arguments.of(c, ByteRange.closed(2 * K - 5, 3 * K + 5), 2 * K - 5, K + 11),
        Arguments.of(c, ByteRange.closed(5, 3 * K + 16), 5, 3 * K + 12),
        Arguments.of(c, ByteRange.closed(3 * K, 9 * K), 3 * K, 17),
        Arguments.of(c, ByteRange.from(3 * K), 3 * K, 17),
        Arguments.of(c, ByteRange.from(3 * K + 16), 3 * K + 16, 1),
        Arguments.of(c, ByteRange.from(1), 1, 3 * K + 16),
        Arguments.of(c, ByteRange.suffix(17), 3 * K, 17),
        Arguments.of(c, ByteRange.suffix(18), 3 * K - 1, 18),
        Arguments.of(c, ByteRange.suffix(2 * K), K + 17, 2 * K),
        Arguments.of(c, ByteRange.suffix(10 * K), 0, c));
  }

  @ParameterizedTest(name = "size {0}, {1}")
  @MethodSource("satisfiableRanges")
  public void rangeReads(int size, ByteRange range, long offset, long length) {
    byte[] data = bytes(size, 42);
    put("p", bytes(7, 0)); // version 1, so the ranges below also select by version
    BlobInfo v2 = put("p", data);
    put("p", bytes(3, 9)); // version 3 is current
    try (BlobContent c = store.get("p", GetOptions.version(2).withRange(range))) {
      assertThat(c.info()).isEqualTo(v2);
      assertThat(c.range()).isEqualTo(new ByteRange.Resolved(offset, length));
      assertThat(c.isPartial()).isEqualTo(offset != 0 || length != size);
      assertThat(c.readAllBytes())
          .isEqualTo(Arrays.copyOfRange(data, (int) offset, (int) (offset + length)));
    }
    store.deleteVersion("p", 3);
    assertThat(read(store, "p", GetOptions.current().withRange(range)))
        .as("the same range of the current version")
        .isEqualTo(Arrays.copyOfRange(data, (int) offset, (int) (offset + length)));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 1000, 3 * K + 17})
  public void unsatisfiableRanges(int size) {
    put("p", bytes(size, 1));
    for (ByteRange r :
        List.of(
            ByteRange.from(size),
            ByteRange.closed(size, size + 10),
            ByteRange.from(size + 1000L),
            ByteRange.suffix(0))) {
      BlobStoreException e =
          failure(() -> store.get("p", GetOptions.current().withRange(r)).close());
      assertThat(e.reason()).as(r.toString()).isEqualTo(Reason.RANGE_NOT_SATISFIABLE);
      assertThat(e.size()).as(r.toString()).hasValue(size);
    }
  }

  @Test
  public void emptyBlobReadsEmptyAndHasNoSatisfiableRange() {
    BlobInfo info = put("empty", new byte[0]);
    assertThat(info.size()).isZero();
    assertThat(store.head("empty").size()).isZero();
    try (BlobContent c = store.get("empty")) {
      assertThat(c.range()).isEqualTo(new ByteRange.Resolved(0, 0));
      assertThat(c.isPartial()).isFalse();
      assertThat(c.readAllBytes()).isEmpty();
    }
    // RFC 9110: every byte range of an empty representation is unsatisfiable, even bytes=0-
    for (ByteRange r :
        List.of(
            ByteRange.closed(0, 0),
            ByteRange.suffix(1),
            ByteRange.suffix(0),
            ByteRange.from(0),
            ByteRange.from(1))) {
      BlobStoreException e =
          failure(() -> store.get("empty", GetOptions.current().withRange(r)).close());
      assertThat(e.reason()).as(r.toString()).isEqualTo(Reason.RANGE_NOT_SATISFIABLE);
      assertThat(e.size()).hasValue(0);
    }
    assertThat(paths(listAll(store, ListRequest.prefix("")))).containsExactly("empty");
  }

  // ---------------------------------------------------------------------------------------------------
  // Bytes, chunks, content types

  protected static Stream<Arguments> blobSizes() {
    List<Arguments> out = new ArrayList<>();
    for (boolean inline : new boolean[] {true, false}) {
      for (int size : new int[] {0, 1, K - 1, K, K + 1, 2 * K, 3 * K + 17}) {
        out.add(Arguments.of(inline, size));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "inline threshold {0}, size {1}")
  @MethodSource("blobSizes")
  public void blobsOfEverySizeRoundTrip(boolean inline, int size) {
    BlobStore s = inline ? store : openOther("chunked", config.withInlineThreshold(0));
    byte[] data = bytes(size, size);
    TrickleStream in = new TrickleStream(data, size);
    BlobInfo info = s.put("blob", in, PutOptions.defaults());
    assertThat(info.size()).isEqualTo(size);
    assertThat(in.closed).as("put does not close the caller's stream").isFalse();
    try (BlobContent c = s.get("blob")) {
      assertThat(c.info().size()).isEqualTo(size);
      InputStream stream = c.stream();
      byte[] got = new byte[size];
      int pos = 0;
      byte[] buf = new byte[7777];
      int n;
      while ((n = stream.read(buf, 0, buf.length)) != -1) {
        assertThat(pos + n)
            .as("stream yields no more than the blob's size")
            .isLessThanOrEqualTo(size);
        System.arraycopy(buf, 0, got, pos, n);
        pos += n;
      }
      assertThat(pos).isEqualTo(size);
      assertThat(got).isEqualTo(data);
      assertThat(stream.read()).isEqualTo(-1);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    // byte-at-a-time reading across a chunk boundary
    if (size > K) {
      int first = K - 5;
      int last = Math.min(K + 4, size - 1);
      try (BlobContent c =
          s.get("blob", GetOptions.current().withRange(ByteRange.closed(K - 5, K + 4)))) {
        byte[] got = new byte[last - first + 1];
        for (int i = 0; i < got.length; i++) {
          int b = c.stream().read();
          assertThat(b).as("byte %d of the range", i).isNotNegative();
          got[i] = (byte) b;
        }
        assertThat(c.stream().read()).isEqualTo(-1);
        assertThat(got).isEqualTo(Arrays.copyOfRange(data, first, last + 1));
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  public void contentTypeRoundTrips() {
    String type = "application/vnd.amberio+json; charset=utf-8; q=\"x y\"";
    store.put(
        "t", new ByteArrayInputStream(bytes(5, 1)), PutOptions.defaults().withContentType(type));
    put("t", bytes(5, 2));
    store.put(
        "t",
        new ByteArrayInputStream(bytes(5, 3)),
        PutOptions.defaults().withContentType("image/png"));
    assertThat(store.head("t", 1).contentType()).isEqualTo(type);
    assertThat(store.head("t", 2).contentType()).isEqualTo(PutOptions.DEFAULT_CONTENT_TYPE);
    assertThat(store.head("t").contentType()).isEqualTo("image/png");
    reopen();
    assertThat(store.head("t", 1).contentType()).isEqualTo(type);
    assertThat(listAll(store, ListRequest.prefix("t")).get(0).contentType()).isEqualTo("image/png");
    try (BlobContent c = store.get("t", GetOptions.version(1))) {
      assertThat(c.info().contentType()).isEqualTo(type);
    }
  }

  @Test
  public void putReadsTheStreamToItsEndAndDoesNotCloseIt() {
    byte[] data = bytes(2 * K + 3, 5);
    TrickleStream in = new TrickleStream(data, 1);
    store.put("p", in, PutOptions.defaults());
    assertThat(in.read()).isEqualTo(-1);
    assertThat(in.closed).isFalse();
    assertThat(readCurrent(store, "p")).isEqualTo(data);
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 2 * K + 5})
  public void aFailingInputStreamLeavesNothingVisible(int goodBytes) {
    put("p", bytes(10, 1));
    BlobStoreException e =
        failure(
            () -> store.put("p", new FailingStream(bytes(goodBytes, 2)), PutOptions.defaults()));
    assertThat(e.reason()).isEqualTo(Reason.INPUT_FAILED);
    assertThat(e.getCause()).as("the cause is chained").isInstanceOf(IOException.class);
    BlobStoreException e2 =
        failure(
            () -> store.put("q", new FailingStream(bytes(goodBytes, 2)), PutOptions.defaults()));
    assertThat(e2.reason()).isEqualTo(Reason.INPUT_FAILED);
    assertReason(Reason.NOT_FOUND, () -> store.head("q"));
    assertCurrent("p", 1, bytes(10, 1));
    assertThat(listAllVersions(store)).hasSize(1);
    store.collectGarbage();
    assertNoOrphanBytes(store, storeDir);
    assertThat(put("p", "2").version()).isEqualTo(2);
    assertThat(put("q", "1").version()).isEqualTo(1);
  }

  // ---------------------------------------------------------------------------------------------------
  // Paths

  protected static Stream<String> validPaths() {
    return Stream.of(
        "a",
        "a/b/c",
        "a b",
        " ",
        ".a",
        "a.",
        "..a",
        "a..",
        "...",
        "a/.b",
        "a/..b",
        "a/b.",
        "a;b=c",
        "a+b",
        "%2F",
        "a%2Fb",
        "?x=1#y",
        "\\",
        "é",
        "😀",
        "\uFFFD",
        "\uE000",
        "a\u00a0b",
        "x".repeat(1024),
        "é".repeat(512),
        "€".repeat(341) + "a",
        "😀".repeat(256),
        "a/".repeat(511) + "aa");
  }

  @ParameterizedTest
  @MethodSource("validPaths")
  public void validPathsAreAccepted(String path) {
    assertThat(path.getBytes(UTF_8).length).isBetween(1, 1024);
    byte[] data = bytes(17, path.hashCode());
    BlobInfo info = put(path, data);
    assertThat(info.path()).isEqualTo(path);
    assertThat(info.version()).isEqualTo(1);
    assertThat(store.head(path).path()).isEqualTo(path);
    assertThat(readCurrent(store, path)).isEqualTo(data);
    assertThat(paths(listAll(store, ListRequest.prefix("")))).containsExactly(path);
    assertThat(paths(listAll(store, ListRequest.prefix(path)))).containsExactly(path);
    assertThat(store.slotOf(path)).isBetween(0, store.slotCount() - 1);
    assertThat(store.delete(path).version()).isEqualTo(2);
    reopen();
    assertThat(readVersion(store, path, 1)).isEqualTo(data);
  }

  protected static Stream<String> invalidPaths() {
    return Stream.of(
        "",
        "/",
        "/a",
        "a/",
        "a/b/",
        "a//b",
        "//",
        ".",
        "..",
        "./a",
        "a/.",
        "a/..",
        "a/./b",
        "a/../b",
        "../a",
        "a\u0000b",
        "\u0000",
        "a\u0000",
        "a\u0001",
        "a\u001f",
        "a\nb",
        "a\rb",
        "a\tb",
        "a\u007fb",
        "a\u0080b",
        "a\u0085b",
        "a\u009fb",
        "a\uD800b",
        "a\uDC00",
        "\uD83D",
        "\uDE00\uD83D",
        "x".repeat(1025),
        "é".repeat(512) + "a",
        "😀".repeat(256) + "a",
        "a/".repeat(512) + "a");
  }

  @ParameterizedTest
  @MethodSource("invalidPaths")
  public void invalidPathsAreRejectedAndChangeNothing(String path) {
    put("a", bytes(5, 1));
    put("a/b", bytes(5, 2));
    put("b", bytes(5, 3));
    List<BlobInfo> before = listAllVersions(store);
    List<SlotStats> statsBefore =
        IntStream.range(0, store.slotCount()).mapToObj(store::slotStats).toList();

    assertReason(Reason.INVALID_PATH, () -> store.put(path, bytes(3, 3)));
    assertReason(
        Reason.INVALID_PATH,
        () ->
            store.put(
                path,
                new ByteArrayInputStream(bytes(3, 3)),
                PutOptions.defaults().withExpectedVersion(1)));
    assertReason(
        Reason.INVALID_PATH,
        () -> store.put(path, new ByteArrayInputStream(bytes(2 * K, 3)), PutOptions.defaults()));
    assertReason(Reason.INVALID_PATH, () -> store.get(path).close());
    assertReason(Reason.INVALID_PATH, () -> store.get(path, GetOptions.version(1)).close());
    assertReason(Reason.INVALID_PATH, () -> store.head(path));
    assertReason(Reason.INVALID_PATH, () -> store.head(path, 1));
    assertReason(Reason.INVALID_PATH, () -> store.delete(path));
    assertReason(Reason.INVALID_PATH, () -> store.deleteVersion(path, 1));

    assertThat(listAllVersions(store)).isEqualTo(before);
    assertThat(IntStream.range(0, store.slotCount()).mapToObj(store::slotStats).toList())
        .isEqualTo(statsBefore);
    store.collectGarbage();
    assertNoOrphanBytes(store, storeDir);
  }
}
