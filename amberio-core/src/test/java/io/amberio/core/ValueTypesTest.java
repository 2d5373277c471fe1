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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.f4b6a3.ulid.UlidCreator;
import java.io.IOException;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The public records validate their arguments. */
class ValueTypesTest {

  @Test
  void byteRangesRejectImpossibleBounds() {
    assertThatThrownBy(() -> ByteRange.closed(5, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ByteRange.closed(-1, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ByteRange.from(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ByteRange.suffix(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ByteRange(ByteRange.Kind.CLOSED, 5, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ByteRange(ByteRange.Kind.SUFFIX, -1, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ByteRange.Resolved(-1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ByteRange.all().isAll()).isTrue();
    assertThat(ByteRange.from(0).isAll()).isFalse();
    assertThat(ByteRange.closed(0, 10).isAll()).isFalse();
  }

  @Test
  void compressionsParseFromTheirTextAndBack() {
    for (Compression c :
        new Compression[] {
          Compression.none(),
          Compression.lz4(),
          Compression.zstd(),
          Compression.zstd(1),
          Compression.zstd(19)
        }) {
      assertThat(Compression.parse(c.toString())).isEqualTo(c);
    }
    assertThat(Compression.parse(" ZSTD ")).isEqualTo(Compression.zstd(3));
    assertThat(Compression.parse("zstd:7").level()).isEqualTo(7);
    assertThat(Compression.parse("LZ4").codec()).isEqualTo(Compression.Codec.LZ4);
    assertThat(Compression.zstd().toString()).isEqualTo("zstd:3");
    assertThat(Compression.none().level()).isZero();
    assertThat(Compression.zstd(5))
        .isEqualTo(Compression.zstd(5))
        .isNotEqualTo(Compression.zstd(6));
    assertThat(Compression.zstd(5)).hasSameHashCodeAs(Compression.parse("zstd:5"));
  }

  @Test
  void badCompressionsAreRejectedNamingTheText() {
    for (String bad : new String[] {"", "gzip", "zstd:", "zstd:0", "zstd:20", "zstd:-1", "lz4:1"}) {
      assertThatThrownBy(() -> Compression.parse(bad))
          .as("'%s'", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
    assertThatThrownBy(() -> Compression.parse("zstd:99"))
        .hasMessageContaining("no zstd level from 1 to 19");
    assertThatThrownBy(() -> Compression.parse("snappy"))
        .hasMessageContaining("use none, lz4, zstd or zstd:LEVEL");
    assertThatThrownBy(() -> Compression.zstd(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("zstd level must be 1 to 19, was 0");
    assertThatThrownBy(() -> Compression.zstd(20)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Compression.parse(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void requestAndOptionRecordsValidate() {
    assertThatThrownBy(() -> ListRequest.prefix("").withLimit(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ListRequest.prefix("").withLimit(ListRequest.MAX_LIMIT + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ListRequest.prefix(null)).isInstanceOf(NullPointerException.class);
    assertThat(ListRequest.prefix("a"))
        .isEqualTo(new ListRequest("a", ListRequest.DEFAULT_LIMIT, null, false));

    assertThatThrownBy(() -> PutOptions.defaults().withExpectedVersion(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PutOptions.defaults().withContentType(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PutOptions.defaults().withContentType("x".repeat(256)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PutOptions.defaults().withContentType("text/é"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PutOptions.defaults().withContentType("text/plain\r\nX: y"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(PutOptions.defaults().contentType()).isEqualTo("application/octet-stream");
    assertThat(PutOptions.defaults().withContentType("x".repeat(255)).contentType()).hasSize(255);

    assertThatThrownBy(() -> GetOptions.version(0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(GetOptions.current())
        .isEqualTo(new GetOptions(OptionalLong.empty(), ByteRange.all()));
  }

  @Test
  void blobInfoAndBlobIdValidate() {
    BlobId id = new BlobId(UlidCreator.getUlid());
    assertThat(BlobId.parse(id.toString())).isEqualTo(id);
    assertThatThrownBy(() -> BlobId.parse("not-a-ulid"))
        .isInstanceOf(IllegalArgumentException.class);
    Instant t = Instant.parse("2030-01-01T00:00:00Z");
    assertThatThrownBy(() -> new BlobInfo("p", 0, id, VersionState.LIVE, 1, "e", "x/y", t))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BlobInfo("p", 1, id, VersionState.LIVE, -1, "e", "x/y", t))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new BlobInfo("p", 1, id, VersionState.MARKER, 0, "e", null, t).isLive()).isFalse();
    assertThat(VersionState.TOMBSTONED.wireName()).isEqualTo("tombstoned");
    assertThat(new GcReport(1, 2).plus(new GcReport(3, 4))).isEqualTo(new GcReport(4, 6));
  }

  @Test
  void exceptionsCarryTheirFields() {
    BlobStoreException c = BlobStoreException.versionConflict("p", 5, 3);
    assertThat(c.reason()).isEqualTo(BlobStoreException.Reason.VERSION_CONFLICT);
    assertThat(c.latestVersion()).hasValue(3);
    assertThat(c.size()).isEmpty();
    BlobStoreException r = BlobStoreException.rangeNotSatisfiable(0);
    assertThat(r.size()).hasValue(0);
    assertThat(r.latestVersion()).isEmpty();
    Exception cause = new IOException("disk");
    BlobStoreException io = BlobStoreException.io("writing", cause);
    assertThat(io.reason()).isEqualTo(BlobStoreException.Reason.IO_ERROR);
    assertThat(io.getCause()).isSameAs(cause);
  }
}
