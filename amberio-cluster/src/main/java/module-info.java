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
/**
 * Amberio's cluster: {@link io.amberio.cluster.ClusterNode} and its SPIs (transport, registry), the
 * topology, and the deterministic simulation. The protocol itself ({@code
 * io.amberio.cluster.internal} and its rooms) is not exported.
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
