package io.amberio.cluster;

/** The contract on the blob store view of a one-node cluster. */
class OneNodeClusterBlobStoreTest extends ClusterBlobStoreContractTest {
  @Override
  protected int nodes() {
    return 1;
  }
}
