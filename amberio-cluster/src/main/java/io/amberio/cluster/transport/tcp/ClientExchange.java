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
package io.amberio.cluster.transport.tcp;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.transport.Request;
import io.amberio.cluster.transport.Response;
import io.amberio.cluster.transport.TransportException;
import io.amberio.cluster.transport.TransportException.Reason;
import io.amberio.cluster.transport.internal.BodyPump;
import io.amberio.cluster.transport.internal.InboundBody;
import io.amberio.core.Scheduler;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The caller's side of one request on a {@link NetworkTransport}: sends REQUEST and the body (under
 * the server's credit), receives RESPONSE or FAILURE and the response body (granting credit as it
 * is consumed), and sends CANCEL when the caller gives up. State is confined to the I/O loop; the
 * future is completed, and the body source pulled, on the scheduler.
 */
final class ClientExchange {

  private final NetworkTransport transport;
  private final Scheduler scheduler;
  private final NodeId to;
  private final Request request;
  private final Duration timeout;
  private final CompletableFuture<Response> future;
  private volatile Scheduler.Cancellable timer;

  private ClientSession session;
  private long id;
  private BodyPump pump;
  private boolean pumpStopped;
  private InboundBody responseBody;
  private boolean responseBodyArrived;
  private boolean responded;
  private boolean settled;
  private boolean finished;

  ClientExchange(
      NetworkTransport transport,
      NodeId to,
      Request request,
      Duration timeout,
      CompletableFuture<Response> future) {
    this.transport = transport;
    this.scheduler = transport.scheduler();
    this.to = to;
    this.request = request;
    this.timeout = timeout;
    this.future = future;
  }

  /** Starts the clock on the whole exchange; any thread. */
  void armTimer() {
    timer =
        scheduler.schedule(
            timeout,
            () ->
                transport
                    .loop()
                    .execute(
                        () ->
                            abort(
                                new TransportException(
                                    Reason.TIMEOUT,
                                    "no answer from "
                                        + to
                                        + " within "
                                        + timeout
                                        + "; the outcome there is unknown"),
                                true)));
  }

  boolean finished() {
    return finished;
  }

  void queued(ClientSession s) {
    session = s;
  }

  void started(ClientSession s, long requestId) {
    session = s;
    id = requestId;
    Connection c = s.connection();
    c.write(Wire.REQUEST, Wire.request(id, request, Math.max(1, timeout.toMillis())));
    if (!request.hasBody()) {
      return;
    }
    pump =
        new BodyPump(
            request.body(),
            c.peerWindow(),
            scheduler,
            new BodyPump.Sink() {
              @Override
              public void frame(ByteBuffer frame) {
                transport
                    .loop()
                    .execute(
                        () -> {
                          if (!finished && !pumpStopped) {
                            c.write(Wire.DATA, Wire.id(id), frame);
                          }
                        });
              }

              @Override
              public void end() {
                transport
                    .loop()
                    .execute(
                        () -> {
                          if (!finished && !pumpStopped) {
                            c.write(Wire.END, Wire.id(id));
                          }
                        });
              }

              @Override
              public void failed(TransportException e) {
                transport.loop().execute(() -> abort(e, true));
              }
            });
    pump.start();
  }

  void onResponse(Wire.ResponseHead head) throws Wire.Malformed {
    if (responded) {
      throw new Wire.Malformed("a second response to request " + id);
    }
    responded = true;
    stopPump();
    Response response;
    if (head.hasBody()) {
      Connection c = session.connection();
      responseBody =
          new InboundBody(
              scheduler,
              new InboundBody.Listener() {
                @Override
                public void consumed() {
                  transport
                      .loop()
                      .execute(
                          () -> {
                            if (!finished) {
                              c.write(Wire.CREDIT, Wire.credit(id, 1));
                            }
                          });
                }

                @Override
                public void abandoned() {
                  transport
                      .loop()
                      .execute(
                          () ->
                              abort(
                                  new TransportException(
                                      Reason.CANCELLED, "the response body was closed"),
                                  true));
                }
              },
              transport.window());
      response = new Response(head.header(), responseBody);
    } else {
      response = Response.of(head.header());
    }
    settled = true;
    maybeFinish();
    scheduler.execute(() -> future.complete(response));
  }

  void onFailure(Wire.FailureBody failure) {
    TransportException e = TransportException.remote(failure.code(), failure.message());
    if (!settled) {
      settled = true;
      scheduler.execute(() -> future.completeExceptionally(e));
    } else if (responseBody != null) {
      responseBody.fail(e);
    }
    stopPump();
    finish();
  }

  void onData(ByteBuffer frame) throws Wire.Malformed {
    if (responseBody == null || responseBodyArrived) {
      throw new Wire.Malformed(
          "DATA for request " + id + ", whose response has no body or has ended");
    }
    if (!responseBody.offer(frame)) {
      throw new Wire.Malformed("the server overran the window of request " + id);
    }
  }

  void onEnd() throws Wire.Malformed {
    if (responseBody == null || responseBodyArrived) {
      throw new Wire.Malformed(
          "END for request " + id + ", whose response has no body or has ended");
    }
    responseBody.end();
    responseBodyArrived = true;
    maybeFinish();
  }

  void onCredit(int frames) {
    if (pump != null) {
      pump.credit(frames);
    }
  }

  void onStop() {
    stopPump();
  }

  void cancelledByCaller() {
    abort(new TransportException(Reason.CANCELLED, "cancelled by the caller"), true);
  }

  void connectionFailed(TransportException cause) {
    abort(cause, false);
  }

  /**
   * Ends the exchange with {@code e}; sends CANCEL to the server if {@code tellServer} and it has
   * the request.
   */
  void abort(TransportException e, boolean tellServer) {
    if (finished) {
      return;
    }
    if (!settled) {
      settled = true;
      scheduler.execute(() -> future.completeExceptionally(e));
    } else if (responseBody != null) {
      responseBody.fail(e);
    }
    if (pump != null) {
      stopPump();
    } else if (request.hasBody()) {
      scheduler.execute(request.body()::close);
    }
    if (tellServer && id != 0) {
      session.connection().write(Wire.CANCEL, Wire.id(id));
    }
    finish();
  }

  private void stopPump() {
    if (pump != null && !pumpStopped) {
      pumpStopped = true;
      pump.stop();
    }
  }

  private void maybeFinish() {
    if (responded && (responseBody == null || responseBodyArrived)) {
      finish();
    }
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    Scheduler.Cancellable t = timer;
    if (t != null) {
      t.cancel();
    }
    if (session != null) {
      session.remove(this, id);
    }
  }
}
