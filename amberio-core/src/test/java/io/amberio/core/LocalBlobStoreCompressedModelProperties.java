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

import io.amberio.core.testkit.BlobStoreContractSupport.StoreConfig;
import io.amberio.core.testkit.BlobStoreModelProperties;
import java.nio.file.Path;

/**
 * The model property, bound to a local store that compresses its chunks with LZ4: half the puts
 * write text, which is stored compressed, streamed in trickles of every size.
 */
class LocalBlobStoreCompressedModelProperties extends BlobStoreModelProperties {

  @Override
  protected BlobStore openStore(Path dir, StoreConfig config) {
    return LocalBlobStoreTest.builder(config).compression(Compression.lz4()).dataDir(dir).build();
  }
}
