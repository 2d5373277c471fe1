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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amberio.cluster.ClusterNode;
import io.amberio.cluster.NodeId;
import io.amberio.cluster.RebuildRefusedException;
import io.amberio.cluster.registry.RegistryException;
import io.amberio.cluster.topology.Topology;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster admin endpoints (see {@code docs/http-api.md}, "Cluster administration"):
 *
 * <ul>
 *   <li>{@code GET /cluster}: the topology in force, its version, and where its slot moves stand
 *       (open, like {@code /nodes});
 *   <li>{@code POST /cluster/nodes}: add a node, body {@code {"id", "address", "zone", "weight"}};
 *   <li>{@code DELETE /cluster/nodes/{id}}: one step of removing a node (drain, then leave);
 *   <li>{@code POST /cluster/nodes/{id}/replace}: replace a dead node by the node in the body;
 *   <li>{@code POST /cluster/slots/{id}/rebuild}: rebuild a slot whose in-sync replicas are all
 *       lost, body {@code {"acceptLoss": true}} (without it: a dry run that changes nothing).
 * </ul>
 *
 * Changes need {@code Authorization: Bearer <admin token>} ({@link AdminToken}); without it they
 * answer 401 {@code unauthorized} and change nothing. Every bad input answers 400 with a specific
 * code before anything is written.
 */
final class ClusterAdmin {
  static final String PREFIX = "/cluster";
  private static final long MAX_BODY = 64 * 1024;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> NODE_FIELDS = Set.of("id", "address", "zone", "weight");

  private final ClusterView cluster;

  ClusterAdmin(ClusterView cluster) {
    this.cluster = cluster;
  }

  /** {@code GET /cluster}. */
  void status(Exchange ex) {
    ex.query().allowOnly(Set.of());
    ClusterView.Status st = cluster.status();
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (ClusterView.Member m : cluster.members()) {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("id", m.id());
      n.put("address", m.address());
      m.zone().ifPresent(z -> n.put("zone", z));
      n.put("weight", m.weight());
      n.put("state", m.state());
      n.put("draining", m.weight() == 0);
      n.put("slots", m.slots().size());
      nodes.add(n);
    }
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("topologyVersion", st.topologyVersion());
    reply.put("replicationFactor", cluster.replicationFactor());
    reply.put("converged", st.converged());
    reply.put("pendingMoves", st.pending().size());
    reply.put(
        "pendingSlots", st.pending().size() <= 100 ? st.pending() : st.pending().subList(0, 100));
    reply.put("copying", st.learning());
    // From the rate at which slots stopped pending, as this node has seen it (null: no guess yet).
    reply.put("etaSeconds", st.etaMillis() < 0 ? null : (st.etaMillis() + 999) / 1000);
    List<Map<String, Object>> copies = new ArrayList<>();
    long eta = 0;
    for (var c : cluster.copies()) {
      copies.add(copy(c));
      eta = c.etaMillis() < 0 || eta < 0 ? -1 : Math.max(eta, c.etaMillis());
    }
    // This node's own copies only: every node answers for the copies it runs.
    reply.put("copiesHere", copies);
    reply.put("copiesServingHere", cluster.copiesServing());
    reply.put("etaSecondsHere", copies.isEmpty() ? 0 : eta < 0 ? null : (eta + 999) / 1000);
    reply.put("nodes", nodes);
    ex.json(200, reply);
  }

  /** A copy's progress as JSON. */
  static Map<String, Object> copy(io.amberio.cluster.ClusterNode.CopyProgress c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("slot", c.slot());
    m.put("source", c.source() == null ? null : c.source().value());
    m.put("versionsScanned", c.versionsScanned());
    m.put("versionsCopied", c.versionsCopied());
    m.put("bytesCopied", c.bytesCopied());
    m.put("sourceVersions", c.sourceVersions());
    m.put("sourceBytes", c.sourceBytes());
    m.put(
        "versionsRemaining",
        c.sourceVersions() < 0 ? null : Math.max(0, c.sourceVersions() - c.versionsScanned()));
    m.put("attempts", c.attempts());
    m.put("elapsedMillis", c.elapsedMillis());
    m.put("etaMillis", c.etaMillis() < 0 ? null : c.etaMillis());
    return m;
  }

