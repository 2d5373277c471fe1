package io.amberio.examples.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.core.BlobStore;
import io.amberio.examples.AmberioMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** {@code amberio node --config FILE} as its own process: serves, and on SIGTERM leaves, closes and exits 0. */
@DisabledOnOs(OS.WINDOWS)
class ClusterNodeProcessTest {
  private static final Pattern SERVING = Pattern.compile("serving (http://\\S+)");

  @TempDir Path dir;
  private Process process;
  private final List<String> output = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  @Test
  void servesFromAConfigFileAndSigtermLeavesClosesAndExitsZero() throws Exception {
    process = node(config(0));
    Matcher m = SERVING.matcher(awaitLine("serving"));
    assertThat(m.find()).isTrue();
    Http http = new Http(URI.create(m.group(1)));
    HttpResponse<byte[]> put = http.put("/objects/proc/cluster", "from the config");
    assertThat(put.statusCode()).as(Http.text(put)).isEqualTo(201);
    assertThat(Http.text(http.get("/objects/proc/cluster"))).isEqualTo("from the config");
    assertThat(TestNode.json(http.get("/nodes")).path("nodes").get(0).path("state").asText()).isEqualTo("up");

    assertThat(process.toHandle().destroy()).isTrue(); // SIGTERM
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited; output: %s", output).isTrue();
    assertThat(process.exitValue()).as("exit status; output: %s", output).isZero();
    assertThat(String.join("\n", output)).contains("Stopping", "Left the cluster");

    try (BlobStore store = BlobStore.builder().dataDir(dir.resolve("data")).slotCount(16).build()) {
      assertThat(store.get("proc/cluster").readAllBytes()).asString().isEqualTo("from the config");
    }
  }

  @Test
  void aClusterPortInUseEndsWithExitCode1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      process = node(config(taken.getLocalPort()));
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("output: %s", output).isTrue();
      assertThat(process.exitValue()).as("output: %s", output).isEqualTo(1);
      awaitLine("Cannot listen on 127.0.0.1:" + taken.getLocalPort() + " for the cluster transport");
    }
  }

  private Path config(int clusterPort) throws IOException {
    return Files.writeString(dir.resolve("node.json"), """
        {
          "nodeId": "proc-1",
          "httpListen": "127.0.0.1:0",
          "clusterListen": "127.0.0.1:%d",
          "dataDirs": ["data"],
          "cluster": {"slots": 16, "replicationFactor": 1, "nodes": [{"id": "proc-1", "address": "127.0.0.1:7481"}]},
          "registry": {"memory": true}
        }
        """.formatted(clusterPort));
  }

  private Process node(Path config) throws IOException {
    List<String> command = List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m",
        "-cp",
        System.getProperty("java.class.path"),
        AmberioMain.class.getName(),
        "node",
        "--config",
        config.toString());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture.runAsync(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l = reader.readLine(); l != null; l = reader.readLine()) {
          output.add(l);
        }
      } catch (IOException e) {
        output.add("<output closed: " + e + ">");
      }
    });
    return p;
  }

  private String awaitLine(String fragment) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      synchronized (output) {
        for (String line : output) {
          if (line.contains(fragment)) {
            return line;
          }
        }
      }
      if (!process.isAlive() && i > 10) {
        break;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no line with '" + fragment + "' in " + output);
  }
}
