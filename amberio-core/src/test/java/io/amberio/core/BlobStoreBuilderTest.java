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
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amberio.core.testkit.TestSupport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The builder checks every option when it is set, and refuses to set one twice. */
class BlobStoreBuilderTest {
  @TempDir Path dir;

  @Test
  void aDataDirectoryIsRequired() {
    assertThatThrownBy(() -> BlobStore.builder().slotCount(4).build())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theSameDataDirectoryCannotBeAddedTwice() {
    assertThatThrownBy(() -> BlobStore.builder().dataDir(dir).dataDir(dir.resolve(".")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void optionsOutOfRangeAreRejectedWhenSet() {
    assertThatThrownBy(() -> BlobStore.builder().slotCount(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BlobStore.builder().slotCount(65_537))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BlobStore.builder().chunkSize((64 << 10) - 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BlobStore.builder().chunkSize((64 << 20) + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BlobStore.builder().inlineThreshold(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BlobStore.builder().inlineThreshold((1 << 20) + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BlobStore.builder().maxBlobSize(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BlobStore.builder().retention(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BlobStore.builder().gcInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BlobStore.builder().maxOpenSlots(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BlobStore.builder().idleSlotTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BlobStore.builder().minFreeBytes(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BlobStore.builder().retention(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> BlobStore.builder().clock(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> BlobStore.builder().dataDir(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> BlobStore.builder().compression(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void settingAnOptionTwiceNamesTheEarlierValue() {
    assertThatThrownBy(() -> BlobStore.builder().slotCount(16).slotCount(32))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("16");
    assertThatThrownBy(() -> BlobStore.builder().chunkSize(1 << 20).chunkSize(1 << 21))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(Integer.toString(1 << 20));
    assertThatThrownBy(
            () ->
                BlobStore.builder()
                    .retention(Duration.ofMinutes(5))
                    .retention(Duration.ofMinutes(6)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(Duration.ofMinutes(5).toString());
    assertThatThrownBy(
            () -> BlobStore.builder().clock(InstantSource.system()).clock(InstantSource.system()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () ->
                BlobStore.builder().compression(Compression.zstd(7)).compression(Compression.lz4()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("compression was already set to zstd:7");
    assertThatThrownBy(
            () ->
                BlobStore.builder().compression(Compression.none()).compression(Compression.none()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("compression was already set to none");
  }

  @Test
  void anInlineThresholdAboveTheChunkSizeIsRejected() {
    assertThatThrownBy(
            () ->
                BlobStore.builder()
                    .dataDir(dir)
                    .chunkSize(64 << 10)
                    .inlineThreshold((64 << 10) + 1)
                    .build())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void defaultsGiveAWorkingStore() {
    try (BlobStore s =
        BlobStore.builder().dataDir(dir).gcInterval(Duration.ZERO).minFreeBytes(0).build()) {
      assertThat(s.slotCount()).isEqualTo(BlobStoreBuilder.DEFAULT_SLOT_COUNT);
      s.put("hello.txt", bytes(5, 1));
      assertThat(TestSupport.readCurrent(s, "hello.txt")).isEqualTo(bytes(5, 1));
    }
  }

  @Test
  void aMaximumSizeOfZeroAcceptsOnlyEmptyBlobs() {
    try (BlobStore s =
        BlobStore.builder()
            .dataDir(dir)
            .slotCount(2)
            .maxBlobSize(0)
            .gcInterval(Duration.ZERO)
            .minFreeBytes(0)
            .build()) {
      assertThat(s.put("empty", new byte[0]).size()).isZero();
      assertThat(TestSupport.reasonOf(() -> s.put("one", new byte[1])))
          .isEqualTo(BlobStoreException.Reason.TOO_LARGE);
    }
  }
}
