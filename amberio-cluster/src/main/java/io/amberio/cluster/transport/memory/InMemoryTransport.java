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
package io.amberio.cluster.transport.memory;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.transport.Request;
import io.amberio.cluster.transport.RequestHandler;
import io.amberio.cluster.transport.Response;
import io.amberio.cluster.transport.SendOptions;
import io.amberio.cluster.transport.Transport;
import io.amberio.cluster.transport.TransportException;
import io.amberio.cluster.transport.TransportException.Reason;
import io.amberio.cluster.transport.internal.Failures;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link Transport} of one node of an {@link InMemoryNetwork}; obtained from {@link
 * InMemoryNetwork#join}. Sends are handed to the network's scheduler, which runs every step of
 * every exchange; see the network for the faults it applies and its threading rule.
 *
 * <p>{@link #close()} is graceful: callers waiting on this node's handlers fail with {@link
 * Reason#CONNECTION_LOST}, as they would when a real connection closes. {@link
 * InMemoryNetwork#crash} closes silently instead.
 */
public final class InMemoryTransport implements Transport {

  private final InMemoryNetwork network;
  private final NodeId self;
  private volatile RequestHandler handler;
  private volatile boolean closed;

  // Confined to the scheduler; insertion-ordered so shutdown is deterministic.
  private final Set<InMemoryExchange> outgoing = new LinkedHashSet<>();
  private final Set<InMemoryExchange.ServerCall> incoming = new LinkedHashSet<>();

  InMemoryTransport(InMemoryNetwork network, NodeId self) {
    this.network = network;
    this.self = self;
  }

  @Override
  public NodeId self() {
    return self;
  }

  @Override
  public synchronized void serve(RequestHandler handler) {
    this.handler = Failures.checkServe(self, this.handler, handler);
  }

  @Override
  public CompletableFuture<Response> send(NodeId to, Request request, SendOptions options) {
    TransportException refused = Failures.checkSend(self, closed, to, request, options);
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    CompletableFuture<Response> future = new CompletableFuture<>();
    InMemoryExchange exchange =
        new InMemoryExchange(network, this, to, request, options.timeout(), future);
    future.whenComplete(
        (r, t) -> {
          if (future.isCancelled()) {
            network
                .scheduler()
                .execute(
                    () ->
                        exchange.abort(
                            new TransportException(Reason.CANCELLED, "cancelled by the caller"),
                            true));
          }
        });
    network.scheduler().execute(exchange::start);
    return future;
  }

  @Override
  public void close() {
    shutdown(true);
  }

  /**
   * Closes the transport: at once for new sends, on the scheduler for exchanges in progress.
   *
   * @param graceful whether callers of this node's handlers are told ({@link
   *     Reason#CONNECTION_LOST})
   */
  void shutdown(boolean graceful) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    network.left(this);
    network
        .scheduler()
        .execute(
            () -> {
              TransportException e =
                  new TransportException(Reason.CLOSED, "the transport of " + self + " closed");
              for (InMemoryExchange x : new ArrayList<>(outgoing)) {
                x.abort(e, graceful);
              }
              for (InMemoryExchange.ServerCall c : new ArrayList<>(incoming)) {
                c.cancel(e, graceful);
              }
            });
  }

  boolean isOpen() {
    return !closed;
  }

  RequestHandler handler() {
    return handler;
  }

  void register(InMemoryExchange x) {
    outgoing.add(x);
  }

  void unregister(InMemoryExchange x) {
    outgoing.remove(x);
  }

  void register(InMemoryExchange.ServerCall c) {
    incoming.add(c);
  }

  void unregister(InMemoryExchange.ServerCall c) {
    incoming.remove(c);
  }

  @Override
  public String toString() {
    return "InMemoryTransport[" + self + (closed ? ", closed]" : "]");
  }
}
