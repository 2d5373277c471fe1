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

import io.amberio.core.BlobStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code amberio node} as its own process: SIGTERM drains the request in flight, closes the store,
 * and exits 0; the store then reopens with every acknowledged write.
 */
@DisabledOnOs(OS.WINDOWS)
class NodeProcessTest {
  @TempDir Path dir;

  @Test
  void sigtermDrainsTheUploadInFlightClosesTheStoreAndExitsZero() throws Exception {
    try (NodeProcess node = node("--slots", "16")) {
      Process process = node.process();
      List<String> output = node.output();
      URI base = node.awaitServing();
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> put =
          client.send(
              HttpRequest.newBuilder(base.resolve("/objects/proc/before"))
                  .PUT(HttpRequest.BodyPublishers.ofString("acknowledged"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).isEqualTo(201);

      try (Socket upload = new Socket(base.getHost(), base.getPort())) {
        upload.setSoTimeout(30_000);
        OutputStream out = upload.getOutputStream();
        out.write(
            "PUT /objects/proc/inflight HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        awaitActiveRequests(client, base, 2);

        // SIGTERM. Through the handle: Process.destroy() would also close our end of the process's
        // output.
        assertThat(process.toHandle().destroy()).isTrue();
        node.awaitLine("Stopping");
        out.write("56789".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String response =
            new String(upload.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(response).startsWith("HTTP/1.1 201");
      }

      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited; output: %s", output).isTrue();
      assertThat(process.exitValue()).as("exit status; output: %s", output).isZero();
      assertThat(String.join("\n", output)).contains("Store closed");
    }

    try (BlobStore store = BlobStore.builder().dataDir(dir).slotCount(16).build()) {
      assertThat(store.get("proc/before").readAllBytes()).asString().isEqualTo("acknowledged");
      assertThat(store.get("proc/inflight").readAllBytes()).asString().isEqualTo("0123456789");
    }
  }

  @Test
  void compressionAppliesToTheChunksTheNodeWrites() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < 300_000; i++) {
      text.append("line ").append(i % 97).append(" of a compressible body\n");
    }
    byte[] body = text.toString().getBytes(StandardCharsets.US_ASCII);
    try (NodeProcess node =
        node("--slots", "16", "--chunk-size", "64KiB", "--compression", "zstd:5")) {
      URI base = node.awaitServing();
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> put =
          client.send(
              HttpRequest.newBuilder(base.resolve("/objects/proc/text"))
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).isEqualTo(201);
      HttpResponse<byte[]> get =
          client.send(
              HttpRequest.newBuilder(base.resolve("/objects/proc/text")).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(get.body()).isEqualTo(body);
      assertThat(node.process().toHandle().destroy()).isTrue();
      assertThat(node.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(node.process().exitValue()).as("output: %s", node.output()).isZero();
    }
    long onDisk;
    try (Stream<Path> files = Files.walk(dir.resolve("slots"))) {
      onDisk =
          files
              .filter(p -> p.getParent().getFileName().toString().equals("chunks"))
              .mapToLong(p -> p.toFile().length())
              .sum();
    }
    assertThat(onDisk).as("bytes of chunk files").isPositive().isLessThan(body.length / 4);
  }

  @Test
  void maxOpenSlotsBoundsTheSlotsOpenAtOnce() throws Exception {
    try (NodeProcess node = node("--slots", "64", "--max-open-slots", "2")) {
      URI base = node.awaitServing();
      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < 64; i++) {
        HttpResponse<String> put =
            client.send(
                HttpRequest.newBuilder(base.resolve("/objects/open/" + i))
                    .PUT(HttpRequest.BodyPublishers.ofString("v" + i))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(201);
      }
      for (int i = 0; i < 64; i++) {
        HttpResponse<String> get =
            client.send(
                HttpRequest.newBuilder(base.resolve("/objects/open/" + i)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.body()).isEqualTo("v" + i);
      }
      // An open slot's database has its WAL file; closing the slot checkpoints and removes it.
      long openSlots;
      long slots;
      try (Stream<Path> files = Files.walk(dir.resolve("slots"))) {
        List<String> names = files.map(p -> p.getFileName().toString()).toList();
        openSlots = names.stream().filter(n -> n.equals("meta.sqlite3-wal")).count();
        slots = names.stream().filter(n -> n.equals("meta.sqlite3")).count();
      }
      assertThat(slots).as("slots created").isGreaterThan(10);
      assertThat(openSlots).as("slots open").isLessThanOrEqualTo(2);
    }
  }

  @Test
  void aStoreThatCannotBeOpenedEndsWithExitCode1() throws Exception {
    try (BlobStore store = BlobStore.builder().dataDir(dir).slotCount(16).build()) {
      store.put("x", new byte[] {1});
    }
    // The store was created with 16 slots; asking for 32 must be refused, not silently reshard.
    try (NodeProcess node = node("--slots", "32")) {
      assertThat(node.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(node.process().exitValue()).as("output: %s", node.output()).isEqualTo(1);
      node.awaitLine("Cannot open the store");
    }
  }

  private NodeProcess node(String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("--data-dir", dir.toString(), "--port", "0"));
    args.addAll(List.of(extra));
    return NodeProcess.start("128m", args.toArray(String[]::new));
  }

  private static void awaitActiveRequests(HttpClient client, URI base, int atLeast)
      throws Exception {
    for (int i = 0; i < 300; i++) {
      String text =
          client
              .send(
                  HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      if (Metrics.active(text) >= atLeast) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the upload never started");
  }
}
