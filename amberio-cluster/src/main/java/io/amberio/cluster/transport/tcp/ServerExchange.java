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
import io.amberio.cluster.transport.FrameSource;
import io.amberio.cluster.transport.Request;
import io.amberio.cluster.transport.RequestHandler;
import io.amberio.cluster.transport.Response;
import io.amberio.cluster.transport.TransportException;
import io.amberio.cluster.transport.TransportException.Reason;
import io.amberio.cluster.transport.internal.BodyPump;
import io.amberio.cluster.transport.internal.Failures;
import io.amberio.cluster.transport.internal.InboundBody;
import io.amberio.core.Scheduler;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The handler's side of one request on a {@link NetworkTransport}: feeds the request body to the
 * handler (granting credit as it is consumed), sends RESPONSE or FAILURE and the response body
 * (under the caller's credit), and ends early on CANCEL, on a lost connection or at its own
 * deadline (the request's timeout, counted from its arrival), so no handler waits forever on a
 * vanished caller. State is confined to the I/O loop; the handler runs on the scheduler.
 */
final class ServerExchange {

  private final NetworkTransport transport;
  private final Scheduler scheduler;
  private final ServerSession session;
  private final NodeId from;
  private final Wire.RequestHead head;
  private final long id;

  private InboundBody body;
  private volatile CompletableFuture<Response> handlerFuture;
  private volatile boolean cancelled;
  private BodyPump pump;
  private Scheduler.Cancellable deadline;
  private boolean finished;

  ServerExchange(
      NetworkTransport transport, ServerSession session, NodeId from, Wire.RequestHead head) {
    this.transport = transport;
    this.scheduler = transport.scheduler();
    this.session = session;
    this.from = from;
    this.head = head;
    this.id = head.id();
  }

  void start() {
    Connection c = session.connection();
    FrameSource inbound = FrameSource.empty();
    if (head.hasBody()) {
      body =
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
                          () -> {
                            if (!finished) {
                              c.write(Wire.STOP, Wire.id(id));
                            }
                          });
                }
              },
              transport.window());
      inbound = body;
    }
    Duration timeout = Duration.ofMillis(head.timeoutMillis());
    deadline =
        scheduler.schedule(
            timeout,
            () ->
                transport
                    .loop()
                    .execute(
                        () ->
                            cancel(
                                new TransportException(
                                    Reason.TIMEOUT,
                                    "the exchange with "
                                        + from
                                        + " outlived its timeout of "
                                        + timeout))));
    RequestHandler handler = transport.handler();
    if (handler == null) {
      handlerDone(
          null,
          TransportException.remote(
              TransportException.NO_HANDLER,
              "node " + transport.self() + " serves no requests yet"));
      return;
    }
    Request request = new Request(head.type(), head.epoch(), head.header(), inbound);
    scheduler.execute(() -> invoke(handler, request));
  }

  /** Runs the handler; on the scheduler. */
  private void invoke(RequestHandler handler, Request request) {
    if (cancelled) {
      return;
    }
    CompletableFuture<Response> f;
    try {
      f = handler.handle(from, request);
      if (f == null) {
        f =
            CompletableFuture.failedFuture(
                new NullPointerException("the handler returned no future"));
      }
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    handlerFuture = f;
    if (cancelled) {
      f.cancel(false);
    }
    f.whenComplete(
        (response, failure) -> transport.loop().execute(() -> handlerDone(response, failure)));
  }

  private void handlerDone(Response response, Throwable failure) {
    if (finished) {
      if (response != null) {
        scheduler.execute(response.body()::close);
      }
      return;
    }
    if (body != null) {
      body.detach();
    }
    Connection c = session.connection();
    if (failure != null) {
      c.write(Wire.FAILURE, Wire.failure(id, Failures.code(failure), Failures.message(failure)));
      finish();
      return;
    }
    c.write(Wire.RESPONSE, Wire.response(id, response.hasBody(), response.header()));
    if (!response.hasBody()) {
      finish();
      return;
    }
    pump =
        new BodyPump(
            response.body(),
            c.peerWindow(),
            scheduler,
            new BodyPump.Sink() {
              @Override
              public void frame(ByteBuffer frame) {
                transport
                    .loop()
                    .execute(
                        () -> {
                          if (!finished) {
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
                          if (!finished) {
                            c.write(Wire.END, Wire.id(id));
                            finish();
                          }
                        });
              }

              @Override
              public void failed(TransportException e) {
                transport
                    .loop()
                    .execute(
                        () -> {
                          if (!finished) {
                            c.write(
                                Wire.FAILURE, Wire.failure(id, "body-failed", Failures.message(e)));
                            finish();
                          }
                        });
              }
            });
    pump.start();
  }

  void onData(ByteBuffer frame) throws Wire.Malformed {
    if (body == null) {
      throw new Wire.Malformed("DATA for request " + id + ", which has no body");
    }
    if (!body.offer(frame)) {
      throw new Wire.Malformed("the caller overran the window of request " + id);
    }
  }

  void onEnd() throws Wire.Malformed {
    if (body == null) {
      throw new Wire.Malformed("END for request " + id + ", which has no body");
    }
    body.end();
  }

  void onCancel() {
    cancel(
        new TransportException(Reason.CANCELLED, "the caller " + from + " abandoned the exchange"));
  }

  void onCredit(int frames) {
    if (pump != null) {
      pump.credit(frames);
    }
  }

  /** Ends the exchange early: the body fails with {@code e}, the handler's future is cancelled. */
  void cancel(TransportException e) {
    if (finished) {
      return;
    }
    cancelled = true;
    if (body != null) {
      body.fail(e);
    }
    if (pump != null) {
      pump.stop();
    }
    finish();
    CompletableFuture<Response> f = handlerFuture;
    if (f != null) {
      scheduler.execute(() -> f.cancel(false));
    }
  }

  private void finish() {
    if (!finished) {
      finished = true;
      deadline.cancel();
      session.remove(id);
    }
  }
}
