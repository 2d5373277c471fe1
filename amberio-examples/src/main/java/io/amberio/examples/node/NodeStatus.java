package io.amberio.examples.node;

import java.util.Locale;

/**
 * Who this node is and where it stands in its lifecycle:
 *
 * <pre>
 *   STARTING --(listening)--> UP --(close)--> DRAINING --(stopped)--> STOPPED
 * </pre>
 *
 * Only an UP node reports healthy.
 */
final class NodeStatus {
  /** The lifecycle states. */
  enum State {
    STARTING,
    UP,
    DRAINING,
    STOPPED;

    /** The lower-case name used in JSON. */
    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final String id;
  private final String address;
  private volatile State state = State.STARTING;

  NodeStatus(String id, String address) {
    this.id = id;
    this.address = address;
  }

  /** The node id. */
  String id() {
    return id;
  }

  /** The {@code host:port} clients reach the node at. */
  String address() {
    return address;
  }

  State state() {
    return state;
  }

  void moveTo(State next) {
    state = next;
  }
}
