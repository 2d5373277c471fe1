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
import static io.amberio.core.testkit.TestSupport.failure;
import static io.amberio.core.testkit.TestSupport.readCurrent;
import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.core.testkit.BlobStoreContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The contract, bound to the local store spread over two data directories. */
class LocalBlobStoreTwoDisksTest extends BlobStoreContract {

  private static List<Path> disks(Path dir) {
    try {
      return List.of(
          Files.createDirectories(dir.resolve("disk0")),
          Files.createDirectories(dir.resolve("disk1")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected BlobStore openStore(Path dir, StoreConfig c) {
    return LocalBlobStoreTest.builder(c).dataDirs(disks(dir)).build();
  }

  @Override
  protected Optional<Set<String>> blobIdsOnDisk(Path dir) {
    return Optional.of(LocalBlobStoreTest.onDisk(disks(dir)));
  }

  private static long slotDirs(Path disk) throws IOException {
    Path slots = disk.resolve("slots");
    if (!Files.isDirectory(slots)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(slots)) {
      return s.filter(p -> Files.exists(p.resolve("meta.sqlite3"))).count();
    }
  }

  @Test
  void slotsAreSpreadOverBothDisks() throws IOException {
    for (int i = 0; i < 40; i++) {
      put("spread/" + i, bytes(K + 1, i));
    }
    List<Path> disks = disks(storeDir);
    assertThat(slotDirs(disks.get(0))).as("slots on disk0").isPositive();
    assertThat(slotDirs(disks.get(1))).as("slots on disk1").isPositive();
    for (int i = 0; i < 40; i++) {
      assertThat(readCurrent(store, "spread/" + i)).isEqualTo(bytes(K + 1, i));
    }
  }

  @Test
  void reopeningWithoutOneOfTheDisksIsRejected() {
    put("p", bytes(10, 1));
    store.close();
    List<Path> disks = disks(storeDir);
    BlobStoreException e =
        failure(() -> LocalBlobStoreTest.builder(config).dataDir(disks.get(0)).build().close());
    assertThat(e.reason()).isEqualTo(BlobStoreException.Reason.INCOMPATIBLE_STORE);
    store = open(storeDir, config);
    assertThat(readCurrent(store, "p")).isEqualTo(bytes(10, 1));
  }
}
