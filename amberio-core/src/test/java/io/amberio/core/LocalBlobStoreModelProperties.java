package io.amberio.core;

import io.amberio.core.testkit.BlobStoreContractSupport.StoreConfig;
import io.amberio.core.testkit.BlobStoreModelProperties;
import java.nio.file.Path;

/** The model property, bound to the local store on one data directory. */
class LocalBlobStoreModelProperties extends BlobStoreModelProperties {

  @Override
  protected BlobStore openStore(Path dir, StoreConfig config) {
    return LocalBlobStoreTest.builder(config).dataDir(dir).build();
  }
}
