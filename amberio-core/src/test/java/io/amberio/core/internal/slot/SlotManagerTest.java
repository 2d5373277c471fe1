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
package io.amberio.core.internal.slot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The open-slot bound: least recently released first, never a slot in use, idle ones too. */
class SlotManagerTest {
  /** Records opens and closes; refuses to be closed twice. */
  static final class Fake implements SlotManager.Managed {
    final int number;
    boolean closed;

    Fake(int number) {
      this.number = number;
    }

    @Override
    public int number() {
      return number;
    }

    @Override
    public void close() {
      assertThat(closed).as("slot %d closed twice", number).isFalse();
      closed = true;
    }
  }

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  private final List<Fake> opened = new ArrayList<>();

  private SlotManager<Fake> manager(int maxOpen, Duration idle) {
    return new SlotManager<>(
        (n, create) -> {
          Fake f = new Fake(n);
          opened.add(f);
          return f;
        },
        new BitSet(),
        maxOpen,
        idle,
        clock);
  }

  private List<Integer> closedOnes() {
    return opened.stream().filter(f -> f.closed).map(f -> f.number).toList();
  }

  @Test
  void closesTheLeastRecentlyReleasedSlotPastTheBound() {
    SlotManager<Fake> m = manager(3, Duration.ofHours(1));
    for (int n : new int[] {0, 1, 2}) {
      m.release(m.acquire(n, true));
      now.incrementAndGet();
    }
    m.release(m.acquire(0, true)); // 0 is now the most recently used
    m.release(m.acquire(3, true)); // over the bound: 1 goes
    assertThat(closedOnes()).containsExactly(1);
    m.release(m.acquire(4, true)); // then 2
    assertThat(closedOnes()).containsExactly(1, 2);
    assertThat(m.openCount()).isEqualTo(3);
    assertThat(m.acquireIfOpen(0)).isNotNull().satisfies(m::release);
    assertThat(m.acquireIfOpen(1)).isNull();
  }

  @Test
  void neverClosesASlotInUseAndCatchesUpWhenItIsReleased() {
    SlotManager<Fake> m = manager(2, Duration.ofHours(1));
    Fake a = m.acquire(0, true);
    Fake b = m.acquire(1, true);
    Fake c = m.acquire(2, true); // three in use: over the bound, nothing can close
    m.release(c);
    assertThat(closedOnes()).containsExactly(2);
    m.release(a);
    assertThat(m.openCount()).isEqualTo(2);
    m.release(b);
    assertThat(closedOnes()).containsExactly(2);
    assertThat(a.closed || b.closed).isFalse();
  }

  @Test
  void aReacquiredSlotIsTheSameObjectAndLeavesTheQueue() {
    SlotManager<Fake> m = manager(1, Duration.ofHours(1));
    Fake first = m.acquire(7, true);
    m.release(first);
    Fake again = m.acquire(7, true);
    assertThat(again).isSameAs(first);
    Fake other = m.acquire(8, true); // 7 is in use: the bound cannot take it
    m.release(other); // 8 is over the bound and unused: it goes
    assertThat(first.closed).isFalse();
    assertThat(other.closed).isTrue();
    m.release(again);
    assertThat(opened).hasSize(2);
  }

  @Test
  void idleSlotsCloseAfterTheTimeoutOldestFirst() {
    SlotManager<Fake> m = manager(100, Duration.ofSeconds(60));
    m.release(m.acquire(0, true));
    now.addAndGet(30_000);
    m.release(m.acquire(1, true));
    now.addAndGet(31_000);
    m.closeIdle();
    assertThat(closedOnes()).containsExactly(0);
    now.addAndGet(30_000);
    m.closeIdle();
    assertThat(closedOnes()).containsExactly(0, 1);
    assertThat(m.openCount()).isZero();
  }

  @Test
  void shutdownClosesEverySlotOnce() {
    SlotManager<Fake> m = manager(4, Duration.ofHours(1));
    for (int n = 0; n < 4; n++) {
      m.release(m.acquire(n, true));
    }
    assertThat(m.shutdown(Duration.ofSeconds(1))).isTrue();
    assertThat(closedOnes()).containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  @Test
  void aLongRunOverManySlotsKeepsTheBound() {
    SlotManager<Fake> m = manager(16, Duration.ofHours(1));
    java.util.Random r = new java.util.Random(5);
    for (int i = 0; i < 20_000; i++) {
      int n = r.nextInt(2048);
      m.release(m.acquire(n, true));
      assertThat(m.openCount()).isLessThanOrEqualTo(16);
    }
    long open = opened.stream().filter(f -> !f.closed).count();
    assertThat(open).isEqualTo(m.openCount());
  }
}
