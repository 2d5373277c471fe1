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
package io.amberio.core.replica;

import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreBuilder;
import io.amberio.core.BlobStoreException;
import java.util.Objects;

/**
 * A {@link BlobStore} that can also take part in a two-phase commit as one replica of a slot
 * ({@link ReplicaTransactions}), and copy versions from a peer replica ({@link ReplicaHistory}).
 * The cluster layer drives it; applications use {@link BlobStore}. This package is exported to the
 * cluster module only.
 */
public interface ReplicaStore extends BlobStore, ReplicaTransactions, ReplicaHistory {

  /**
   * The id this store was given when it was created (kept in every data directory). A store rebuilt
   * on empty disks has a new one, which is how a cluster tells that a replica lost what it held.
   */
  String storeId();

  /**
   * The bytes still free for this store: the least usable space of the file systems of its data
   * directories (a slot may land on any of them). The cluster refuses to copy slots in when it is
   * low.
   *
   * @throws BlobStoreException IO_ERROR if a file system cannot be asked
   */
  long usableBytes();

  /**
   * Opens the store {@code builder} describes, as a replica: the same store {@link
   * BlobStoreBuilder#build()} opens, with the operations the cluster layer needs to use it as one
   * replica.
   *
   * @throws IllegalStateException if no data directory was given
   * @throws BlobStoreException as {@link BlobStoreBuilder#build()}
   */
  static ReplicaStore open(BlobStoreBuilder builder) {
    Objects.requireNonNull(builder, "builder");
    BlobStore store = builder.build();
    if (store instanceof ReplicaStore replica) {
      return replica;
    }
    store.close();
    throw new IllegalStateException(
        "the builder opened a store that cannot act as a replica: " + store.getClass());
  }
}
