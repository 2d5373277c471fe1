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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One request and its response in an {@link InMemoryNetwork}: the caller's side here, the handler's
 * side in {@link ServerCall} (two of them if the request is duplicated). The two sides talk only
 * through the exchange's two {@link InMemoryLink}s, so faults hit them as they would hit a real
 * connection.
 *
 * <p>Confined to the network's scheduler: every method runs in a scheduler task. Frames are copied
 * on the way, so the two nodes never share a buffer.
 */
final class InMemoryExchange {

  private final InMemoryNetwork network;
  private final Scheduler scheduler;
  private final InMemoryTransport client;
  private final NodeId to;
  private final Request request;
  private final Duration timeout;
  private final CompletableFuture<Response> future;

  private InMemoryLink forward;
  private InMemoryLink backward;
  private Scheduler.Cancellable timer;
  private BodyPump requestPump;
  private InboundBody responseBody;
  private boolean responseBodyEnded;
  private boolean responded;
  private boolean settled;
  private boolean done;
  private ServerCall call;

  InMemoryExchange(
      InMemoryNetwork network,
      InMemoryTransport client,
      NodeId to,
      Request request,
      Duration timeout,
      CompletableFuture<Response> future) {
    this.network = network;
    this.scheduler = network.scheduler();
    this.client = client;
    this.to = to;
    this.request = request;
    this.timeout = timeout;
    this.future = future;
  }

  /** Sends the request (and starts its body). */
  void start() {
    if (future.isDone()) {
      request.body().close();
      return;
    }
    if (!client.isOpen()) {
      failBeforeSending(
          new TransportException(
              Reason.CLOSED, "the transport of " + client.self() + " is closed"));
      return;
    }
    if (!network.known(to)) {
      failBeforeSending(
          new TransportException(Reason.UNREACHABLE, "no node " + to + " in the network"));
      return;
    }
    InMemoryTransport target = network.lookup(to);
    client.register(this);
    timer =
        scheduler.schedule(
            timeout,
            () ->
                abort(
                    new TransportException(
                        Reason.TIMEOUT,
                        "no answer from "
                            + to
                            + " within "
                            + timeout
                            + "; the outcome there is unknown"),
                    true));
    forward = new InMemoryLink(network, client.self(), to, target);
    backward = new InMemoryLink(network, to, client.self(), client);
    forward.send(() -> deliver(target, false), true);
    if (network.rollDuplicate()) {
      new InMemoryLink(network, client.self(), to, target).send(() -> deliver(target, true), false);
    }
    if (request.hasBody()) {
      requestPump =
          new BodyPump(
              request.body(),
              network.window(),
              scheduler,
              new BodyPump.Sink() {
                @Override
                public void frame(ByteBuffer frame) {
                  ByteBuffer copy = copy(frame);
                  forward.send(() -> call.bodyFrame(copy), false);
                }

                @Override
                public void end() {
                  forward.send(() -> call.bodyEnd(), false);
                }

                @Override
                public void failed(TransportException e) {
                  abort(e, true);
                }
              });
      requestPump.start();
    }
  }

  private void failBeforeSending(TransportException e) {
    settled = true;
    done = true;
    request.body().close();
    future.completeExceptionally(e);
  }

  private void deliver(InMemoryTransport target, boolean duplicate) {
    ServerCall c = new ServerCall(target, duplicate);
    if (!duplicate) {
      call = c;
    }
    c.start();
  }

  /** Ends the caller's side with {@code e}; tells the handler's side if {@code tellServer}. */
  void abort(TransportException e, boolean tellServer) {
    if (done) {
      return;
    }
    if (!settled) {
      settled = true;
      future.completeExceptionally(e);
    } else if (responseBody != null) {
      responseBody.fail(e);
    }
    if (requestPump != null) {
      requestPump.stop();
    } else if (forward == null) {
      request.body().close();
    }
    if (tellServer && forward != null) {
      TransportException cancelled =
          new TransportException(Reason.CANCELLED, "the caller abandoned the exchange");
      forward.send(
          () -> {
            if (call != null) {
              call.cancel(cancelled, false);
            }
          },
          false);
    }
    finish();
  }

  private void onResponse(byte[] header, boolean hasBody) {
    if (done) {
      return;
    }
    responded = true;
    if (requestPump != null) {
      requestPump.stop();
    }
    Response response;
    if (hasBody) {
      responseBody =
          new InboundBody(
              scheduler,
              new InboundBody.Listener() {
                @Override
                public void consumed() {
                  scheduler.execute(() -> forward.send(() -> call.responseCredit(), false));
                }

                @Override
                public void abandoned() {
                  scheduler.execute(
                      () ->
                          abort(
                              new TransportException(
                                  Reason.CANCELLED, "the response body was closed"),
                              true));
                }
              },
              network.window());
      response = new Response(header, responseBody);
    } else {
      response = Response.of(header);
    }
    settled = true;
    maybeFinish();
    future.complete(response);
  }

  private void onFailure(TransportException e) {
    if (done) {
      return;
    }
    settled = true;
    if (requestPump != null) {
      requestPump.stop();
    }
    finish();
    future.completeExceptionally(e);
  }

  private void onResponseFrame(ByteBuffer frame) {
    if (!done && !responseBody.offer(frame)) {
      throw new IllegalStateException("in-memory response body overran its window (bug)");
    }
  }

