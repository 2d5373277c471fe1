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

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The contract, bound to a local store that compresses its chunks with zstd. The contract's data is
 * mostly random, so most chunks take the raw path after the first block's trial; {@link
 * CompressionTest} covers compressible data.
 */
class LocalBlobStoreCompressedTest extends io.amberio.core.testkit.BlobStoreContract {

  @Override
  protected BlobStore openStore(Path dir, StoreConfig c) {
    return LocalBlobStoreTest.builder(c).compression(Compression.zstd()).dataDir(dir).build();
  }

  @Override
  protected Optional<Set<String>> blobIdsOnDisk(Path dir) {
    return Optional.of(LocalBlobStoreTest.onDisk(List.of(dir)));
  }
}
