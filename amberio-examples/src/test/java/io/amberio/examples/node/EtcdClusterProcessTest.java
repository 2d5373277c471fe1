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

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment as documented: a real etcd and three {@code amberio node --config} processes
 * talking over TCP with the secret from a file. Skipped when no etcd binary is installed (the
 * Debian package {@code etcd-server}; CI installs it).
 */
@DisabledOnOs(OS.WINDOWS)
class EtcdClusterProcessTest {
  @TempDir Path dir;
  private EtcdCluster cluster;

  @AfterEach
  void kill() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void threeProcessesOverEtcdServeOneStore() throws Exception {
    assumeTrue(EtcdCluster.etcdInstalled(), "etcd is not installed");
    cluster = new EtcdCluster(dir, 3, 32, "{\"leaseTtlMs\": 3000}").start();
    for (int i = 1; i <= 3; i++) {
      cluster.awaitHealthy(i, Duration.ofSeconds(60));
    }

    HttpResponse<byte[]> put = cluster.http(1).put("/objects/etcd/hello", "over etcd");
    assertThat(put.statusCode()).as(Http.text(put)).isEqualTo(201);
    assertThat(Http.text(cluster.http(2).get("/objects/etcd/hello"))).isEqualTo("over etcd");
    assertThat(Http.text(cluster.http(3).get("/objects/etcd/hello"))).isEqualTo("over etcd");
    JsonNode shown = cluster.http(3).json("/nodes").path("nodes");
    assertThat(shown.findValuesAsText("state")).containsExactly("up", "up", "up");
    JsonNode slot = cluster.http(2).json("/slots/0");
    assertThat(slot.path("inSync").size()).isEqualTo(3);

    for (int i = 1; i <= 3; i++) {
      Process p = cluster.process(i);
      p.toHandle().destroy(); // SIGTERM
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(Files.readString(cluster.log(i))).isZero();
    }
  }
}
