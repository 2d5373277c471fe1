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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amberio.cluster.registry.memory.InMemoryRegistry;
import io.amberio.cluster.sim.SimScheduler;
import io.amberio.cluster.topology.Topology;
import io.amberio.cluster.transport.memory.InMemoryNetwork;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreException;
import io.amberio.core.ListPage;
import io.amberio.core.ListRequest;
import io.amberio.core.PutOptions;
import io.amberio.core.VersionState;
import io.amberio.core.replica.ReplicaStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listing across a three-node cluster: every page may come from another node, and cursors carry
 * over.
 */
class ClusterListingTest {
  @TempDir Path dir;
  private SimScheduler sched;
  private final List<ClusterNode> nodes = new ArrayList<>();
  private final List<ReplicaStore> stores = new ArrayList<>();

  @BeforeEach
  void start() {
    sched = SimScheduler.create(11);
    InMemoryNetwork net = InMemoryNetwork.builder(sched, new Random(1)).build();
    InMemoryRegistry registry = new InMemoryRegistry(sched);
    List<Topology.Node> tn =
        List.of(
            Topology.Node.of("a", "a:1"),
            Topology.Node.of("b", "b:1"),
            Topology.Node.of("c", "c:1"));
    Topology topology = Topology.of(16, 3, tn);
    for (Topology.Node n : tn) {
      ReplicaStore store =
          ReplicaStore.open(
              BlobStore.builder()
                  .dataDir(dir.resolve(n.id().value()))
                  .slotCount(16)
                  .clock(sched.clock()));
      stores.add(store);
      ClusterNode node =
          ClusterNode.builder()
              .id(n.id())
              .topology(topology)
              .store(store)
              .transport(net.join(n.id()))
              .registry(registry)
              .scheduler(sched)
              .diskExecutor(sched)
              .random(new Random(n.id().hashCode()))
              .build();
      nodes.add(node);
      node.start();
    }
    assertThat(
            sched.runUntil(
                () ->
                    nodes.stream().allMatch(ClusterNode::ready)
                        && nodes.stream()
                            .allMatch(n -> IntStream.range(0, 16).allMatch(n::serving)),
                Duration.ofSeconds(30)))
        .isTrue();
  }

  @AfterEach
  void stop() {
    nodes.forEach(ClusterNode::halt);
    stores.forEach(ReplicaStore::close);
  }

  private <T> T join(CompletableFuture<T> f) {
    return sched.join(f, Duration.ofSeconds(60));
  }

  @Test
  void pagesFromAlternatingNodesVisitEveryPathOnceInByteOrder() {
    TreeSet<String> expected = new TreeSet<>(ListPage.PATH_ORDER);
    for (int i = 0; i < 150; i++) {
      String path =
          (i % 3 == 0 ? "x/" : "d/")
              + "k"
              + i
              + (i % 7 == 0 ? "\u00e9" : "")
              + (i % 11 == 0 ? "\uD83D\uDE00" : "");
      join(
          nodes
              .get(i % 3)
              .put(path, ("v" + i).getBytes(StandardCharsets.UTF_8), PutOptions.defaults()));
      if (path.startsWith("d/")) {
        expected.add(path);
      }
    }
    // A deleted path is not listed; a second version is listed once.
    String gone = expected.pollFirst();
    join(nodes.get(1).delete(gone));
    String twice = expected.first();
    join(nodes.get(2).put(twice, new byte[] {1}, PutOptions.defaults()));

    List<String> seen = new ArrayList<>();
    ListRequest r = new ListRequest("d/", 7, null, false);
    int page = 0;
    while (true) {
      ListPage p = join(nodes.get(page++ % 3).list(r));
      p.items().forEach(i -> seen.add(i.path()));
      assertThat(p.items()).hasSizeLessThanOrEqualTo(7);
      if (p.nextCursor() == null) {
        break;
      }
      r = r.withCursor(p.nextCursor());
    }
    assertThat(seen).containsExactlyElementsOf(expected);
  }

  /**
   * A page too large for a message header (1000 items of long paths: about 170 KB) comes back in
   * the reply's body; before, the replica failed to send it and the listing never answered.
   */
  @Test
  void aPageLargerThanAHeaderComesBackWhole() {
    TreeSet<String> expected = new TreeSet<>(ListPage.PATH_ORDER);
    String pad = "p".repeat(60);
    for (int i = 0; i < 1100; i++) {
      String path = "big/" + pad + "/" + i;
      join(nodes.get(i % 3).put(path, new byte[] {(byte) i}, PutOptions.defaults()));
      expected.add(path);
    }
    ListPage first = join(nodes.get(0).list(ListRequest.prefix("big/")));
    assertThat(first.items()).hasSize(ListRequest.DEFAULT_LIMIT);
    assertThat(first.nextCursor()).isNotNull();
    ListPage second =
        join(nodes.get(1).list(ListRequest.prefix("big/").withCursor(first.nextCursor())));
    assertThat(second.nextCursor()).isNull();
    List<String> seen = new ArrayList<>();
    first.items().forEach(i -> seen.add(i.path()));
    second.items().forEach(i -> seen.add(i.path()));
    assertThat(seen).containsExactlyElementsOf(expected);
    ListPage all =
        join(nodes.get(2).list(ListRequest.prefix("big/").withLimit(ListRequest.MAX_LIMIT)));
    assertThat(all.items()).hasSize(1100);
  }

  @Test
  void versionListingShowsMarkersAndTombstonesNewestFirst() {
    join(nodes.get(0).put("v/p", new byte[] {1}, PutOptions.defaults()));
    join(nodes.get(1).put("v/p", new byte[] {2}, PutOptions.defaults()));
    join(nodes.get(2).deleteVersion("v/p", 1));
    join(nodes.get(0).delete("v/p"));
    join(nodes.get(1).put("v/q", new byte[] {3}, PutOptions.defaults()));
    List<BlobInfo> all = new ArrayList<>();
    ListRequest r = new ListRequest("v/", 2, null, true);
    int page = 0;
    while (true) {
      ListPage p = join(nodes.get(page++ % 3).list(r));
      all.addAll(p.items());
      if (p.nextCursor() == null) {
        break;
      }
      r = r.withCursor(p.nextCursor());
    }
    assertThat(all)
        .extracting(i -> i.path() + "#" + i.version() + " " + i.state())
        .containsExactly(
            "v/p#3 " + VersionState.MARKER,
            "v/p#2 " + VersionState.LIVE,
            "v/p#1 " + VersionState.TOMBSTONED,
            "v/q#1 " + VersionState.LIVE);
  }

  @Test
  void aCursorThatWasNeverIssuedIsRejected() {
    assertThatThrownBy(
            () -> join(nodes.get(0).list(new ListRequest("", 10, "not-a-cursor", false))))
        .hasRootCauseInstanceOf(BlobStoreException.class)
        .rootCause()
        .satisfies(
            e ->
                assertThat(((BlobStoreException) e).reason())
                    .isEqualTo(BlobStoreException.Reason.INVALID_CURSOR));
  }
}
