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
package io.amberio.examples.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.amberio.examples.node.AdminToken;
import io.amberio.examples.node.ConfigFile;
import io.amberio.examples.node.NodeConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code amberio cluster ...}: the cluster admin API from the command line. It talks HTTP to any
 * node: {@code --config} takes the node's address and the cluster secret from a node's
 * configuration file; or {@code --url} with {@code --secret-file} or {@code --token-file}. Exit
 * codes: 0 done, 1 the node refused (the message says why), 2 usage, 3 not converged in time.
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Looks at and changes a cluster's topology through any of its nodes.",
    subcommands = {
      ClusterCommand.Status.class,
      ClusterCommand.AddNode.class,
      ClusterCommand.RemoveNode.class,
      ClusterCommand.ReplaceNode.class,
      ClusterCommand.RebuildSlot.class
    })
public final class ClusterCommand implements Runnable {
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper(); // on first use, like Http
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      description = "a node's configuration file: its HTTP address and the cluster secret")
  Path config;

  @Option(names = "--url", description = "a node's HTTP address, for example http://10.0.0.1:7480")
  String url;

  @Option(names = "--secret-file", description = "the cluster secret (the nodes' secretFile)")
  Path secretFile;

  @Option(names = "--token-file", description = "the admin token alone (64 hex digits)")
  Path tokenFile;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "a subcommand is required: status, add-node, remove-node, replace-node or rebuild-slot");
  }

  /** What a subcommand talks to. */
  private record Target(URI base, String token) {}

  private Target target(CommandLine cl, boolean needToken) {
    try {
      if (config != null) {
        NodeConfig c = ConfigFile.load(config);
        String host = c.httpListen().host();
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
          host = "127.0.0.1";
        }
        if (host.contains(":")) {
          host = "[" + host + "]";
        }
        String token = c.secret().map(s -> AdminToken.fromSecret(s.bytes()).text()).orElse(null);
        return new Target(URI.create("http://" + host + ":" + c.httpListen().port()), token);
      }
      if (url == null) {
        throw new CommandLine.ParameterException(cl, "give --config FILE, or --url URL");
      }
      String token = null;
      if (tokenFile != null) {
        token = Files.readString(tokenFile, StandardCharsets.US_ASCII).trim();
      } else if (secretFile != null) {
        byte[] b = Files.readAllBytes(secretFile);
        int end = b.length;
        while (end > 0 && (b[end - 1] == '\n' || b[end - 1] == '\r')) {
          end--;
        }
        token = AdminToken.fromSecret(java.util.Arrays.copyOf(b, end)).text();
      }
      if (needToken && token == null) {
        throw new CommandLine.ParameterException(
            cl, "changes need the admin token: give --secret-file or --token-file");
      }
      return new Target(
          URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url), token);
    } catch (ConfigFile.ConfigException | IOException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage());
    }
  }

  /** An ISO-8601 duration ({@code PT30M}). */
  static final class IsoDuration implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Duration.parse(value);
      } catch (RuntimeException e) {
        throw new CommandLine.TypeConversionException(
            "expected an ISO-8601 duration such as PT30M, was '" + value + "'");
      }
    }
  }

  // Built on first use: picocli instantiates every subcommand at start-up, and an HttpClient sets
  // up TLS (trust store and all), which cost the node a third of a second before it served.
  private static final class Http {
    static final HttpClient CLIENT =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Sends a request; prints the JSON answer; the parsed answer, or null (printed) on an error. */
  private static JsonNode request(
      Target t, String method, String path, String body, PrintWriter out, PrintWriter err)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(t.base().resolve(path)).timeout(Duration.ofSeconds(60));
    if (t.token() != null) {
      b.header("Authorization", "Bearer " + t.token());
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = Http.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      json = null;
    }
    if (r.statusCode() >= 300) {
      err.println(
          "error " + r.statusCode() + ": " + (json != null ? json.toPrettyString() : r.body()));
      err.flush();
      return null;
    }
    return json;
  }

  abstract static class Sub implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }

    Target target(boolean needToken) {
      return parent.target(spec.commandLine(), needToken);
    }

    /** POSTs {@code body} (JSON) to {@code path}: the answer, or null (printed) on an error. */
    JsonNode post(Target t, String path, String body) throws IOException, InterruptedException {
      return request(t, "POST", path, body, out(), err());
    }

    /** Polls {@code GET /cluster} until converged; 0, or 3 when {@code timeout} passed first. */
    int await(Target t, Duration timeout) throws IOException, InterruptedException {
      long end = System.nanoTime() + timeout.toNanos();
      while (true) {
        JsonNode s = request(t, "GET", "/cluster", null, out(), err());
        if (s == null) {
          return 1;
        }
        if (s.path("converged").asBoolean()) {
          out().println("converged at topology version " + s.path("topologyVersion").asLong());
          out().flush();
          return 0;
        }
        out()
            .println(
                "topology version "
                    + s.path("topologyVersion").asLong()
                    + ": "
                    + s.path("pendingMoves").asInt()
                    + " slot moves pending, "
                    + s.path("copying").asInt()
                    + " copying"
                    + (s.path("etaSeconds").isNumber()
                        ? ", about " + s.path("etaSeconds").asLong() + " s left"
                        : ""));
        out().flush();
        if (System.nanoTime() > end) {
          err().println("not converged within " + timeout);
          err().flush();
          return 3;
        }
        Thread.sleep(2000);
      }
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "The topology and its moves.")
  static final class Status extends Sub {
    @Override
    public Integer call() throws Exception {
      JsonNode s = request(target(false), "GET", "/cluster", null, out(), err());
      if (s == null) {
        return 1;
      }
      out().println(s.toPrettyString());
      out().flush();
      return 0;
    }
  }

  abstract static class NodeSpec extends Sub {
    @Option(names = "--id", required = true, description = "the node's id")
    String id;

    @Option(names = "--address", required = true, description = "its cluster address host:port")
    String address;

    @Option(names = "--zone", description = "its zone, when the cluster uses zones")
    String zone;

    @Option(names = "--weight", defaultValue = "1", description = "its capacity weight (default 1)")
    int weight;

    @Option(
        names = "--wait",
        description = "wait until every slot has moved (default: return once written)")
    boolean await;

    @Option(
        names = "--timeout",
        defaultValue = "PT1H",
        converter = IsoDuration.class,
        description = "how long --wait waits, ISO-8601 (PT30M)")
    Duration timeout;

    String body() {
      ObjectNode n = Json.MAPPER.createObjectNode();
      n.put("id", id);
      n.put("address", address);
      if (zone != null) {
        n.put("zone", zone);
      }
      n.put("weight", weight);
      return n.toString();
    }
  }

  @Command(
      name = "add-node",
      mixinStandardHelpOptions = true,
      description = "Adds a node; its share of the slots moves to it once it runs.")
  static final class AddNode extends NodeSpec {
    @Override
    public Integer call() throws Exception {
      Target t = target(true);
      JsonNode r = post(t, "/cluster/nodes", body());
      if (r == null) {
        return 1;
      }
      out().println("topology version " + r.path("topologyVersion").asLong() + ": added " + id);
      out().flush();
      return await ? await(t, timeout) : 0;
    }
  }

  @Command(
      name = "replace-node",
      mixinStandardHelpOptions = true,
      description = "Replaces a dead node by a new one, which takes its place in every slot.")
  static final class ReplaceNode extends NodeSpec {
    @Option(names = "--dead", required = true, description = "the id of the node to replace")
    String dead;

    @Override
    public Integer call() throws Exception {
      Target t = target(true);
      JsonNode r =
          post(
              t,
              "/cluster/nodes/" + URLEncoder.encode(dead, StandardCharsets.UTF_8) + "/replace",
              body());
      if (r == null) {
        return 1;
      }
      out()
          .println(
              "topology version "
                  + r.path("topologyVersion").asLong()
                  + ": "
                  + id
                  + " replaces "
                  + dead);
      out().flush();
      return await ? await(t, timeout) : 0;
    }
  }

  @Command(
      name = "remove-node",
      mixinStandardHelpOptions = true,
      description =
          "Drains a node (its replicas move away first), then, once no slot names it, removes it.")
  static final class RemoveNode extends Sub {
    @Option(names = "--id", required = true, description = "the node to remove")
    String id;

    @Option(
        names = "--wait",
        description = "repeat until the node has left (default: one step: drain, or leave)")
    boolean await;

    @Option(
        names = "--timeout",
        defaultValue = "PT1H",
        converter = IsoDuration.class,
        description = "how long --wait waits, ISO-8601 (PT30M)")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
      Target t = target(true);
      long end = System.nanoTime() + timeout.toNanos();
      while (true) {
        JsonNode r =
            request(
                t,
                "DELETE",
                "/cluster/nodes/" + URLEncoder.encode(id, StandardCharsets.UTF_8),
                null,
                out(),
                err());
        if (r == null) {
          return 1;
        }
        if (r.path("removed").asBoolean()) {
          out()
              .println(
                  "topology version "
                      + r.path("topologyVersion").asLong()
                      + ": "
                      + id
                      + " removed");
          out().flush();
          return 0;
        }
        out().println(id + " is draining: " + r.path("slotsLeft").asInt() + " slots still name it");
        out().flush();
        if (!await) {
          return 0;
        }
        if (System.nanoTime() > end) {
          err().println(id + " did not drain within " + timeout);
          err().flush();
          return 3;
        }
        Thread.sleep(2000);
      }
    }
  }

  @Command(
      name = "rebuild-slot",
      mixinStandardHelpOptions = true,
      description = {
        "Rebuilds a slot whose in-sync replicas are all lost for good, on its live learners.",
        "Without --accept-loss it only prints what it would do and what would be lost."
      })
  static final class RebuildSlot extends Sub {
    @CommandLine.Parameters(index = "0", description = "the slot")
    String slot;

    @Option(
        names = "--accept-loss",
        description = "rebuild, losing every version the learners do not hold (default: a dry run)")
    boolean acceptLoss;

    @Override
    public Integer call() throws Exception {
      Target t = target(true);
      JsonNode r =
          post(
              t,
              "/cluster/slots/" + URLEncoder.encode(slot, StandardCharsets.UTF_8) + "/rebuild",
              "{\"acceptLoss\":" + acceptLoss + "}");
      if (r == null) {
        return 1;
      }
      out().println(r.toPrettyString());
      out()
          .println(
              r.path("rebuilt").asBoolean()
                  ? "slot " + slot + " rebuilt on " + r.path("promoted")
                  : "dry run: nothing changed; run again with --accept-loss to rebuild");
      out().flush();
      return 0;
    }
  }
}
