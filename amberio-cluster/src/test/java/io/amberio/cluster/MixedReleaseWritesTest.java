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

import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.cluster.internal.Errors;
import io.amberio.cluster.internal.msg.Codes;
import io.amberio.cluster.testkit.SimCluster;
import io.amberio.cluster.transport.HandlerException;
import io.amberio.cluster.transport.Request;
import io.amberio.cluster.transport.RequestHandler;
import io.amberio.cluster.transport.Response;
import io.amberio.cluster.transport.SendOptions;
import io.amberio.cluster.transport.Transport;
import io.amberio.core.BlobContent;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.ListRequest;
import io.amberio.core.PutOptions;
import io.amberio.core.VersionState;
import io.amberio.core.replica.ReplicaStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes fold LOCK and DATA into one PREPARE, and still work beside a node of the release before,
 * which answers PREPARE as an unknown request (as that release's dispatcher does): coordinators
 * then fall back to LOCK and DATA.
 */
class MixedReleaseWritesTest {
  private static final int SLOTS = 4;

  @TempDir Path dir;
  private final Map<String, Recording> transports = new LinkedHashMap<>();
  private SimCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A node's transport that records the request types it serves, optionally refusing PREPARE. */
  private static final class Recording implements Transport {
    final Transport inner;
    final boolean refusePrepare;
    // Answers PREPARE as a lagging replica does, with the store's refusal (it does not have the
    // version a tombstone names); LOCK and DATA pass.
    boolean lagging;
    final List<String> served = Collections.synchronizedList(new ArrayList<>());

    Recording(Transport inner, boolean refusePrepare) {
      this.inner = inner;
      this.refusePrepare = refusePrepare;
    }

    @Override
    public NodeId self() {
      return inner.self();
    }

    @Override
    public void serve(RequestHandler handler) {
      inner.serve(
          (from, request) -> {
            served.add(request.type());
            if (lagging && request.type().equals("prepare")) {
              request.body().close();
              return CompletableFuture.failedFuture(
                  Errors.toRemote(
                      BlobStoreException.of(
                          BlobStoreException.Reason.NOT_FOUND, "'k' has no version 1 (lagging)")));
            }
            if (refusePrepare && request.type().equals("prepare")) {
              request.body().close();
              return CompletableFuture.failedFuture(
                  new HandlerException(Codes.BAD_REQUEST, "unknown request type prepare"));
            }
            return handler.handle(from, request);
          });
    }

    @Override
    public CompletableFuture<Response> send(NodeId to, Request request, SendOptions options) {
      return inner.send(to, request, options);
    }

    @Override
    public Optional<byte[]> credentialCheck() {
      return inner.credentialCheck();
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  private void start(boolean cIsOld) {
    cluster =
        new SimCluster(dir, 11, SLOTS, 3, "a", "b", "c")
            .wrapTransports(
                (id, t) -> {
                  Recording r = new Recording(t, cIsOld && id.value().equals("c"));
                  transports.put(id.value(), r);
                  return r;
                })
            .start(ClusterConfig.DEFAULTS);
    assertThat(cluster.runUntil(() -> cluster.allInSync(3), Duration.ofSeconds(30))).isTrue();
  }

  private ClusterNode node(String id) {
    return cluster.node(id);
  }

  private BlobInfo put(ClusterNode through, String path, byte[] data) {
    return cluster.await(through.put(path, data, PutOptions.defaults()), Duration.ofSeconds(30));
  }

  private static byte[] bytes(int n, char c) {
    return String.valueOf(c).repeat(n).getBytes(StandardCharsets.UTF_8);
  }

  /** Every replica holds exactly {@code data} as version {@code version} of {@code path}. */
  private void everyReplicaHolds(String path, long version, byte[] data) {
    for (String id : List.of("a", "b", "c")) {
      ReplicaStore s = cluster.store(id);
      try (BlobContent c = s.get(path)) {
        assertThat(c.info().version()).isEqualTo(version);
        assertThat(c.readAllBytes()).isEqualTo(data);
      }
    }
  }

  @Test
  void aWriteIsOnePrepareOnEveryReplica() {
    start(false);
    byte[] small = bytes(3000, 's');
    byte[] streamed = bytes(200_000, 'l'); // above the inline limit: PREPARE with a body
    assertThat(put(node("a"), "p", small).version()).isEqualTo(1);
    assertThat(put(node("b"), "p", streamed).version()).isEqualTo(2);
    assertThat(put(node("c"), "q", new byte[0]).version()).isEqualTo(1);
    everyReplicaHolds("p", 2, streamed);
    everyReplicaHolds("q", 1, new byte[0]);
    for (Recording t : transports.values()) {
      assertThat(t.served).as("requests served by %s", t.self()).doesNotContain("lock", "data");
    }
    // In the in-memory network a node's calls to itself skip its transport: two of the three
    // writes reach each node through it.
    assertThat(transports.get("a").served.stream().filter("prepare"::equals).count()).isEqualTo(2);
  }

  /**
   * With PREPARE every replica judges a write before the agreement step; a lagging replica's
   * refusal (a tombstone of a version it does not have yet) must not become the answer: the write
   * starts over with LOCK, whose agreement runs first. (The simulation found a partitioned replica
   * answering not_found for a live version this way.)
   */
  @Test
  void aStoreErrorFromOnePrepareIsNotTheAnswer() {
    start(false);
    assertThat(put(node("a"), "k", bytes(10, 'x')).version()).isEqualTo(1);
    transports.get("c").lagging = true;
    CompletableFuture<BlobInfo> tombstone = node("a").deleteVersion("k", 1);
    BlobInfo t = cluster.await(tombstone, Duration.ofSeconds(30));
    assertThat(t.version()).isEqualTo(1);
    assertThat(transports.get("c").served).contains("prepare", "lock", "data");
    assertThat(t.state()).isEqualTo(VersionState.TOMBSTONED);
    for (String id : List.of("a", "b", "c")) {
      assertThat(cluster.store(id).list(new ListRequest("k", 10, null, true)).items())
          .filteredOn(b -> b.path().equals("k") && b.version() == 1)
          .singleElement()
          .extracting(BlobInfo::state)
          .as("version 1 on %s", id)
          .isEqualTo(VersionState.TOMBSTONED);
    }
  }

  @Test
  void coordinatorsFallBackToLockAndDataForANodeOfTheReleaseBefore() {
    start(true);
    byte[] first = bytes(100, 'a');
    byte[] second = bytes(200_000, 'b');
    assertThat(put(node("a"), "k", first).version()).isEqualTo(1);
    assertThat(put(node("b"), "k", second).version()).isEqualTo(2);
    everyReplicaHolds("k", 2, second);
    List<String> atC = transports.get("c").served;
    assertThat(atC).contains("prepare", "lock", "data");
    // Each coordinator tried PREPARE once, then locked: c prepared nothing through PREPARE.
    assertThat(atC.stream().filter("prepare"::equals).count()).isLessThanOrEqualTo(2);
    int lastPrepare = atC.lastIndexOf("prepare");
    assertThat(atC.subList(lastPrepare + 1, atC.size())).contains("lock", "data");
    // A later write through a coordinator that fell back goes straight to LOCK and DATA.
    int before = atC.size();
    assertThat(put(node("a"), "k", first).version()).isEqualTo(3);
    assertThat(atC.subList(before, atC.size())).doesNotContain("prepare").contains("lock");
    everyReplicaHolds("k", 3, first);
  }
}
