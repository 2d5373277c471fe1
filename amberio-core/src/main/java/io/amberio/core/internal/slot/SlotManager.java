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

import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens slots lazily and closes idle ones, so memory does not grow with the slot count.
 *
 * <p>Each open slot has a reference count: {@link #acquire} increments it, {@link #release}
 * decrements it. Only a slot with no references is closed, either because it was idle for the idle
 * timeout or because more than {@code maxOpen} slots are open (least recently used first). A slot
 * is never open twice: while one is opening or closing, others who want it wait. Opening and
 * closing (file I/O) happen outside the lock.
 *
 * <pre>
 *   (absent) --acquire--> OPENING --opened--> OPEN --idle or over capacity, refs == 0--> CLOSING --> (absent)
 * </pre>
 */
public final class SlotManager {
  private static final Logger log = LoggerFactory.getLogger(SlotManager.class);

  /** Opens a slot; returns null when it does not exist and {@code create} is false. */
  public interface Opener {
    Slot open(int slot, boolean create);
  }

  private enum State {
    OPENING,
    OPEN,
    CLOSING
  }

  private static final class Entry {
    State state = State.OPENING;
    Slot slot;
    int refs;
    long lastUsed;
  }

  private final Opener opener;
  private final int maxOpen;
  private final Duration idleTimeout;
  private final InstantSource clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // @GuardedBy("lock")
  private final Map<Integer, Entry> entries = new HashMap<>();
  // @GuardedBy("lock")
  private final BitSet existing;
  // @GuardedBy("lock")
  private boolean closed;

  public SlotManager(
      Opener opener, BitSet existing, int maxOpen, Duration idleTimeout, InstantSource clock) {
    this.opener = opener;
    this.existing = (BitSet) existing.clone();
    this.maxOpen = maxOpen;
    this.idleTimeout = idleTimeout;
    this.clock = clock;
  }

  /**
   * Returns the open slot, opening (and with {@code create}, creating) it if needed; null when it
   * does not exist and {@code create} is false. Every non-null result must be {@link #release
   * released}.
   */
  public Slot acquire(int number, boolean create) {
    lock.lock();
    try {
      while (true) {
        if (closed) {
          throw BlobStoreException.of(Reason.CLOSED, "the store is closed");
        }
        Entry e = entries.get(number);
        if (e == null) {
          if (!create && !existing.get(number)) {
            return null;
          }
          e = new Entry();
          e.refs = 1;
          entries.put(number, e);
          return openOutsideLock(number, e, create);
        }
        if (e.state == State.OPEN) {
          e.refs++;
          return e.slot;
        }
        changed.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the slot if it is open (waiting while it opens or closes), without opening it; null
   * otherwise. A non-null result must be released. Works after {@link #shutdown} too, returning
   * null.
   */
  public Slot acquireIfOpen(int number) {
    lock.lock();
    try {
      while (true) {
        Entry e = entries.get(number);
        if (e == null) {
          return null;
        }
        if (e.state == State.OPEN) {
          e.refs++;
          return e.slot;
        }
        changed.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  // Called and returns with the lock held.
  private Slot openOutsideLock(int number, Entry e, boolean create) {
    Slot slot = null;
    RuntimeException failure = null;
    lock.unlock();
    try {
      slot = opener.open(number, create);
    } catch (RuntimeException x) {
      failure = x;
    } finally {
      lock.lock();
    }
    if (slot == null) {
      entries.remove(number);
      changed.signalAll();
      if (failure != null) {
        throw failure;
      }
      return null;
    }
    e.slot = slot;
    e.state = State.OPEN;
    existing.set(number);
    changed.signalAll();
    return slot;
  }

  /** Gives back a slot from {@link #acquire}; closes slots past capacity. */
  public void release(Slot slot) {
    List<Entry> victims;
    lock.lock();
    try {
      Entry e = entries.get(slot.number());
      if (e == null || e.slot != slot || e.refs <= 0) {
        throw new IllegalStateException(
            "slot " + slot.number() + " released more often than acquired");
      }
      e.refs--;
      e.lastUsed = clock.millis();
      victims = takeVictims(false);
      if (e.refs == 0) {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
    closeAll(victims);
  }

  /** Closes slots that nobody used for the idle timeout (and any past capacity). */
  public void closeIdle() {
    List<Entry> victims;
    lock.lock();
    try {
      victims = takeVictims(true);
    } finally {
      lock.unlock();
    }
    closeAll(victims);
  }

  // @GuardedBy("lock")
  private List<Entry> takeVictims(boolean idle) {
    if (!idle && entries.size() <= maxOpen) {
      return List.of();
    }
    List<Entry> unused = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e.state == State.OPEN && e.refs == 0) {
        unused.add(e);
      }
    }
    List<Entry> victims = new ArrayList<>();
    long now = clock.millis();
    if (idle) {
      for (Entry e : unused) {
        if (now - e.lastUsed >= idleTimeout.toMillis()) {
          victims.add(e);
        }
      }
    }
    int excess = entries.size() - victims.size() - maxOpen;
    if (excess > 0) {
      unused.removeAll(victims);
      unused.sort(Comparator.comparingLong(e -> e.lastUsed));
      victims.addAll(unused.subList(0, Math.min(excess, unused.size())));
    }
    for (Entry e : victims) {
      e.state = State.CLOSING;
    }
    return victims;
  }

  private void closeAll(List<Entry> victims) {
    for (Entry e : victims) {
      try {
        e.slot.close();
      } catch (RuntimeException x) {
        log.warn("closing slot {} failed: {}", e.slot.number(), x.toString());
      }
      lock.lock();
      try {
        entries.remove(e.slot.number());
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** How many slots are open now. */
  public int openCount() {
    lock.lock();
    try {
      return entries.size();
    } finally {
      lock.unlock();
    }
  }

  /** The slots that exist on disk. */
  public BitSet existing() {
    lock.lock();
    try {
      return (BitSet) existing.clone();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Refuses new acquisitions, waits up to {@code timeout} for slots in use to be released, and
   * closes every slot.
   *
   * @return whether every slot was released in time and closed
   */
  public boolean shutdown(Duration timeout) {
    List<Entry> victims = new ArrayList<>();
    boolean drained = true;
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (entries.values().stream().anyMatch(e -> e.refs > 0 || e.state != State.OPEN)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          drained = false;
          break;
        }
        try {
          changed.await(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          drained = false;
          break;
        }
      }
      for (Entry e : entries.values()) {
        if (e.state == State.OPEN && e.refs == 0) {
          e.state = State.CLOSING;
          victims.add(e);
        }
      }
    } finally {
      lock.unlock();
    }
    closeAll(victims);
    return drained;
  }
}
