package io.amberio.examples.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.core.BlobStore;
import io.amberio.examples.AmberioMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

/**
 * {@code amberio node} as its own process: SIGTERM drains the request in flight,
 * closes the store, and exits 0; the store then reopens with every acknowledged write.
 */
@DisabledOnOs(OS.WINDOWS)
class NodeProcessTest {
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
  void sigtermDrainsTheUploadInFlightClosesTheStoreAndExitsZero() throws Exception {
    URI base = startNode();
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> put = client.send(
        HttpRequest.newBuilder(base.resolve("/objects/proc/before")).PUT(HttpRequest.BodyPublishers.ofString("acknowledged")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(201);

    try (Socket upload = new Socket(base.getHost(), base.getPort())) {
      upload.setSoTimeout(30_000);
      OutputStream out = upload.getOutputStream();
      out.write("PUT /objects/proc/inflight HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      awaitActiveRequests(client, base, 2);

      // SIGTERM. Through the handle: Process.destroy() would also close our end of the process's output.
      assertThat(process.toHandle().destroy()).isTrue();
      awaitLine("Stopping");
      out.write("56789".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response = new String(upload.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(response).startsWith("HTTP/1.1 201");
    }

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited; output: %s", output).isTrue();
    assertThat(process.exitValue()).as("exit status; output: %s", output).isZero();
    assertThat(String.join("\n", output)).contains("Store closed");

    try (BlobStore store = BlobStore.builder().dataDir(dir).slotCount(16).build()) {
      assertThat(store.get("proc/before").readAllBytes()).asString().isEqualTo("acknowledged");
      assertThat(store.get("proc/inflight").readAllBytes()).asString().isEqualTo("0123456789");
    }
  }

  @Test
  void aStoreThatCannotBeOpenedEndsWithExitCode1() throws Exception {
    try (BlobStore store = BlobStore.builder().dataDir(dir).slotCount(16).build()) {
      store.put("x", new byte[] {1});
    }
    // The store was created with 16 slots; asking for 32 must be refused, not silently reshard.
    process = node("--slots", "32");
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("output: %s", output).isEqualTo(1);
    awaitLine("Cannot open the store");
  }

  private URI startNode() throws Exception {
    process = node("--slots", "16");
    String line = awaitLine("serving");
    Matcher m = SERVING.matcher(line);
    assertThat(m.find()).as(line).isTrue();
    return URI.create(m.group(1));
  }

  private Process node(String... extra) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m",
        "-cp",
        System.getProperty("java.class.path"),
        AmberioMain.class.getName(),
        "node",
        "--data-dir",
        dir.toString(),
        "--port",
        "0"));
    command.addAll(List.of(extra));
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

  private static void awaitActiveRequests(HttpClient client, URI base, int atLeast) throws Exception {
    for (int i = 0; i < 300; i++) {
      String text = client.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      if (Metrics.active(text) >= atLeast) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the upload never started");
  }
}
