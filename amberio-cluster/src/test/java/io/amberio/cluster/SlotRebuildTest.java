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

import io.amberio.cluster.testkit.SimCluster;
import io.amberio.cluster.topology.Topology;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.GetOptions;
import io.amberio.core.PutOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rebuilding a slot whose in-sync replicas are all gone for good ({@link ClusterNode#rebuildSlot}):
 * refused while an in-sync replica lives or no learner does, a dry run writes nothing, the rebuild
 * loses exactly what the survivors lack and the slot serves again, and a store from before the
 * rebuild never brings its versions back into the slot.
 */
class SlotRebuildTest {
  private static final int SLOTS = 4;
  private static final Duration MINUTE = Duration.ofMinutes(1);

  @TempDir Path dir;
  private SimCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private <T> T await(CompletableFuture<T> f) {
    return cluster.await(f, MINUTE);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Throwable failure(CompletableFuture<?> f) {
    try {
      f.join();
      throw new AssertionError("expected a failure, got " + f.join());
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  /** Runs until {@code f} fails, and returns why. */
  private Throwable refusal(CompletableFuture<?> f) {
    cluster.await(f.handle((r, t) -> null), MINUTE);
    return failure(f);
  }

  @Test
  void rebuildsASlotFromItsLiveLearnerAndKeepsStoresFromBeforeOut() {
    cluster = new SimCluster(dir, 11, SLOTS, 2, "a", "b", "c", "d");
    cluster.start(ClusterConfig.DEFAULTS);
    assertThat(cluster.runUntil(() -> cluster.allInSync(2), MINUTE)).isTrue();
    ClusterNode a = cluster.node("a");
    // Paths of every slot, two versions each.
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      paths.add("p" + i);
      await(a.put("p" + i, bytes("one " + i), PutOptions.defaults()));
      await(a.put("p" + i, bytes("two " + i), PutOptions.defaults()));
    }
    int slot = cluster.store("a").slotOf("p0");
    List<NodeId> holders = a.slot(slot).inSync();
    assertThat(holders).hasSize(2);
    String x = holders.get(0).value();
    String y = holders.get(1).value();
    String via =
        List.of("a", "b", "c", "d").stream()
            .filter(n -> !n.equals(x) && !n.equals(y))
            .findFirst()
            .orElseThrow();
    ClusterNode op = cluster.node(via);

    // A slot with live in-sync replicas is not rebuilt.
    Throwable alive = refusal(op.rebuildSlot(slot, true));
    assertThat(alive).isInstanceOf(RebuildRefusedException.class);
    assertThat(((RebuildRefusedException) alive).code()).isEqualTo("replica_alive");
    assertThat(refusal(op.rebuildSlot(SLOTS, true))).isInstanceOf(IllegalArgumentException.class);

    // Both replicas of the slot are gone: x for good, y stopped with its store kept.
    cluster.destroy(x);
    cluster.halt(y);
    cluster.runFor(Duration.ofSeconds(20));
    CompletableFuture<BlobInfo> stuck = op.put("p0", bytes("three"), PutOptions.defaults());
    cluster.runFor(Duration.ofSeconds(20));
    assertThat(stuck).isCompletedExceptionally();

    Throwable noLearner = refusal(op.rebuildSlot(slot, true));
    assertThat(noLearner).isInstanceOf(RebuildRefusedException.class);
    assertThat(((RebuildRefusedException) noLearner).code()).isEqualTo("no_live_learner");

    // The operator replaces x by e; e joins the slot as a learner, and its copy has no source.
    ClusterNode e =
        cluster.start(
            "e", cluster.topology().with(Topology.Node.of("e", "e:1")), ClusterConfig.DEFAULTS);
    await(op.replaceNode(NodeId.of(x), Topology.Node.of("e", "e:1")));
    assertThat(cluster.runUntil(() -> op.slot(slot).learners().contains(e.id()), MINUTE)).isTrue();
    long epoch = op.slot(slot).epoch();

    ClusterNode.SlotRebuild dry = await(op.rebuildSlot(slot, false));
    assertThat(dry.done()).isFalse();
    assertThat(dry.promoted()).containsExactly(e.id());
    assertThat(dry.whatIsLost()).contains("slot " + slot);
    cluster.runFor(Duration.ofSeconds(5));
    assertThat(op.slot(slot).epoch()).as("a dry run writes nothing").isEqualTo(epoch);
    assertThat(op.slot(slot).inSync()).doesNotContain(e.id());

    ClusterNode.SlotRebuild done = await(op.rebuildSlot(slot, true));
    assertThat(done.done()).isTrue();
    assertThat(done.epochAfter()).isGreaterThan(done.epochBefore());
    assertThat(
            cluster.runUntil(
                () -> e.serving(slot) && op.slot(slot).inSync().equals(List.of(e.id())), MINUTE))
        .isTrue();

    // The slot serves again: what e did not hold is lost, and new writes go through.
    assertThat(refusal(op.get("p0", GetOptions.current()))).isInstanceOf(BlobStoreException.class);
    BlobInfo fresh = await(op.put("p0", bytes("after"), PutOptions.defaults()));
    assertThat(fresh.version()).isEqualTo(1);
    // Every other slot lost nothing.
    for (String p : paths) {
      if (op.store().slotOf(p) != slot) {
        assertThat(await(op.head(p, OptionalLong.empty())).version()).isEqualTo(2);
      }
    }

    // y comes back with its store from before the rebuild: it holds p0 v1 and v2, which the
    // slot has lost, and a v1 that is not the one written since. It must not rejoin the slot.
    ClusterNode back = cluster.start(y, cluster.topology(), ClusterConfig.DEFAULTS);
    cluster.runFor(Duration.ofSeconds(30));
    assertThat(back.ready()).isTrue();
    assertThat(op.slot(slot).inSync()).doesNotContain(back.id());
    assertThat(op.slot(slot).learners()).doesNotContain(back.id());
    BlobInfo read = await(back.head("p0", OptionalLong.empty()));
    assertThat(read.blobId()).isEqualTo(fresh.blobId());
    assertThat(await(op.put("p0", bytes("again"), PutOptions.defaults())).version()).isEqualTo(2);
  }
}
