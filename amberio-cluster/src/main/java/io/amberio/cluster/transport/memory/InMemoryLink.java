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
package io.amberio.cluster.transport.memory;

import io.amberio.cluster.NodeId;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * One direction of one exchange in an {@link InMemoryNetwork}: an ordered channel, like a TCP
 * stream.
 *
 * <p>Each message gets a random delay but never overtakes the previous one (arrival tasks pop the
 * head of the queue, so even a scheduler that breaks ties arbitrarily keeps the order). A message
 * lost to a cut link, a random drop or a closed destination breaks the channel, and everything sent
 * after it is lost too: a body can stall, but never arrive with a hole in it. Confined to the
 * network's scheduler.
 */
final class InMemoryLink {

  private final InMemoryNetwork network;
  private final NodeId from;
  private final NodeId to;
  private final InMemoryTransport destination;
  private final ArrayDeque<Runnable> inTransit = new ArrayDeque<>();
  private long lastArrivalNanos = Long.MIN_VALUE;
  private boolean broken;

  /** A channel to {@code destination}, or a dead one if it is null (the node is down). */
  InMemoryLink(InMemoryNetwork network, NodeId from, NodeId to, InMemoryTransport destination) {
    this.network = network;
    this.from = from;
    this.to = to;
    this.destination = destination;
    this.broken = destination == null;
  }

  /**
   * Sends a message whose effect, {@code onArrival}, runs at the destination if it arrives.
   *
   * @param mayDrop whether the network's random drop applies (requests and responses: yes; body
   *     frames, credits and cancellations: no, they are lost only with their channel)
   */
  void send(Runnable onArrival, boolean mayDrop) {
    if (broken) {
      return;
    }
    if (!network.open(from, to) || (mayDrop && network.rollDrop())) {
      breakLink();
      return;
    }
    long now = network.nowNanos();
    long arrival = Math.max(now + network.rollDelayNanos(), lastArrivalNanos);
    lastArrivalNanos = arrival;
    inTransit.add(onArrival);
    network.scheduler().schedule(Duration.ofNanos(arrival - now), this::arrive);
  }

  private void arrive() {
    Runnable message = inTransit.poll();
    if (message == null || broken) {
      return;
    }
    if (!network.open(from, to) || !destination.isOpen()) {
      breakLink();
      return;
    }
    message.run();
  }

  private void breakLink() {
    broken = true;
    inTransit.clear();
  }
}
