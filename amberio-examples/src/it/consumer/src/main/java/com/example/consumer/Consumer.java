package com.example.consumer;

import io.amberio.cluster.ClusterNode;
import io.amberio.cluster.NodeId;
import io.amberio.core.BlobContent;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** What a user writes first: open a store, put, get; and reach the cluster API. Exits non-zero if anything is off. */
public final class Consumer {
  private Consumer() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    try (BlobStore store = BlobStore.builder().dataDir(dir).build()) {
      BlobInfo written = store.put("greetings/hello.txt", "hello, consumer".getBytes(StandardCharsets.UTF_8));
      try (BlobContent content = store.get("greetings/hello.txt")) {
        String text = new String(content.readAllBytes(), StandardCharsets.UTF_8);
        if (written.version() != 1 || !text.equals("hello, consumer")) {
          throw new AssertionError("read back v" + written.version() + " '" + text + "'");
        }
        System.out.println("consumer: wrote and read " + written.path() + " v" + written.version());
      }
    }
    ClusterNode.Builder member = ClusterNode.builder().id(NodeId.of("edge-1"));
    System.out.println("consumer: cluster API reachable, " + member.getClass().getSimpleName() + " for edge-1");
  }
}
