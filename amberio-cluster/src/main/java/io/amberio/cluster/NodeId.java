package io.amberio.cluster;

import java.util.Objects;

/**
 * The identity of a cluster member: 1 to 128 characters of {@code A-Z a-z 0-9 . _ : -}.
 *
 * @param value the id
 */
public record NodeId(String value) implements Comparable<NodeId> {

  public NodeId {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty() || value.length() > 128 || !value.chars().allMatch(NodeId::allowed)) {
      throw new IllegalArgumentException("a node id is 1 to 128 of A-Z a-z 0-9 . _ : -, was '" + value + "'");
    }
  }

  private static boolean allowed(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
        || c == ':' || c == '-';
  }

  /** Shorthand for {@code new NodeId(value)}. */
  public static NodeId of(String value) {
    return new NodeId(value);
  }

  @Override
  public int compareTo(NodeId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