  /** {@code POST /cluster/nodes}. */
  void add(Exchange ex) {
    authorize(ex);
    ex.query().allowOnly(Set.of());
    Topology.Node node = nodeFrom(body(ex));
    if (cluster.members().stream().anyMatch(m -> m.id().equals(node.id().value()))) {
      throw new HttpError(
          409, "node_exists", "node '" + node.id() + "' is already in the topology");
    }
    changed(ex, 201, apply(new ClusterView.Change.Add(node)), node.id().value());
  }

  /** {@code DELETE /cluster/nodes/{id}}. */
  void remove(Exchange ex, String id) {
    authorize(ex);
    ex.query().allowOnly(Set.of());
    NodeId n = member(id);
    changed(ex, 200, apply(new ClusterView.Change.Remove(n)), id);
  }

  /** {@code POST /cluster/nodes/{id}/replace}. */
  void replace(Exchange ex, String id) {
    authorize(ex);
    ex.query().allowOnly(Set.of());
    NodeId dead = member(id);
    Topology.Node fresh = nodeFrom(body(ex));
    if (!fresh.id().equals(dead)
        && cluster.members().stream().anyMatch(m -> m.id().equals(fresh.id().value()))) {
      throw new HttpError(
          409, "node_exists", "node '" + fresh.id() + "' is already in the topology");
    }
    changed(ex, 200, apply(new ClusterView.Change.Replace(dead, fresh)), id);
  }

  /** {@code POST /cluster/slots/{id}/rebuild}. */
  void rebuild(Exchange ex, String id) {
    authorize(ex);
    ex.query().allowOnly(Set.of());
    if (!id.matches("[0-9]{1,9}")) {
      throw HttpError.badRequest("invalid_slot", "a slot id is a decimal number, was '" + id + "'");
    }
    int slot = Integer.parseInt(id);
    boolean acceptLoss = acceptLoss(ex);
    ClusterNode.SlotRebuild r;
    try {
      r = cluster.rebuild(slot, acceptLoss);
    } catch (IllegalArgumentException e) {
      throw new HttpError(404, "slot_not_found", e.getMessage());
    } catch (RebuildRefusedException e) {
      throw new HttpError(409, e.code(), e.getMessage());
    } catch (RegistryException | IllegalStateException e) {
      throw new HttpError(
          503, "unavailable", "the slot could not be rebuilt now: " + e.getMessage());
    }
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("slot", r.slot());
    reply.put("rebuilt", r.done());
    reply.put("dryRun", !r.done());
    reply.put("epochBefore", r.epochBefore());
    reply.put("epochAfter", r.epochAfter());
    Map<String, Object> lost = new LinkedHashMap<>();
    r.lost().forEach((n, store) -> lost.put(n.value(), store));
    reply.put("lostReplicas", lost);
    reply.put("promoted", r.promoted().stream().map(NodeId::value).toList());
    reply.put("whatIsLost", r.whatIsLost());
    ex.json(200, reply);
  }

