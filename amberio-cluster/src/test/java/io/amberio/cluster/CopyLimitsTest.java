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

import io.amberio.cluster.sim.SimScheduler;
import io.amberio.cluster.testkit.SimCluster;
import io.amberio.core.BlobInfo;
import io.amberio.core.PutOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copy limits of {@link ClusterConfig}: at most {@code maxIncomingCopies} slots copied in at
 * once, at most {@code copyBytesPerSecond} over all of them, and no copy started while less than
 * {@code copyReserveBytes} is free. Checked on a replica that lost its disks and copies 8 slots
 * holding 2 MiB back, in simulated time.
 */
class CopyLimitsTest {
  private static final int SLOTS = 8;
  private static final Duration MINUTE = Duration.ofMinutes(1);

  @TempDir Path dir;
  private SimCluster cluster;
  private SimScheduler sched;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Three nodes, 64 blobs of 32 KiB, then c wiped and started again under {@code config}. */
  private ClusterNode wipedReplica(ClusterConfig config) {
    return wipedReplica(config, ClusterConfig.DEFAULTS);
  }

  /** As above, a and b running under {@code sources}. */
  private ClusterNode wipedReplica(ClusterConfig config, ClusterConfig sources) {
    cluster = new SimCluster(dir, 6, SLOTS, 3, "a", "b", "c").start(sources);
    sched = cluster.scheduler();
    assertThat(cluster.runUntil(() -> cluster.allInSync(3), MINUTE)).isTrue();
    List<CompletableFuture<BlobInfo>> puts = new ArrayList<>();
    byte[] blob = new byte[32 << 10];
    new Random(3).nextBytes(blob);
    for (int i = 0; i < 64; i++) {
      puts.add(cluster.node("a").put("b" + i, blob, PutOptions.defaults()));
    }
    assertThat(cluster.runUntil(() -> puts.stream().allMatch(CompletableFuture::isDone), MINUTE))
        .isTrue();
    cluster.destroy("c");
    return cluster.start("c", cluster.topology(), config);
  }

  private boolean allInSync() {
    return cluster.allInSync(3);
  }

  private void assertCopiedLevel() {
    for (int s = 0; s < SLOTS; s++) {
      assertThat(cluster.store("c").versionsAfter(s, null, 1000))
          .isEqualTo(cluster.store("a").versionsAfter(s, null, 1000));
    }
  }

  @Test
  void copiesInAtMostTheConfiguredNumberOfSlotsAtOnceAndAtTheConfiguredRate() {
    ClusterNode c = wipedReplica(ClusterConfig.DEFAULTS.withCopyLimits(2, 256 << 10, 0));
    long start = sched.now().toEpochMilli();
    int[] most = {0};
    assertThat(
            sched.runUntil(
                () -> {
                  int learning = 0;
                  for (int s = 0; s < SLOTS; s++) {
                    if (cluster.node("a").slot(s).learners().contains(c.id())) {
                      learning++;
                    }
                  }
                  most[0] = Math.max(most[0], learning);
                  return allInSync();
                },
                Duration.ofMinutes(5)))
        .isTrue();
    long took = sched.now().toEpochMilli() - start;
    assertThat(most[0]).as("slots copied in at once").isBetween(1, 2);
    // 2 MiB at 256 KiB/s, less the one second of budget the bucket starts full with: 7 s at least.
    assertThat(took)
        .as("ms of simulated time to copy 2 MiB at 256 KiB/s")
        .isGreaterThanOrEqualTo(7_000);
    assertCopiedLevel();
  }

  @Test
  void aSourceServesAtMostItsLimitOfCopiesAndLearnersUseAnotherSource() {
    ClusterNode c =
        wipedReplica(
            ClusterConfig.DEFAULTS.withCopyLimits(8, 256 << 10, 0),
            ClusterConfig.DEFAULTS.withMaxOutgoingCopies(1));
    int[] most = {0, 0};
    int[] sum = {0};
    assertThat(
            sched.runUntil(
                () -> {
                  int a = cluster.node("a").copiesServing();
                  int b = cluster.node("b").copiesServing();
                  most[0] = Math.max(most[0], a);
                  most[1] = Math.max(most[1], b);
                  sum[0] = Math.max(sum[0], a + b);
                  return allInSync();
                },
                Duration.ofMinutes(5)))
        .isTrue();
    assertThat(most).as("copies served at once by a and by b").containsExactly(1, 1);
    assertThat(sum[0]).as("both sources served at once").isEqualTo(2);
    assertCopiedLevel();
    assertThat(c.copies()).isEmpty();
  }

  @Test
  void startsNoCopyWhileItsDiskIsShortOfTheReserve() {
    ClusterNode c = wipedReplica(ClusterConfig.DEFAULTS.withCopyLimits(8, 0, Long.MAX_VALUE));
    sched.runFor(Duration.ofSeconds(30));
    for (int s = 0; s < SLOTS; s++) {
      assertThat(cluster.node("a").slot(s).learners()).doesNotContain(c.id());
      assertThat(cluster.node("a").slot(s).inSync()).doesNotContain(c.id());
    }
    assertThat(c.copies()).isEmpty();
  }
}
