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

/**
 * A set of 128-bit fingerprints of search configurations (linearized set, model state), in an
 * open-addressing table of two {@code long}s per slot: 32 bytes per entry at most, no object per
 * entry, so a search of millions of configurations fits in a few dozen megabytes.
 *
 * <p>Two configurations with the same fingerprint are taken as the same. The two halves come from
 * two independent 64-bit mixing chains; for {@code k} configurations the chance of any collision is
 * about {@code k^2 / 2^129}, below {@code 10^-25} at the default budget. A collision could only
 * make the search skip a configuration it had not seen, that is report a violation that is not one;
 * never the reverse.
 */
final class Fingerprints {

  private long[] table = new long[2 * 1024]; // pairs; (0, 0) marks an empty slot
  private int size;

  /**
   * Adds the fingerprint of ({@code bits}, {@code state}); returns false if it was already there.
   */
  boolean add(long[] bits, int[] state) {
    long a = 0x9E3779B97F4A7C15L;
    long b = 0xC2B2AE3D27D4EB4FL;
    for (long w : bits) {
      a = splitMix(a ^ w);
      b = murmurMix(b + w * 0x9FB21C651E98DF25L);
    }
    a = splitMix(a ^ (0x5851F42D4C957F2DL + state.length));
    b = murmurMix(b + state.length);
    for (int s : state) {
      a = splitMix(a ^ (s & 0xFFFFFFFFL));
      b = murmurMix(b + (s & 0xFFFFFFFFL) * 0x9FB21C651E98DF25L);
    }
    if (a == 0 && b == 0) {
      b = 1;
    }
    if (2 * (size + 1) > table.length / 2) {
      grow();
    }
    return insert(table, a, b);
  }

  private boolean insert(long[] t, long a, long b) {
    int mask = t.length / 2 - 1;
    int i = (int) (a ^ (a >>> 32)) & mask;
    while (true) {
      long x = t[2 * i];
      long y = t[2 * i + 1];
      if (x == 0 && y == 0) {
        t[2 * i] = a;
        t[2 * i + 1] = b;
        if (t == table) {
          size++;
        }
        return true;
      }
      if (x == a && y == b) {
        return false;
      }
      i = (i + 1) & mask;
    }
  }

  private void grow() {
    long[] old = table;
    table = new long[old.length * 2];
    for (int i = 0; i < old.length; i += 2) {
      if (old[i] != 0 || old[i + 1] != 0) {
        insert(table, old[i], old[i + 1]);
      }
    }
  }

  /** The number of fingerprints held. */
  int size() {
    return size;
  }

  private static long splitMix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static long murmurMix(long k) {
    k ^= k >>> 33;
    k *= 0xFF51AFD7ED558CCDL;
    k ^= k >>> 33;
    k *= 0xC4CEB9FE1A85EC53L;
    return k ^ (k >>> 33);
  }
}
