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
package io.amberio.cluster.internal.node;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.internal.Errors;
import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.msg.Abort;
import io.amberio.cluster.internal.msg.Codes;
import io.amberio.cluster.internal.msg.Commit;
import io.amberio.cluster.internal.msg.Data;
import io.amberio.cluster.internal.msg.Fence;
import io.amberio.cluster.internal.msg.Fetch;
import io.amberio.cluster.internal.msg.Listing;
import io.amberio.cluster.internal.msg.Lock;
import io.amberio.cluster.internal.msg.Ping;
import io.amberio.cluster.internal.msg.Prepare;
import io.amberio.cluster.internal.msg.Read;
import io.amberio.cluster.internal.msg.Status;
import io.amberio.cluster.internal.msg.Versions;
import io.amberio.cluster.internal.read.ReadServer;
import io.amberio.cluster.internal.sync.SyncServer;
import io.amberio.cluster.internal.txn.Participant;
import io.amberio.cluster.transport.HandlerException;
import io.amberio.cluster.transport.Request;
import io.amberio.cluster.transport.RequestHandler;
import io.amberio.cluster.transport.Response;
import java.util.concurrent.CompletableFuture;

/**
 * The replica side's entrance: decodes each internal request and hands it to the room that serves
 * it (writes to the {@link Participant}, reads to the {@link ReadServer}, catch-up to the {@link
 * SyncServer}). A header it cannot decode, in a format version it does not speak included, fails
 * the request with the matching handler code, which the sender sees.
 */
public final class Dispatcher implements RequestHandler {
  private final NodeContext ctx;
  private final Participant participant;
  private final ReadServer reads;
  private final SyncServer sync;
  private volatile boolean closed;

  public Dispatcher(NodeContext ctx, Participant participant, ReadServer reads, SyncServer sync) {
    this.ctx = ctx;
    this.participant = participant;
    this.reads = reads;
    this.sync = sync;
  }

  private static CompletableFuture<Response> pong(Ping ping) {
    return CompletableFuture.completedFuture(Response.of(new Ping.Reply().encode()));
  }

  /** Refuses every request from now on (the node is shutting down or halted). */
  public void close() {
    closed = true;
  }

  @Override
  public CompletableFuture<Response> handle(NodeId from, Request request) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new HandlerException(Codes.NOT_SERVING, ctx.self + " is shutting down"));
    }
    try {
      byte[] h = request.header();
      long epoch = request.epoch();
      return switch (request.type()) {
        case Lock.TYPE -> participant.lock(Lock.decode(h), epoch);
        case Data.TYPE -> dataOf(request);
        case Prepare.TYPE -> prepareOf(request);
        case Commit.TYPE -> participant.commit(Commit.decode(h));
        case Abort.TYPE -> participant.abort(Abort.decode(h));
        case Status.TYPE -> participant.status(Status.decode(h));
        case Read.TYPE -> reads.read(Read.decode(h), epoch);
        case Listing.TYPE -> reads.list(Listing.decode(h));
        case Fence.TYPE -> sync.fence(from, Fence.decode(h), epoch);
        case Versions.TYPE -> sync.versions(from, Versions.decode(h));
        case Fetch.TYPE -> sync.fetch(from, Fetch.decode(h));
        case Ping.TYPE -> pong(Ping.decode(h));
        default ->
            CompletableFuture.failedFuture(
                new HandlerException(Codes.BAD_REQUEST, "unknown request type " + request.type()));
      };
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Errors.toRemote(e));
    }
  }

  private CompletableFuture<Response> prepareOf(Request request) {
    Prepare m;
    try {
      m = Prepare.decode(request.header());
    } catch (RuntimeException e) {
      request.body().close();
      throw e;
    }
    return participant.prepare(m, request.epoch(), request.body());
  }

  private CompletableFuture<Response> dataOf(Request request) {
    Data m;
    try {
      m = Data.decode(request.header());
    } catch (RuntimeException e) {
      request.body().close();
      throw e;
    }
    return participant.data(m, request.epoch(), request.body());
  }
}
