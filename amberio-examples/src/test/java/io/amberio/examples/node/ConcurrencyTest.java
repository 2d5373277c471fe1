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

import static io.amberio.examples.node.TestNode.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent writers through HTTP. */
class ConcurrencyTest {
  private static final int WRITERS = 16;

  @TempDir Path dir;

  @Test
  void ofConcurrentConditionalPutsExactlyOneWins() throws Exception {
    try (TestNode node = TestNode.start(dir)) {
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
      try {
        for (int round = 1; round <= 3; round++) {
          int version = round;
          CountDownLatch go = new CountDownLatch(1);
          List<Future<HttpResponse<byte[]>>> futures = new ArrayList<>();
          for (int i = 0; i < WRITERS; i++) {
            String body = "writer " + i + " round " + round;
            futures.add(
                pool.submit(
                    () -> {
                      go.await();
                      return node.put("/objects/race/a?version=" + version, body);
                    }));
          }
          go.countDown();
          int created = 0;
          String winner = null;
          for (int i = 0; i < WRITERS; i++) {
            HttpResponse<byte[]> response = futures.get(i).get();
            if (response.statusCode() == 201) {
              created++;
              winner = "writer " + i + " round " + round;
            } else {
              assertThat(response.statusCode()).isEqualTo(409);
              assertThat(json(response).path("error").asText()).isEqualTo("version_conflict");
              assertThat(json(response).path("latest").asLong()).isEqualTo(version);
            }
          }
          assertThat(created).as("round %d", round).isEqualTo(1);
          assertThat(node.get("/objects/race/a").body()).asString().isEqualTo(winner);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void unconditionalConcurrentPutsGetDistinctVersions() throws Exception {
    try (TestNode node = TestNode.start(dir)) {
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
      try {
        List<Future<HttpResponse<byte[]>>> futures = new ArrayList<>();
        for (int i = 0; i < WRITERS * 2; i++) {
          futures.add(pool.submit(() -> node.put("/objects/race/b", "x")));
        }
        List<Long> versions = new ArrayList<>();
        for (Future<HttpResponse<byte[]>> f : futures) {
          HttpResponse<byte[]> response = f.get();
          assertThat(response.statusCode()).isEqualTo(201);
          versions.add(json(response).path("version").asLong());
        }
        assertThat(versions).doesNotHaveDuplicates().allMatch(v -> v >= 1 && v <= WRITERS * 2);
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
