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
package io.amberio.cluster.internal.read;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.internal.Bodies;
import io.amberio.cluster.internal.Errors;
import io.amberio.cluster.internal.Futures;
import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.membership.Liveness;
import io.amberio.cluster.internal.membership.SlotState;
import io.amberio.cluster.internal.membership.SlotView;
import io.amberio.cluster.internal.msg.Listing;
import io.amberio.cluster.internal.msg.Read;
import io.amberio.cluster.internal.rpc.Peers;
import io.amberio.cluster.transport.FrameSource;
import io.amberio.cluster.transport.HandlerException;
import io.amberio.cluster.transport.Response;
import io.amberio.cluster.transport.TransportException;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.ByteRange;
import io.amberio.core.GetOptions;
import io.amberio.core.ListPage;
import io.amberio.core.ListRequest;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The client side of reads and listings: routes each to replicas that may serve it. Any node
 * coordinates any request.
 *
 * <p>A read goes to a replica of the path's slot that is in sync and live: this node first if it
 * serves the slot, then peers this node sees as up, then the others; a replica that cannot serve
 * passes it on to the next, and when none can, the slot's state is refreshed and the round repeated
 * until the request timeout. A listing asks one serving replica per group of slots and merges the
 * pages in path order (newest version first), so a cursor is valid on every node.
 */
public final class ReadRouter {
  private final NodeContext ctx;
  private final SlotView slots;
  private final Liveness liveness;
  private final Peers peers;
  private final ReadServer local;

  public ReadRouter(
      NodeContext ctx, SlotView slots, Liveness liveness, Peers peers, ReadServer local) {
    this.ctx = ctx;
    this.slots = slots;
    this.liveness = liveness;
    this.peers = peers;
    this.local = local;
  }

  /** A read's answer: the version, the range served, and its bytes (empty for a head). */
  public record Answer(BlobInfo info, ByteRange.Resolved range, FrameSource body) {}

  /** Thrown inside a round to ask for another one. */
  private static final class Retry extends RuntimeException {
    Retry(String why) {
      super(why, null, false, false);
    }
  }

