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
package io.amberio.cluster.transport;

import io.amberio.cluster.NodeId;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Moves requests between cluster nodes: one instance per node, which sends requests to other nodes
 * and serves the requests addressed to its own node.
 *
 * <p>A request is addressed to a {@link NodeId} and carries a type, the slot epoch it was sent
 * under, a small header and an optional {@linkplain FrameSource body} streamed frame by frame; the
 * reply has the same shape. Bodies are pulled by their consumer, and a sender never runs ahead of
 * its receiver by more than the transport's window of frames, so a blob of any size crosses without
 * being whole in memory on either side.
 *
 * <p>Every future returned here fails with a {@link TransportException}; its {@link
 * TransportException.Reason reason} says what is known about delivery. Futures complete and
 * handlers run on the transport's {@link io.amberio.core.Scheduler Scheduler}, never on a thread
 * that does I/O.
 *
 * <p>Implementations: {@link io.amberio.cluster.transport.memory.InMemoryTransport
 * InMemoryTransport} (one per node of an {@link io.amberio.cluster.transport.memory.InMemoryNetwork
 * InMemoryNetwork}, for tests and simulation) and {@link
 * io.amberio.cluster.transport.tcp.NetworkTransport NetworkTransport} (TCP, authenticated frames).
 * Both pass {@code TransportContract}.
 */
public interface Transport extends AutoCloseable {

  /** The node this transport sends from and serves for. */
  NodeId self();

  /**
   * Serves requests addressed to this node with {@code handler}; may be called once, before or
   * after other nodes start sending (until then, their requests fail with {@link
   * TransportException.Reason#REMOTE_ERROR} code {@value TransportException#NO_HANDLER}).
   *
   * @throws IllegalStateException if a handler was already set
   */
  void serve(RequestHandler handler);

  /**
   * Sends {@code request} to {@code to} and returns its response.
   *
   * <p>The request's body, if any, is pulled as the receiver makes room for it and is closed when
   * the exchange ends, whatever the outcome. The response's body must be consumed or {@linkplain
   * FrameSource#close() closed} by the caller. The whole exchange, bodies included, must end within
   * {@link SendOptions#timeout()}: what remains then fails with {@link
   * TransportException.Reason#TIMEOUT} on both sides.
   *
   * <p>Cancelling the returned future abandons the exchange: the receiver's handler sees its body
   * fail with {@link TransportException.Reason#CANCELLED} and the future it returned cancelled.
   *
   * @return the response, or a failure with a {@link TransportException}
   */
  CompletableFuture<Response> send(NodeId to, Request request, SendOptions options);

  /**
   * A value derived from this transport's credentials that another node can compare with its own to
   * learn, before it takes any place in the cluster, whether both hold the same credentials (for
   * the network transport: an HMAC of a fixed label under the cluster secret, which does not reveal
   * the secret). A node whose value differs from the one recorded in the registry refuses to join.
   * Empty (the default) when the transport has no credentials, as the in-memory one.
   */
  default Optional<byte[]> credentialCheck() {
    return Optional.empty();
  }

  /**
   * Closes this transport: later sends fail with {@link TransportException.Reason#CLOSED},
   * exchanges in progress on either side end with that reason, and resources are released.
   * Idempotent.
   */
  @Override
  void close();
}
