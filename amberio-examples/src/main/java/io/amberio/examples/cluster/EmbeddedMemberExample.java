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
package io.amberio.examples.cluster;

import io.amberio.cluster.ClusterMember;
import io.amberio.cluster.ClusterMemberBuilder;
import io.amberio.cluster.NodeId;
import io.amberio.cluster.topology.Topology;
import io.amberio.core.BlobContent;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A cluster member embedded in a host application: the library's {@link ClusterMember} opens the
 * store, its threads, the registry client and the network transport, joins the cluster, and hands
 * out the blocking {@link BlobStore} view; closing it leaves the cluster and closes all of that.
 * The README shows this program; run it with {@code java -cp amberio-examples/target/amberio.jar
 * io.amberio.examples.cluster.EmbeddedMemberExample DIR [ETCD_URL]}.
 *
 * <p>It runs a one-node cluster, over etcd when an etcd client URL is given and else over a
 * registry in memory. A member of a larger cluster lists every node (with the {@code host:port} its
 * transport listens on) in the topology, the same on each node, and gives the shared {@code
 * secret(bytes)}.
 */
public final class EmbeddedMemberExample {
  private EmbeddedMemberExample() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "embedded-member-data");
    Topology topology = Topology.of(64, 1, List.of(Topology.Node.of("solo", "127.0.0.1:7481")));

    ClusterMemberBuilder builder =
        ClusterMember.builder()
            .nodeId(NodeId.of("solo"))
            .topology(topology)
            .dataDirs(List.of(dir.resolve("disk-1"), dir.resolve("disk-2")))
            // Any free port: nobody else connects to a one-node cluster. Default: the port of its
            // topology address.
            .clusterListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    if (args.length > 1) {
      builder.etcd(List.of(URI.create(args[1])));
    } else {
      builder.inMemoryRegistry();
    }

    try (ClusterMember member = builder.start()) {
      System.out.println("node " + member.id() + " joined, ready: " + member.ready());
      BlobStore store = member.blobStore();
      BlobInfo v1 =
          store.put("greetings/hello.txt", "hello, member".getBytes(StandardCharsets.UTF_8));
      try (BlobContent content = store.get("greetings/hello.txt")) {
        System.out.println(
            "wrote v"
                + v1.version()
                + ", read: "
                + new String(content.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    System.out.println("stopped");
  }
}