  public CompletableFuture<Answer> read(String path, GetOptions options, boolean headOnly) {
    int slot;
    try {
      slot = ctx.store.slotOf(path);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    byte[] h = new Read(slot, path, options.version(), options.range(), headOnly).encode();
    long deadline = ctx.now() + ctx.config.requestTimeout().toMillis();
    return readFrom(slot, h, deadline, 0);
  }

  private List<NodeId> servers(SlotState s) {
    List<NodeId> out = new ArrayList<>();
    if (s == null) {
      return out;
    }
    if (slots.serving(s.slot())) {
      out.add(ctx.self);
    }
    Map<NodeId, Long> live = liveness.registered();
    for (NodeId n : s.inSyncPreferred()) {
      if (!n.equals(ctx.self)
          && s.isInSync(n)
          && live.containsKey(n)
          && "up".equals(liveness.status(n))) {
        out.add(n);
      }
    }
    for (NodeId n : s.inSyncPreferred()) {
      if (!out.contains(n) && !n.equals(ctx.self) && s.isInSync(n) && live.containsKey(n)) {
        out.add(n);
      }
    }
    return out;
  }

  private CompletableFuture<Answer> readFrom(int slot, byte[] h, long deadline, int round) {
    SlotState s = slots.slot(slot);
    List<NodeId> candidates = servers(s);
    return tryRead(s, candidates, 0, h)
        .handle(
            (read, t) -> {
              if (t == null) {
                return CompletableFuture.completedFuture(read);
              }
              Throwable c = Bodies.unwrap(t);
              if (!(c instanceof Retry)) {
                return CompletableFuture.<Answer>failedFuture(c);
              }
              if (ctx.now() >= deadline) {
                return CompletableFuture.<Answer>failedFuture(
                    Errors.unavailable(
                        "no replica of slot " + slot + " could serve the read: " + c.getMessage(),
                        null));
              }
              return ctx.sleep(Duration.ofMillis(Math.min(200, 10L << Math.min(round, 4))))
                  .thenCompose(x -> slots.refresh(slot).handle((st, e) -> null))
                  .thenCompose(x -> readFrom(slot, h, deadline, round + 1));
            })
        .thenCompose(f -> f);
  }

  private CompletableFuture<Answer> tryRead(SlotState s, List<NodeId> candidates, int i, byte[] h) {
    if (i >= candidates.size()) {
      return CompletableFuture.failedFuture(new Retry("no serving replica among " + candidates));
    }
    NodeId n = candidates.get(i);
    // One RPC timeout covers the whole exchange, body included: a dead replica must not hold a read
    // for
    // longer (a body that needs longer is a known limit, docs/consistency.md).
    return peers
        .call(n, Read.TYPE, s.epoch(), h, FrameSource.empty())
        .handle(
            (resp, t) -> {
              if (t == null) {
                Read.Reply r = Read.Reply.decode(resp.header());
                return CompletableFuture.completedFuture(
                    new Answer(
                        r.info(), new ByteRange.Resolved(r.offset(), r.length()), resp.body()));
              }
              BlobStoreException b = Errors.fromRemote(t);
              if (b != null && b.reason() != Reason.UNAVAILABLE && b.reason() != Reason.CLOSED) {
                return CompletableFuture.<Answer>failedFuture(b);
              }
              return tryRead(s, candidates, i + 1, h);
            })
        .thenCompose(f -> f);
  }

  // ------------------------------------------------------------------ listing

  public CompletableFuture<ListPage> list(ListRequest request) {
    // The replicas judge the prefix and the cursor; their INVALID_* answers come back as they are.
    return listOnce(request, ctx.now() + ctx.config.requestTimeout().toMillis(), 0);
  }

  private CompletableFuture<ListPage> listOnce(ListRequest request, long deadline, int round) {
    Map<NodeId, List<Integer>> groups = new LinkedHashMap<>();
    for (int slot = 0; slot < ctx.placement.slotCount(); slot++) {
      List<NodeId> c = servers(slots.slot(slot));
      if (c.isEmpty()) {
        return retryList(request, deadline, round, "slot " + slot + " has no serving replica");
      }
      groups.computeIfAbsent(c.get(0), k -> new ArrayList<>()).add(slot);
    }
    List<CompletableFuture<Listing.Reply>> calls = new ArrayList<>();
    for (Map.Entry<NodeId, List<Integer>> g : groups.entrySet()) {
      byte[] h =
          new Listing(
                  request.prefix(),
                  request.cursor(),
                  request.limit(),
                  request.allVersions(),
                  g.getValue())
              .encode();
      calls.add(
          g.getKey().equals(ctx.self)
              ? listHere(h)
              : peers
                  .call(g.getKey(), Listing.TYPE, 0, h, FrameSource.empty())
                  .thenCompose(this::listReply));
    }
    return Futures.settle(calls)
        .thenCompose(
            x -> {
              List<BlobInfo> items = new ArrayList<>();
              boolean more = false;
              for (CompletableFuture<Listing.Reply> c : calls) {
                if (c.isCompletedExceptionally()) {
                  Throwable t = c.handle((r, e) -> e).join();
                  BlobStoreException b = Errors.fromRemote(t);
                  if (b != null
                      && b.reason() != Reason.UNAVAILABLE
                      && b.reason() != Reason.CLOSED) {
                    return CompletableFuture.failedFuture(b);
                  }
                  return retryList(request, deadline, round, Bodies.unwrap(t).getMessage());
                }
                Listing.Reply r = c.join();
                items.addAll(r.items());
                more |= r.more();
              }
              items.sort(ORDER);
              if (items.size() > request.limit()) {
                items = new ArrayList<>(items.subList(0, request.limit()));
                more = true;
              }
              String next =
                  more && !items.isEmpty()
                      ? ListPage.cursorAfter(items.get(items.size() - 1), request.allVersions())
                      : null;
              return CompletableFuture.completedFuture(new ListPage(items, next));
            });
  }

  /**
   * This node's own part of a listing, straight from its {@link ReadServer} (no encoding of a page
   * that never leaves the process); failures as a call to itself through {@link Peers} reports
   * them.
   */
  private CompletableFuture<Listing.Reply> listHere(byte[] h) {
    CompletableFuture<Listing.Reply> r;
    try {
      r = local.listHere(Listing.decode(h));
    } catch (RuntimeException e) {
      r = CompletableFuture.failedFuture(e);
    }
    return r.handle(
        (reply, t) -> {
          if (t != null) {
            HandlerException e = Errors.toRemote(t);
            throw new CompletionException(TransportException.remote(e.code(), e.getMessage()));
          }
          return reply;
        });
  }

  /** The page a replica answered: in its header, or (a large one) in its body. */
  private CompletableFuture<Listing.Reply> listReply(Response r) {
    if (!r.hasBody()) {
      return CompletableFuture.completedFuture(Listing.Reply.decode(r.header()));
    }
    if (r.header().length != 0) {
      r.body().close();
      return CompletableFuture.failedFuture(
          new IllegalStateException("a list reply has both a header and a body"));
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    return Bodies.drain(
            r.body(),
            ctx.disk,
            b -> {
              if (buf.size() + b.remaining() > Listing.Reply.MAX_BODY) {
                throw new IllegalStateException(
                    "a list reply is larger than " + Listing.Reply.MAX_BODY + " bytes");
              }
              byte[] a = new byte[b.remaining()];
              b.get(a);
              buf.writeBytes(a);
            })
        .thenApply(n -> Listing.Reply.decode(buf.toByteArray()));
  }

  private CompletableFuture<ListPage> retryList(
      ListRequest request, long deadline, int round, String why) {
    if (ctx.now() >= deadline) {
      return CompletableFuture.failedFuture(
          Errors.unavailable("the listing could not reach every slot: " + why, null));
    }
    return ctx.sleep(Duration.ofMillis(Math.min(200, 10L << Math.min(round, 4))))
        .thenCompose(x -> listOnce(request, deadline, round + 1));
  }

  /** Path in UTF-8 byte order (= code point order), then version newest first. */
  static final Comparator<BlobInfo> ORDER =
      (a, b) -> {
        int c = ListPage.PATH_ORDER.compare(a.path(), b.path());
        return c != 0 ? c : Long.compare(b.version(), a.version());
      };
}
