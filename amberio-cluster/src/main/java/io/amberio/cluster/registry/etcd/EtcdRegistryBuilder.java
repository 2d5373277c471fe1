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
package io.amberio.cluster.registry.etcd;

import io.amberio.cluster.registry.RegistryException.Reason;
import io.amberio.cluster.registry.internal.Keys;
import io.amberio.core.Scheduler;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Configures an {@link EtcdRegistry}. Each option may be set once; a second call names the first
 * value.
 */
public final class EtcdRegistryBuilder {
  /** The default deadline of one request. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private List<URI> endpoints;
  private String namespace;
  private Duration requestTimeout;
  private Scheduler scheduler;

  EtcdRegistryBuilder() {}

  /** The client URLs of the etcd members, such as {@code http://10.0.0.1:2379}. Required. */
  public EtcdRegistryBuilder endpoints(List<URI> uris) {
    Objects.requireNonNull(uris, "uris");
    once(endpoints, "endpoints");
    if (uris.isEmpty()) {
      throw new IllegalArgumentException("at least one etcd endpoint is needed");
    }
    for (URI u : uris) {
      Objects.requireNonNull(u, "endpoint");
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())
          || u.getHost() == null
          || u.getPort() < 0) {
        throw new IllegalArgumentException("an etcd endpoint is http(s)://host:port, was " + u);
      }
    }
    this.endpoints = List.copyOf(uris);
    return this;
  }

  /**
   * The prefix under which every key is stored, such as {@code amberio/cluster-a/}; default none.
   * Use one per cluster sharing an etcd.
   */
  public EtcdRegistryBuilder namespace(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    once(namespace, "namespace");
    if (!prefix.isEmpty()) {
      Keys.requirePrefix(prefix);
    }
    this.namespace = prefix;
    return this;
  }

  /** The deadline of one request; default {@link #DEFAULT_REQUEST_TIMEOUT}. */
  public EtcdRegistryBuilder requestTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    once(requestTimeout, "requestTimeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the request timeout must be positive, was " + timeout);
    }
    this.requestTimeout = timeout;
    return this;
  }

  /** Where deadlines run and where futures and watch events complete. Required. */
  public EtcdRegistryBuilder scheduler(Scheduler s) {
    Objects.requireNonNull(s, "scheduler");
    once(scheduler, "scheduler");
    this.scheduler = s;
    return this;
  }

  /**
   * Creates the registry and its etcd client. Connecting is lazy: an unreachable etcd shows as
   * {@link Reason#UNAVAILABLE} failures of the operations, not here.
   *
   * @throws IllegalStateException if endpoints or scheduler are missing
   */
  public EtcdRegistry build() {
    if (endpoints == null) {
      throw new IllegalStateException("endpoints are required");
    }
    if (scheduler == null) {
      throw new IllegalStateException("a scheduler is required");
    }
    return new EtcdRegistry(
        endpoints,
        namespace == null ? "" : namespace,
        requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout,
        scheduler);
  }

  private static void once(Object current, String name) {
    if (current != null) {
      throw new IllegalStateException(name + " was already set to " + current);
    }
  }
}
