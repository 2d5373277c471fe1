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
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
 * <p>Slots with no references wait in least-recently-released order, so finding the slot to close
 * costs the same however many are open: with a small {@code maxOpen} and traffic spread over every
 * slot, nearly every release closes one.
 *
 * <pre>
 *   (absent) --acquire--> OPENING --opened--> OPEN --idle or over capacity, refs == 0--> CLOSING --> (absent)
 * </pre>
 */
public final class SlotManager<S extends SlotManager.Managed> {
  private static final Logger log = LoggerFactory.getLogger(SlotManager.class);

  /** What the manager holds: a {@link Slot} (or, in tests, anything that counts its closes). */
  public interface Managed {
    int number();

    void close();
  }

  /** Opens a slot; returns null when it does not exist and {@code create} is false. */
  public interface Opener<S> {
    S open(int slot, boolean create);
  }

  private enum State {
    OPENING,
    OPEN,
    CLOSING
  }

  private static final class Entry<S> {
    State state = State.OPENING;
    S slot;
    int refs;
    long lastUsed;
  }

  private final Opener<S> opener;
  private final int maxOpen;
  private final Duration idleTimeout;
  private final InstantSource clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // @GuardedBy("lock")
  private final Map<Integer, Entry<S>> entries = new HashMap<>();
  // OPEN entries with no references, least recently released first.
  // @GuardedBy("lock")
  private final LinkedHashMap<Integer, Entry<S>> unused = new LinkedHashMap<>();
  // How many entries are CLOSING (still in entries until their close returns).
  // @GuardedBy("lock")
  private int closing;
  // @GuardedBy("lock")
  private final BitSet existing;
  // @GuardedBy("lock")
  private boolean closed;

  public SlotManager(
      Opener<S> opener, BitSet existing, int maxOpen, Duration idleTimeout, InstantSource clock) {
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
  public S acquire(int number, boolean create) {
    lock.lock();
    try {
      while (true) {
        if (closed) {
          throw BlobStoreException.of(Reason.CLOSED, "the store is closed");
        }
        Entry<S> e = entries.get(number);
        if (e == null) {
          if (!create && !existing.get(number)) {
            return null;
          }
          e = new Entry<>();
          e.refs = 1;
          entries.put(number, e);
          return openOutsideLock(number, e, create);
        }
        if (e.state == State.OPEN) {
          if (e.refs++ == 0) {
            unused.remove(number);
          }
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
  public S acquireIfOpen(int number) {
    lock.lock();
    try {
      while (true) {
        Entry<S> e = entries.get(number);
        if (e == null) {
          return null;
        }
        if (e.state == State.OPEN) {
          if (e.refs++ == 0) {
            unused.remove(number);
          }
          return e.slot;
        }
        changed.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  // Called and returns with the lock held.
  private S openOutsideLock(int number, Entry<S> e, boolean create) {
    S slot = null;
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
  public void release(S slot) {
    List<Entry<S>> victims;
    lock.lock();
    try {
      Entry<S> e = entries.get(slot.number());
      if (e == null || e.slot != slot || e.refs <= 0) {
        throw new IllegalStateException(
            "slot " + slot.number() + " released more often than acquired");
      }
      e.refs--;
      e.lastUsed = clock.millis();
      if (e.refs == 0) {
        unused.put(slot.number(), e);
        changed.signalAll();
      }
      victims = takeVictims(false);
    } finally {
      lock.unlock();
    }
    closeAll(victims);
  }

  /** Closes slots that nobody used for the idle timeout (and any past capacity). */
  public void closeIdle() {
    List<Entry<S>> victims;
    lock.lock();
    try {
      victims = takeVictims(true);
    } finally {
      lock.unlock();
    }
    closeAll(victims);
  }

  // @GuardedBy("lock")
  private List<Entry<S>> takeVictims(boolean idle) {
    List<Entry<S>> victims = new ArrayList<>(0);
    if (idle) {
      long now = clock.millis();
      Iterator<Entry<S>> it = unused.values().iterator();
      while (it.hasNext()) {
        Entry<S> e = it.next();
        if (now - e.lastUsed < idleTimeout.toMillis()) {
          break; // the rest were released later
        }
        it.remove();
        victims.add(e);
      }
    }
    Iterator<Entry<S>> it = unused.values().iterator();
    while (entries.size() - closing - victims.size() > maxOpen && it.hasNext()) {
      victims.add(it.next());
      it.remove();
    }
    for (Entry<S> e : victims) {
      e.state = State.CLOSING;
    }
    closing += victims.size();
    return victims;
  }

  private void closeAll(List<Entry<S>> victims) {
    for (Entry<S> e : victims) {
      try {
        e.slot.close();
      } catch (RuntimeException x) {
        log.warn("closing slot {} failed: {}", e.slot.number(), x.toString());
      }
      lock.lock();
      try {
        entries.remove(e.slot.number());
        closing--;
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
    List<Entry<S>> victims = new ArrayList<>();
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
      for (Entry<S> e : entries.values()) {
        if (e.state == State.OPEN && e.refs == 0) {
          e.state = State.CLOSING;
          victims.add(e);
        }
      }
      unused.clear();
      closing += victims.size();
    } finally {
      lock.unlock();
    }
    closeAll(victims);
    return drained;
  }
}
