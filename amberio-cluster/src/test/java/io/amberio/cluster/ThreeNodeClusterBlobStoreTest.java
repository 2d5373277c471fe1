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
package io.amberio.cluster;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The contract on the blob store view of the first node of a three-node cluster (every node holds
 * every slot).
 */
class ThreeNodeClusterBlobStoreTest extends ClusterBlobStoreContractTest {
  @Override
  protected int nodes() {
    return 3;
  }

  /**
   * Cannot hold on more than one node. Garbage collection through a node's view collects that
   * node's own replicas only; every node collects its own, on its own timer, by the same retention.
   * This test collects through the first node, restarts the whole cluster and expects the collected
   * versions to stay gone, but the two other nodes have not collected: the restarted first node may
   * catch up from one of them, or a listing may be served by one, and the versions come back until
   * those nodes collect too. The one-node binding runs this test; the other garbage-collection
   * tests of the contract pass here.
   */
  @Override
  @Test
  @Disabled(
      "garbage collection through one node's view is that node's only; the others may still hold the versions")
  public void garbageCollectionAfterTheRetentionRemovesTombstonesMarkersAndWhatTheyHide() {}
}