  private void onResponseEnd() {
    if (!done) {
      responseBody.end();
      responseBodyEnded = true;
      maybeFinish();
    }
  }

  private void onResponseBodyFailed(TransportException e) {
    if (!done) {
      responseBody.fail(e);
      finish();
    }
  }

  private void maybeFinish() {
    if (responded && (responseBody == null || responseBodyEnded)) {
      finish();
    }
  }

  private void finish() {
    done = true;
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
    client.unregister(this);
  }

  private static ByteBuffer copy(ByteBuffer frame) {
    ByteBuffer copy = ByteBuffer.allocate(frame.remaining());
    copy.put(frame.duplicate()).flip();
    return copy;
  }

  /** The handler's side of one delivery of the request. */
  final class ServerCall {
    private final InMemoryTransport target;
    private final boolean duplicate;
    private InboundBody body;
    private CompletableFuture<Response> handlerFuture;
    private BodyPump responsePump;
    private Scheduler.Cancellable deadline;
    private boolean finished;

    ServerCall(InMemoryTransport target, boolean duplicate) {
      this.target = target;
      this.duplicate = duplicate;
    }

    void start() {
      target.register(this);
      deadline =
          scheduler.schedule(
              timeout,
              () ->
                  cancel(
                      new TransportException(
                          Reason.TIMEOUT,
                          "the exchange with "
                              + client.self()
                              + " outlived its timeout of "
                              + timeout),
                      false));
      FrameSource inbound = FrameSource.empty();
      if (request.hasBody() && duplicate) {
        inbound =
            failed(
                new TransportException(
                    Reason.CONNECTION_LOST, "a duplicated delivery carries no body"));
      } else if (request.hasBody()) {
        body =
            new InboundBody(
                scheduler,
                new InboundBody.Listener() {
                  @Override
                  public void consumed() {
                    scheduler.execute(() -> backward.send(() -> requestPump.credit(1), false));
                  }

                  @Override
                  public void abandoned() {
                    scheduler.execute(() -> backward.send(() -> requestPump.stop(), false));
                  }
                },
                network.window());
        inbound = body;
      }
      RequestHandler handler = target.handler();
      if (handler == null) {
        handlerDone(
            null,
            TransportException.remote(
                TransportException.NO_HANDLER, "node " + to + " serves no requests yet"));
        return;
      }
      CompletableFuture<Response> f;
      try {
        f =
            handler.handle(
                client.self(),
                new Request(request.type(), request.epoch(), request.header(), inbound));
        if (f == null) {
          f =
              CompletableFuture.failedFuture(
                  new NullPointerException("the handler returned no future"));
        }
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      handlerFuture = f;
      f.whenComplete(
          (response, failure) -> scheduler.execute(() -> handlerDone(response, failure)));
    }

    private void handlerDone(Response response, Throwable failure) {
      if (finished) {
        if (response != null) {
          response.body().close();
        }
        return;
      }
      if (body != null) {
        body.detach();
      }
      if (failure != null) {
        TransportException e = Failures.remote(failure);
        if (!duplicate) {
          backward.send(() -> onFailure(e), true);
        }
        finish();
        return;
      }
      if (duplicate) {
        response.body().close();
        finish();
        return;
      }
      byte[] header = response.header();
      boolean hasBody = response.hasBody();
      backward.send(() -> onResponse(header, hasBody), true);
      if (!hasBody) {
        finish();
        return;
      }
      responsePump =
          new BodyPump(
              response.body(),
              network.window(),
              scheduler,
              new BodyPump.Sink() {
                @Override
                public void frame(ByteBuffer frame) {
                  ByteBuffer copy = copy(frame);
                  backward.send(() -> onResponseFrame(copy), false);
                }

                @Override
                public void end() {
                  backward.send(() -> onResponseEnd(), false);
                  finish();
                }

                @Override
                public void failed(TransportException e) {
                  TransportException remote =
                      TransportException.remote("body-failed", e.getMessage());
                  backward.send(() -> onResponseBodyFailed(remote), false);
                  finish();
                }
              });
      responsePump.start();
    }

    void bodyFrame(ByteBuffer frame) {
      if (body != null && !body.offer(frame)) {
        throw new IllegalStateException("in-memory request body overran its window (bug)");
      }
    }

    void bodyEnd() {
      if (body != null) {
        body.end();
      }
    }

    void responseCredit() {
      if (responsePump != null) {
        responsePump.credit(1);
      }
    }

    /**
     * Ends this side with {@code e}; tells the caller the connection was lost if {@code
     * tellClient}.
     */
    void cancel(TransportException e, boolean tellClient) {
      if (finished) {
        return;
      }
      if (body != null) {
        body.fail(e);
      }
      if (responsePump != null) {
        responsePump.stop();
      }
      if (tellClient && !duplicate) {
        TransportException lost =
            new TransportException(Reason.CONNECTION_LOST, "node " + to + " closed its transport");
        backward.send(() -> abort(lost, false), false);
      }
      finish();
      if (handlerFuture != null) {
        handlerFuture.cancel(false);
      }
    }

    private void finish() {
      if (!finished) {
        finished = true;
        deadline.cancel();
        target.unregister(this);
      }
    }
  }

  private static FrameSource failed(TransportException e) {
    return new FrameSource() {
      @Override
      public CompletableFuture<Optional<ByteBuffer>> next() {
        return CompletableFuture.failedFuture(e);
      }

      @Override
      public void close() {}
    };
  }
}
