/**
 * Amberio's cluster: {@link io.amberio.cluster.ClusterNode} and its SPIs (transport, registry), the
 * topology, and the deterministic simulation. The protocol itself ({@code io.amberio.cluster.internal} and
 * its rooms) is not exported.
 */
module io.amberio.cluster {
  requires transitive io.amberio.core;
  requires transitive org.slf4j;
  requires com.github.f4b6a3.ulid;
  // The etcd registry (jetcd and the gRPC status types its failures carry); automatic modules.
  requires jetcd.core;
  requires jetcd.common;
  requires io.grpc;

  exports io.amberio.cluster;
  exports io.amberio.cluster.registry;
  exports io.amberio.cluster.registry.etcd;
  exports io.amberio.cluster.registry.memory;
  exports io.amberio.cluster.sim;
  exports io.amberio.cluster.topology;
  exports io.amberio.cluster.transport;
  exports io.amberio.cluster.transport.memory;
  exports io.amberio.cluster.transport.tcp;
}
