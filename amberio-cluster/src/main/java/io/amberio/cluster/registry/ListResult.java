package io.amberio.cluster.registry;

import java.util.List;

/**
 * One page of a {@link Registry#list list}.
 *
 * @param keyValues the keys, in ascending key order (Unicode code point order, which is the byte order of
 *     UTF-8)
 * @param more true when keys under the prefix follow the last one; ask again with
 *     {@link ListOptions#startingAfter}
 * @param revision the registry's revision when the page was read: a watch from {@code revision + 1} sees
 *     every later change
 */
public record ListResult(List<KeyValue> keyValues, boolean more, long revision) {

  /** Copies the page, which is then immutable. */
  public ListResult {
    keyValues = List.copyOf(keyValues);
    if (revision < 0) {
      throw new IllegalArgumentException("revision must be >= 0, was " + revision);
    }
  }
}
