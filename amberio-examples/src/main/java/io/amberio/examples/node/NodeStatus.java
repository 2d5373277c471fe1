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
