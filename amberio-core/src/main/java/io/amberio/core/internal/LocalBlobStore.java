package io.amberio.core.internal;

import io.amberio.core.BlobStore;

/** Temporary: replaced by the real implementation in the next step. */
public abstract class LocalBlobStore implements BlobStore {
  public static BlobStore open(StoreSettings settings) {
    throw new IllegalStateException("under construction");
  }
}
