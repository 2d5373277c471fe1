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
package io.amberio.cluster.sim;

import static io.amberio.core.testkit.TestSupport.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.testkit.TestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local store's background work (garbage collection, closing idle slots) runs on the {@link
 * io.amberio.core.Scheduler} it is given, so the simulation's {@link SimScheduler} drives it in
 * simulated time like everything else in a simulated node: the one manual scheduler of the project,
 * used here on a store alone.
 */
class StoreOnSimSchedulerTest {
  @TempDir Path tmp;

  @Test
  void backgroundWorkRunsOnTheGivenSchedulerAndStopsAtClose() throws IOException {
    SimScheduler scheduler = SimScheduler.create(7);
    BlobStore s =
        BlobStore.builder()
            .dataDir(tmp)
            .slotCount(4)
            .retention(Duration.ofHours(1))
            .gcInterval(Duration.ofMinutes(40))
            .idleSlotTimeout(Duration.ofMinutes(10))
            .clock(scheduler.clock())
            .scheduler(scheduler)
            .minFreeBytes(0)
            .build();
    assertThat(scheduler.pending())
        .as("garbage collection and the idle-slot check are scheduled")
        .isEqualTo(2);
    s.put("p", bytes(10, 1));
    s.put("p", bytes(1034, 2));
    s.deleteVersion("p", 2);
    assertThat(openSlotDatabases(tmp)).as("the slot written is open").hasSize(1);

    // the idle check runs every 5 minutes: at 5 the slot is not idle long enough yet, at 10 it is
    scheduler.runFor(Duration.ofMinutes(6));
    assertThat(openSlotDatabases(tmp)).as("not idle for 10 minutes yet").hasSize(1);
    scheduler.runFor(Duration.ofMinutes(5));
    assertThat(openSlotDatabases(tmp)).as("closed by the idle check").isEmpty();

    // garbage collection runs at 40 minutes (the tombstone is within retention) and at 80 (it is
    // not)
    scheduler.runFor(Duration.ofMinutes(35));
    assertThat(TestSupport.listAllVersions(s))
        .extracting(BlobInfo::version)
        .containsExactly(2L, 1L);
    scheduler.runFor(Duration.ofMinutes(40));
    assertThat(TestSupport.listAllVersions(s)).extracting(BlobInfo::version).containsExactly(1L);
    assertThat(scheduler.pending()).as("each run schedules the next").isEqualTo(2);

    s.close();
    assertThat(scheduler.pending()).as("no background work is left scheduled after close").isZero();
    assertThat(scheduler.runFor(Duration.ofDays(1))).as("nothing runs after close").isZero();
  }

  /**
   * The slots whose database is open: SQLite deletes the write-ahead log when the last connection
   * closes.
   */
  private static List<Path> openSlotDatabases(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.getFileName().toString().equals("meta.sqlite3-wal")).toList();
    }
  }
}
