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

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A bounded pool of direct chunk buffers shared by every read of a store, so heap use does not grow
 * with the number of concurrent reads: past the budget, reads verify and serve chunks in two passes
 * through a small buffer instead. Buffers are direct so that a file read lands in them without the
 * JDK's temporary copy, and they are reused, so a read allocates nothing.
 */
public final class ReadBuffers {
  private final int capacity;
  private final int max;
  // @GuardedBy("this")
  private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
  // @GuardedBy("this")
  private int created;

  /** A pool of at most {@code budget / capacity} buffers of {@code capacity} bytes each. */
  public ReadBuffers(long budget, int capacity) {
    this.capacity = capacity;
    this.max = (int) Math.min(Integer.MAX_VALUE, budget / capacity);
  }

  /** A cleared buffer with room for {@code size} bytes, or null when the pool is spent. */
  synchronized ByteBuffer tryAcquire(int size) {
    if (size > capacity) {
      return null;
    }
    ByteBuffer b = free.pollFirst();
    if (b == null) {
      if (created >= max) {
        return null;
      }
      created++;
      b = ByteBuffer.allocateDirect(capacity);
    }
    b.clear();
    return b;
  }

  /** Returns a buffer to the pool. */
  synchronized void release(ByteBuffer buffer) {
    free.addFirst(buffer);
  }
}
