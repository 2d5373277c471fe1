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

import io.amberio.cluster.ClusterConfig;
import io.amberio.cluster.NodeId;
import io.amberio.cluster.topology.Topology;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a cluster member is told by its configuration file ({@code amberio node --config FILE}); see
 * {@link ConfigFile} for the format and its rules. Every value here has been checked.
 *
 * @param nodeId this node's id; a member of {@code topology}
 * @param httpListen where the HTTP API listens (port 0 picks a free one)
 * @param clusterListen where the cluster transport listens
 * @param dataDirs the data directories (absolute)
 * @param zone this node's zone, if the topology has zones
 * @param topology the cluster: slots, replication factor, every node with its cluster address
 * @param registry where the cluster state lives
 * @param secret the cluster secret (at least 16 bytes); empty for a one-node cluster without a
 *     secret file, which then uses a random one
 * @param timings lease, RPC and request timeouts
 */
public record NodeConfig(
    NodeId nodeId,
    HostPort httpListen,
    HostPort clusterListen,
    List<Path> dataDirs,
    Optional<String> zone,
    Topology topology,
    RegistrySpec registry,
    Optional<Secret> secret,
    ClusterConfig timings) {

  /**
   * Checks that the parts fit together (the file parser checks much more, with its own messages).
   */
  public NodeConfig {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(httpListen, "httpListen");
    Objects.requireNonNull(clusterListen, "clusterListen");
    dataDirs = List.copyOf(dataDirs);
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(topology, "topology");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(timings, "timings");
    if (dataDirs.isEmpty()) {
      throw new IllegalArgumentException("at least one data directory is needed");
    }
    if (topology.node(nodeId).isEmpty()) {
      throw new IllegalArgumentException(
          "node '" + nodeId + "' is not in the topology " + topology.nodeIds());
    }
    if (secret.isEmpty() && topology.nodes().size() > 1) {
      throw new IllegalArgumentException("a cluster of more than one node needs a secret");
    }
  }

  /** The cluster secret: bytes that every node of the cluster shares, at least 16 of them. */
  public static final class Secret {
    private final byte[] bytes;

    /**
     * @throws IllegalArgumentException if {@code bytes} holds fewer than 16 bytes
     */
    public Secret(byte[] bytes) {
      if (bytes.length < 16) {
        throw new IllegalArgumentException(
            "the cluster secret must be at least 16 bytes, was " + bytes.length);
      }
      this.bytes = bytes.clone();
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
      return bytes.clone();
    }

    @Override
    public String toString() {
      return "Secret[" + bytes.length + " bytes]";
    }
  }

  /** Where the registry is: an etcd cluster, or in this process (one-node clusters only). */
  public sealed interface RegistrySpec {
    /** The etcd cluster at these client URLs. */
    record Etcd(List<URI> endpoints) implements RegistrySpec {
      public Etcd {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
          throw new IllegalArgumentException("at least one etcd endpoint is needed");
        }
      }
    }

    /** An in-memory registry in this process: its state is lost when the process ends. */
    record Memory() implements RegistrySpec {}
  }
}
