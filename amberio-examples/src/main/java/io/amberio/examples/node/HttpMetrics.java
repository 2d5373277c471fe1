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
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.handler.StatisticsHandler;

/**
 * The node's metrics in a Prometheus registry: JVM and process metrics, one timer per request
 * tagged by method, status and route ({@code amberio_http_requests_seconds}), and the bytes Jetty
 * read and wrote.
 */
final class HttpMetrics implements AutoCloseable {
  /** The media type of the Prometheus text format, version 0.0.4. */
  static final String MEDIA_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "PUT", "DELETE", "POST", "OPTIONS", "PATCH");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

  // The JVM and process binders start JMX (a tenth of a second or more), so they are bound on a
  // thread of their own while the node starts; a scrape waits for them.
  private final CompletableFuture<Void> jvmBound = new CompletableFuture<>();

  HttpMetrics() {
    Thread t =
        new Thread(
            () -> {
              try {
                new ClassLoaderMetrics().bindTo(registry);
                new JvmMemoryMetrics().bindTo(registry);
                gcMetrics.bindTo(registry);
                new JvmThreadMetrics().bindTo(registry);
                new ProcessorMetrics().bindTo(registry);
                new UptimeMetrics().bindTo(registry);
                new FileDescriptorMetrics().bindTo(registry);
                jvmBound.complete(null);
              } catch (RuntimeException | Error e) {
                jvmBound.completeExceptionally(e);
              }
            },
            "amberio-metrics-bind");
    t.setDaemon(true);
    t.start();
  }

  /** Publishes the byte and in-flight counts of {@code stats}. */
  void bind(StatisticsHandler stats) {
    FunctionCounter.builder("amberio.http.received", stats, StatisticsHandler::getBytesRead)
        .baseUnit("bytes")
        .description("Request bytes read")
        .register(registry);
    FunctionCounter.builder("amberio.http.sent", stats, StatisticsHandler::getBytesWritten)
        .baseUnit("bytes")
        .description("Response bytes written")
        .register(registry);
    Gauge.builder("amberio.http.requests.active", stats, StatisticsHandler::getRequestsActive)
        .description("Requests being served")
        .register(registry);
  }

  /** Publishes the counters of {@code store}'s read cache. */
  void bind(BlobStore store) {
    FunctionCounter.builder("amberio.read.cache.hits", store, s -> s.readCacheStats().hits())
        .description("Lookups answered by the read cache")
        .register(registry);
    FunctionCounter.builder("amberio.read.cache.misses", store, s -> s.readCacheStats().misses())
        .description("Lookups that went to a slot's database")
        .register(registry);
    FunctionCounter.builder(
            "amberio.read.cache.evictions", store, s -> s.readCacheStats().evictions())
        .description("Read cache entries dropped to stay within its bound")
        .register(registry);
    Gauge.builder("amberio.read.cache.size", store, s -> s.readCacheStats().bytes())
        .baseUnit("bytes")
        .description("Estimated heap bytes the read cache holds")
        .register(registry);
    Gauge.builder("amberio.read.cache.max", store, s -> s.readCacheStats().maxBytes())
        .baseUnit("bytes")
        .description("The read cache's bound (0: disabled)")
        .register(registry);
  }

  /**
   * Records one finished request; {@code status} is the status code, or {@code aborted} when the
   * exchange failed after the response started. Unusual methods are tagged {@code OTHER} to bound
   * the tag values.
   */
  void record(String method, String status, String route, long nanos) {
    Timer.builder("amberio.http.requests")
        .description("HTTP requests by method, status and route")
        .tag("method", KNOWN_METHODS.contains(method) ? method : "OTHER")
        .tag("status", status)
        .tag("route", route)
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The current values in the Prometheus text format. */
  byte[] scrape() {
    jvmBound.join();
    return registry.scrape().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    jvmBound.exceptionally(e -> null).join();
    gcMetrics.close();
    registry.close();
  }
}
