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
package io.amberio.cluster.internal.rpc;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.internal.Bodies;
import io.amberio.cluster.internal.Errors;
import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.transport.FrameSource;
import io.amberio.cluster.transport.HandlerException;
import io.amberio.cluster.transport.Request;
import io.amberio.cluster.transport.RequestHandler;
import io.amberio.cluster.transport.Response;
import io.amberio.cluster.transport.SendOptions;
import io.amberio.cluster.transport.TransportException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The one place that calls peers, this node included. A request to this node itself goes straight
 * to the local handler (the node's own replica side, given at construction), its failures wrapped
 * exactly as a transport would wrap a remote handler's, so a caller sees one behaviour whichever
 * node answers. Every outcome is reported to {@link PeerHealth}: a transport failure makes the peer
 * suspect, any answer (an error the handler returned included) clears it.
 */
public final class Peers {
  private final NodeContext ctx;
  private final RequestHandler local;
  private final PeerHealth health;

  public Peers(NodeContext ctx, RequestHandler local, PeerHealth health) {
    this.ctx = ctx;
    this.local = local;
    this.health = health;
  }

  /** Sends a request to {@code to}, within one RPC timeout. */
  public CompletableFuture<Response> call(
      NodeId to, String type, long epoch, byte[] header, FrameSource body) {
    return call(to, type, epoch, header, body, ctx.config.rpcTimeout());
  }

  /**
   * {@link #call(NodeId, String, long, byte[], FrameSource)} with its own timeout (a body that may
   * be large).
   */
  public CompletableFuture<Response> call(
      NodeId to, String type, long epoch, byte[] header, FrameSource body, Duration timeout) {
    Request request = new Request(type, epoch, header, body);
    CompletableFuture<Response> f;
    if (to.equals(ctx.self)) {
      CompletableFuture<Response> r;
      try {
        r = local.handle(ctx.self, request);
      } catch (RuntimeException e) {
        r = CompletableFuture.failedFuture(e);
      }
      f =
          r.handle(
              (resp, t) -> {
                if (t != null) {
                  HandlerException h = Errors.toRemote(t);
                  throw new CompletionException(
                      TransportException.remote(h.code(), h.getMessage()));
                }
                return resp;
              });
    } else {
      f = ctx.transport.send(to, request, SendOptions.timeout(timeout));
    }
    return f.whenComplete(
        (r, t) -> {
          Throwable c = t == null ? null : Bodies.unwrap(t);
          if (c instanceof TransportException te
              && te.reason() != TransportException.Reason.REMOTE_ERROR) {
            health.failed(to, te.reason().name());
          } else {
            health.answered(to);
          }
        });
  }
}