  /** The {@code acceptLoss} of a rebuild body: absent (or an empty body) is false. */
  private static boolean acceptLoss(Exchange ex) {
    JsonNode json;
    try (InputStream in = ex.body(MAX_BODY)) {
      byte[] raw = in.readAllBytes();
      if (raw.length == 0) {
        return false;
      }
      json = MAPPER.readTree(raw);
    } catch (HttpError e) {
      throw e;
    } catch (IOException e) {
      throw HttpError.badRequest(
          "invalid_rebuild", "the body is not valid JSON: " + e.getMessage());
    }
    if (json == null || !json.isObject()) {
      throw HttpError.badRequest("invalid_rebuild", "the body must be a JSON object");
    }
    for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("acceptLoss")) {
        throw HttpError.badRequest(
            "invalid_rebuild", "unknown field '" + f + "'; a rebuild takes only acceptLoss");
      }
    }
    JsonNode v = json.get("acceptLoss");
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw HttpError.badRequest("invalid_rebuild", "acceptLoss must be true or false, was " + v);
    }
    return v.booleanValue();
  }

  /**
   * Applies a change; what the change refuses is the client's mistake, a registry failure a 503.
   */
  private ClusterView.Changed apply(ClusterView.Change change) {
    try {
      return cluster.change(change);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest("invalid_node", e.getMessage());
    } catch (RegistryException | IllegalStateException e) {
      throw new HttpError(
          503, "unavailable", "the topology could not be changed now: " + e.getMessage());
    }
  }

  private void changed(Exchange ex, int status, ClusterView.Changed c, String node) {
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("topologyVersion", c.topologyVersion());
    reply.put("node", node);
    c.removal()
        .ifPresent(
            r -> {
              reply.put("removed", r.removed());
              reply.put("draining", !r.removed());
              reply.put("slotsLeft", r.slotsLeft());
            });
    ex.json(status, reply);
  }

  private void authorize(Exchange ex) {
    if (!cluster.adminToken().admits(ex.headers().get("Authorization"))) {
      throw new HttpError(
              401,
              "unauthorized",
              "cluster changes need 'Authorization: Bearer <admin token>' (derived from the cluster"
                  + " secret; see docs/operations.md)")
          .withHeader("WWW-Authenticate", "Bearer realm=\"amberio\"");
    }
  }

  private NodeId member(String id) {
    NodeId n;
    try {
      n = NodeId.of(id);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest("invalid_node", e.getMessage());
    }
    if (cluster.members().stream().noneMatch(m -> m.id().equals(id))) {
      throw new HttpError(404, "node_not_found", "node '" + id + "' is not in the topology");
    }
    return n;
  }

  private static JsonNode body(Exchange ex) {
    try (InputStream in = ex.body(MAX_BODY)) {
      JsonNode json = MAPPER.readTree(in);
      if (json == null || !json.isObject()) {
        throw HttpError.badRequest("invalid_node", "the body must be a JSON object");
      }
      return json;
    } catch (HttpError e) {
      throw e;
    } catch (IOException e) {
      throw HttpError.badRequest("invalid_node", "the body is not valid JSON: " + e.getMessage());
    }
  }

  /** A node from {@code {"id", "address", "zone"?, "weight"?}}, every field checked. */
  static Topology.Node nodeFrom(JsonNode json) {
    for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!NODE_FIELDS.contains(f)) {
        throw HttpError.badRequest(
            "invalid_node", "unknown field '" + f + "'; a node has id, address, zone, weight");
      }
    }
    String id = text(json, "id", true);
    String address = text(json, "address", true);
    String zone = text(json, "zone", false);
    int weight = 1;
    JsonNode w = json.get("weight");
    if (w != null && !w.isNull()) {
      if (!w.isIntegralNumber() || !w.canConvertToInt()) {
        throw HttpError.badRequest("invalid_node", "weight must be a whole number, was " + w);
      }
      weight = w.intValue();
    }
    try {
      Topology.Node n =
          new Topology.Node(NodeId.of(id), address, Optional.ofNullable(zone), weight);
      HostPort.parse(address); // the transport needs host:port
      return n;
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest("invalid_node", e.getMessage());
    }
  }

  private static String text(JsonNode json, String field, boolean required) {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw HttpError.badRequest("invalid_node", "the node needs '" + field + "'");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw HttpError.badRequest("invalid_node", "'" + field + "' must be a string, was " + v);
    }
    return v.textValue();
  }
}
