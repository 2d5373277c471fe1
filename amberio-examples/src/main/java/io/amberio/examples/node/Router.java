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

import io.amberio.core.BlobStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes requests by their raw path, exactly as the client sent it ({@link
 * org.eclipse.jetty.http.HttpURI#getPath()}: not decoded, not normalized), so {@code //}, {@code
 * ..}, {@code ;} and {@code %2F} reach the object endpoints untouched. Unknown paths get 404 {@code
 * unknown_endpoint}; a known path with another method gets 405 {@code method_not_allowed} with
 * {@code Allow}. Every request is timed into the metrics and logged at DEBUG.
 *
 * <pre>
 *   /objects            GET HEAD              list
 *   /objects/{path}     GET HEAD PUT DELETE   object
 *   /health /nodes /metrics   GET HEAD
 *   /slots/{id}         GET HEAD
 * </pre>
 */
final class Router extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(Router.class);
  private static final String OBJECTS = "/objects";
  private static final String SLOTS = "/slots/";

  private final HttpMetrics metrics;
  private final Route list;
  private final Route object;
  private final Route health;
  private final Route nodes;
  private final Route slot;
  private final Route metricsRoute;
  private final Route clusterStatus;
  private final Route clusterNodes;
  private final Route clusterNode;
  private final Route clusterReplace;
  private final Route clusterRebuild;

  Router(
      BlobStore store,
      NodeStatus node,
      ClusterView cluster,
      HttpMetrics metrics,
      long maxBlobSize) {
    this.metrics = metrics;
    GetObject get = new GetObject(store);
    ListObjects listObjects = new ListObjects(store);
    NodeEndpoints ops = new NodeEndpoints(store, node, cluster);
    Endpoint scrape =
        ex -> {
          ex.query().allowOnly(Set.of());
          ex.send(200, HttpMetrics.MEDIA_TYPE, metrics.scrape());
        };
    this.list = Route.readOnly("list", listObjects);
    this.object =
        new Route(
            "object",
            Map.of(
                "GET",
                get,
                "HEAD",
                get,
                "PUT",
                new PutObject(store, maxBlobSize),
                "DELETE",
                new DeleteObject(store)));
    this.health = Route.readOnly("health", ops::health);
    this.nodes = Route.readOnly("nodes", ops::nodes);
    this.slot = Route.readOnly("slot", ops::slot);
    this.metricsRoute = Route.readOnly("metrics", scrape);
    if (cluster != null) {
      ClusterAdmin admin = new ClusterAdmin(cluster);
      this.clusterStatus = Route.readOnly("cluster", admin::status);
      this.clusterNodes = new Route("cluster_nodes", Map.of("POST", admin::add));
      this.clusterNode =
          new Route("cluster_node", Map.of("DELETE", ex -> admin.remove(ex, ex.pathParam())));
      this.clusterReplace =
          new Route("cluster_replace", Map.of("POST", ex -> admin.replace(ex, ex.pathParam())));
      this.clusterRebuild =
          new Route("cluster_rebuild", Map.of("POST", ex -> admin.rebuild(ex, ex.pathParam())));
    } else {
      this.clusterStatus = null;
      this.clusterNodes = null;
      this.clusterNode = null;
      this.clusterReplace = null;
      this.clusterRebuild = null;
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long start = System.nanoTime();
    String path = request.getHttpURI().getPath() == null ? "" : request.getHttpURI().getPath();
    String method = request.getMethod();
    Route route = route(path);
    String param =
        route == object
            ? path.substring(OBJECTS.length() + 1)
            : route == slot
                ? path.substring(SLOTS.length())
                : route != null && (route == clusterNode || route == clusterReplace)
                    ? nodeParam(path)
                    : route != null && route == clusterRebuild
                        ? path.substring(
                            CLUSTER_SLOTS.length() + 1, path.length() - REBUILD.length())
                        : "";
    String routeName = route == null ? "unknown" : route.name();
    Request.addCompletionListener(
        request,
        failure -> {
          long nanos = System.nanoTime() - start;
          String status = failure == null ? Integer.toString(response.getStatus()) : "aborted";
          metrics.record(method, status, routeName, nanos);
          if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} -> {} in {} ms", method, path, status, nanos / 1_000_000);
          }
        });

    Exchange exchange = new Exchange(request, response, callback, param);
    try {
      if (route == null) {
        throw new HttpError(404, "unknown_endpoint", "no endpoint at " + path);
      }
      Endpoint endpoint = route.endpoints().get(method);
      if (endpoint == null) {
        throw new HttpError(
                405,
                "method_not_allowed",
                method + " is not allowed on " + path + "; use " + route.allow())
            .withHeader("Allow", route.allow());
      }
      endpoint.handle(exchange);
    } catch (Exception e) {
      // Errors (out of memory, ...) are left to Jetty, which answers 500 through JsonErrorHandler.
      exchange.fail(e);
    }
    return true;
  }

  private static final String CLUSTER_NODES = ClusterAdmin.PREFIX + "/nodes";
  private static final String REPLACE = "/replace";
  private static final String CLUSTER_SLOTS = ClusterAdmin.PREFIX + "/slots";
  private static final String REBUILD = "/rebuild";

  /** The node id in {@code /cluster/nodes/{id}} or {@code /cluster/nodes/{id}/replace}. */
  private static String nodeParam(String path) {
    String rest = path.substring(CLUSTER_NODES.length() + 1);
    return rest.endsWith(REPLACE) ? rest.substring(0, rest.length() - REPLACE.length()) : rest;
  }

  private Route route(String path) {
    if (path.startsWith(OBJECTS + "/")) {
      return object;
    }
    if (clusterStatus != null && path.startsWith(CLUSTER_NODES + "/")) {
      String rest = path.substring(CLUSTER_NODES.length() + 1);
      if (rest.endsWith(REPLACE) && rest.length() > REPLACE.length()) {
        String id = rest.substring(0, rest.length() - REPLACE.length());
        return id.contains("/") ? null : clusterReplace;
      }
      return rest.isEmpty() || rest.contains("/") ? null : clusterNode;
    }
    if (clusterStatus != null
        && path.startsWith(CLUSTER_SLOTS + "/")
        && path.endsWith(REBUILD)
        && path.length() > CLUSTER_SLOTS.length() + 1 + REBUILD.length()) {
      String id = path.substring(CLUSTER_SLOTS.length() + 1, path.length() - REBUILD.length());
      return id.contains("/") ? null : clusterRebuild;
    }
    if (clusterStatus != null && path.equals(ClusterAdmin.PREFIX)) {
      return clusterStatus;
    }
    if (clusterStatus != null && path.equals(CLUSTER_NODES)) {
      return clusterNodes;
    }
    if (path.startsWith(SLOTS)) {
      return slot;
    }
    return switch (path) {
      case OBJECTS -> list;
      case "/health" -> health;
      case "/nodes" -> nodes;
      case "/metrics" -> metricsRoute;
      default -> null;
    };
  }

  /** A path's endpoints by method. */
  private record Route(String name, Map<String, Endpoint> endpoints) {
    static Route readOnly(String name, Endpoint get) {
      Map<String, Endpoint> methods = new LinkedHashMap<>();
      methods.put("GET", get);
      methods.put("HEAD", get);
      return new Route(name, methods);
    }

    /** The {@code Allow} header value. */
    String allow() {
      return String.join(", ", endpoints.keySet().stream().sorted().toList());
    }
  }
}
