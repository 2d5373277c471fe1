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
package io.amberio.cluster;

import io.amberio.cluster.topology.Topology;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each peer's transport listens, for a {@link ClusterMember}'s network transport: the
 * topology's {@code host:port} addresses, resolved once at start and again in the background every
 * {@link #REFRESH} (sends must not wait for DNS), so a peer whose name did not resolve, or moved,
 * is found.
 */
final class PeerAddresses implements Function<NodeId, InetSocketAddress> {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterMember.class);

  static final Duration REFRESH = Duration.ofSeconds(30);

  private record Entry(InetSocketAddress address, long resolvedAt) {}

  private final Map<NodeId, InetSocketAddress> peers = new ConcurrentHashMap<>();
  private final Map<NodeId, String> texts = new ConcurrentHashMap<>();
  private final Map<NodeId, Entry> resolved = new ConcurrentHashMap<>();
  private final Map<NodeId, Boolean> resolving = new ConcurrentHashMap<>();
  private final Executor background;

  /**
   * Resolves every node's address now (may block on DNS).
   *
   * @param background where later resolutions run (they block)
   * @throws IllegalArgumentException if an address of {@code topology} is not {@code host:port}
   */
  PeerAddresses(Topology topology, Executor background) {
    this.background = background;
    for (Topology.Node n : topology.nodes()) {
      peers.put(n.id(), parse(n.address()));
      texts.put(n.id(), n.address());
    }
    peers.keySet().forEach(this::resolveNow);
  }

  /**
   * Follows a new topology version: nodes added or given a new address are resolved in the
   * background, nodes removed are forgotten. An address that cannot be parsed is logged and the
   * node left unreachable (the topology was validated when it was written; this is a guard).
   */
  void update(Topology topology) {
    Map<NodeId, String> next = new HashMap<>();
    topology.nodes().forEach(n -> next.put(n.id(), n.address()));
    for (NodeId id : List.copyOf(texts.keySet())) {
      if (!next.containsKey(id)) {
        peers.remove(id);
        texts.remove(id);
        resolved.remove(id);
      }
    }
    next.forEach(
        (id, text) -> {
          if (text.equals(texts.get(id))) {
            return;
          }
          try {
            peers.put(id, parse(text));
          } catch (IllegalArgumentException e) {
            LOG.error("Node {} has an address this node cannot use: {}", id, e.getMessage());
            return;
          }
          texts.put(id, text);
          resolved.remove(id);
          apply(id); // resolves in the background
        });
  }

  /**
   * An unresolved socket address for {@code host:port} or {@code [ipv6]:port}.
   *
   * @throws IllegalArgumentException saying what is wrong, for a text that is not one
   */
  static InetSocketAddress parse(String address) {
    String host;
    String port;
    if (address.startsWith("[")) {
      int close = address.indexOf(']');
      if (close < 2 || close + 1 >= address.length() || address.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("expected [ipv6]:port, was '" + address + "'");
      }
      host = address.substring(1, close);
      port = address.substring(close + 2);
    } else {
      int colon = address.lastIndexOf(':');
      if (colon <= 0 || address.substring(0, colon).contains(":")) {
        throw new IllegalArgumentException("expected host:port, was '" + address + "'");
      }
      host = address.substring(0, colon);
      port = address.substring(colon + 1);
    }
    if (port.isEmpty()
        || port.length() > 5
        || !port.chars().allMatch(c -> c >= '0' && c <= '9')
        || Integer.parseInt(port) > 65_535) {
      throw new IllegalArgumentException(
          "the port of '" + address + "' is not a number 0 to 65535");
    }
    return InetSocketAddress.createUnresolved(host, Integer.parseInt(port));
  }

  @Override
  public InetSocketAddress apply(NodeId id) {
    Entry e = resolved.get(id);
    if ((e == null || System.nanoTime() - e.resolvedAt > REFRESH.toNanos())
        && peers.containsKey(id)
        && resolving.putIfAbsent(id, Boolean.TRUE) == null) {
      try {
        background.execute(
            () -> {
              try {
                resolveNow(id);
              } finally {
                resolving.remove(id);
              }
            });
      } catch (RuntimeException rejected) {
        resolving.remove(id);
      }
    }
    return e == null ? null : e.address;
  }

  private void resolveNow(NodeId id) {
    InetSocketAddress peer = peers.get(id);
    InetSocketAddress a = new InetSocketAddress(peer.getHostString(), peer.getPort());
    if (a.isUnresolved()) {
      LOG.warn(
          "Cannot resolve the address {} of node {}; retrying in the background",
          texts.get(id),
          id);
      return;
    }
    resolved.put(id, new Entry(a, System.nanoTime()));
  }
}
