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
package io.amberio.cluster.registry.internal;

import java.time.Duration;
import java.util.Comparator;
import java.util.Objects;

/**
 * Argument checks (keys, values, leases) and key order shared by the registry SPI's value types and
 * its implementations. Depends on nothing of the SPI, so the SPI can use it without a package
 * cycle.
 */
public final class Keys {

  /**
   * The order of keys: by Unicode code point, which is the byte order of their UTF-8 encodings and
   * so the order etcd uses. ({@link String#compareTo} differs for characters outside the Basic
   * Multilingual Plane.)
   */
  public static final Comparator<String> ORDER = Keys::compareCodePoints;

  private Keys() {}

  /**
   * Returns {@code key} if it is a usable key: non-empty, well-formed UTF-16 (so it survives
   * UTF-8).
   */
  public static String requireKey(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("a key must not be empty");
    }
    requireWellFormed(key, "key");
    return key;
  }

  /** Returns {@code prefix} if it is a usable prefix; the same rules as a key. */
  public static String requirePrefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("a prefix must not be empty");
    }
    requireWellFormed(prefix, "prefix");
    return prefix;
  }

  /**
   * Returns {@code value} if it is no longer than {@code maxBytes} (the registry's {@code
   * MAX_VALUE_BYTES}).
   */
  public static byte[] requireValue(byte[] value, int maxBytes) {
    Objects.requireNonNull(value, "value");
    if (value.length > maxBytes) {
      throw new IllegalArgumentException(
          "a value is at most " + maxBytes + " bytes, was " + value.length);
    }
    return value;
  }

  private static void requireWellFormed(String s, String what) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        throw new IllegalArgumentException(
            "the " + what + " has an unpaired surrogate at index " + i);
      }
      if (Character.isLowSurrogate(c)) {
        throw new IllegalArgumentException(
            "the " + what + " has an unpaired surrogate at index " + i);
      }
    }
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** Checks that a lease's {@code ttl} is positive. */
  public static void requirePositive(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("a lease's ttl must be positive, was " + ttl);
    }
  }

  /** Checks that {@code leaseId} names a lease (is positive). */
  public static void requireLeaseId(long leaseId) {
    if (leaseId <= 0) {
      throw new IllegalArgumentException("a lease id is positive, was " + leaseId);
    }
  }
}
