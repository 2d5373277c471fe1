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

import io.amberio.cluster.internal.Bodies;
import io.amberio.cluster.internal.Errors;
import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.PlantedBug;
import io.amberio.cluster.internal.membership.SlotView;
import io.amberio.cluster.internal.msg.Listing;
import io.amberio.cluster.internal.msg.Read;
import io.amberio.cluster.internal.txn.Decisions;
import io.amberio.cluster.internal.txn.Transactions;
import io.amberio.cluster.transport.Request;
import io.amberio.cluster.transport.Response;
import io.amberio.core.BlobContent;
import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.GetOptions;
import io.amberio.core.ListPage;
import io.amberio.core.ListRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The replica side of reads: serves READ and LIST from the node's store, only for slots it
 * {@linkplain SlotView#serving serves} (in sync under its current session and a valid lease).
 *
 * <p>A read waits until its path has no prepared, undecided transaction here: a decision may
 * already have been made elsewhere, and answering before learning it could return a version older
 * than one a client was told is written. It asks the registry for the decision (aborting a
 * transaction whose coordinator has been quiet for {@code decisionWait}), and gives up with
 * UNAVAILABLE at the request timeout.
 */
public final class ReadServer {
  private final NodeContext ctx;
  private final SlotView slots;
  private final Transactions txns;
  private final Decisions decisions;

  /** Bodies up to this size are read in one go and sent as one frame. */
  static final int SMALL_BODY = 64 << 10;

  public ReadServer(NodeContext ctx, SlotView slots, Transactions txns, Decisions decisions) {
    this.ctx = ctx;
    this.slots = slots;
    this.txns = txns;
    this.decisions = decisions;
  }

  public CompletableFuture<Response> read(Read m, long epoch) {
    int slot = m.slot();
    String path = m.path();
    return slots
        .atEpoch(slot, epoch)
        .thenCompose(
            s -> {
              slots.requireServing(slot);
              long deadline = ctx.now() + ctx.config.requestTimeout().toMillis();
              // Usually the path has no prepared write: then the check and the read are one task on
              // the disk executor. Otherwise the read waits for the decision first.
              return ctx.onDisk(
                      () ->
                          ctx.planted(PlantedBug.SKIP_READ_WAIT)
                                  || ctx.store.preparedOn(path).isEmpty()
                              ? serve(m)
                              : null)
                  .thenCompose(
                      r ->
                          r != null
                              ? CompletableFuture.completedFuture(r)
                              : awaitDecided(path, deadline)
                                  .thenCompose(x -> ctx.onDisk(() -> serve(m))));
            });
  }

  /**
   * The answer to {@code m} from the local store, once no undecided write holds its path; on the
   * disk executor. A body of at most {@link #SMALL_BODY} bytes is read here and travels as one
   * frame.
   */
  private Response serve(Read m) {
    slots.requireServing(m.slot());
    String path = m.path();
    if (m.headOnly()) {
      BlobInfo info =
          m.version().isPresent()
              ? ctx.store.head(path, m.version().getAsLong())
              : ctx.store.head(path);
      return Response.of(new Read.Reply(info, 0, info.size()).encode());
    }
    BlobContent content = ctx.store.get(path, new GetOptions(m.version(), m.range()));
    byte[] header =
        new Read.Reply(content.info(), content.range().offset(), content.range().length()).encode();
    if (content.range().length() <= SMALL_BODY) {
      try (content) {
        return new Response(header, Bodies.of(content.readAllBytes()));
      }
    }
    return new Response(header, Bodies.fromStream(content.stream(), ctx.disk, true));
  }

  /**
   * Completes once {@code path} has no prepared, undecided transaction here: a read must not answer
   * before a decision that may already have been made elsewhere.
   */
  private CompletableFuture<Void> awaitDecided(String path, long deadline) {
    if (ctx.planted(PlantedBug.SKIP_READ_WAIT)) {
      return CompletableFuture.completedFuture(null);
    }
    return ctx.onDisk(() -> ctx.store.preparedOn(path))
        .thenCompose(
            p -> {
              if (p.isEmpty()) {
                return CompletableFuture.completedFuture(null);
              }
              if (ctx.now() > deadline) {
                throw Errors.toRemote(
                    BlobStoreException.of(
                        Reason.UNAVAILABLE,
                        "'"
                            + path
                            + "' has a prepared write whose outcome could not be learned in time"));
              }
              BlobId txn = p.get().spec().txn();
              Transactions.Prepared t = txns.prepared(txn);
              // Not yet tracked means it was made durable a moment ago (finish and track are one
              // step under the
              // slot monitor): not quiet.
              boolean quiet =
                  t != null && ctx.now() - t.since() >= ctx.config.decisionWait().toMillis();
              return decisions
                  .decide(txn, quiet)
                  .thenCompose(
                      decided ->
                          decided
                              ? awaitDecided(path, deadline)
                              : ctx.sleep(Duration.ofMillis(10))
                                  .thenCompose(x -> awaitDecided(path, deadline)));
            });
  }

  public CompletableFuture<Response> list(Listing m) {
    return listHere(m)
        .thenApply(
            r -> {
              byte[] reply = r.encode();
              return reply.length <= Request.MAX_HEADER_BYTES
                  ? Response.of(reply)
                  : new Response(Listing.Reply.IN_BODY, Bodies.of(reply));
            });
  }

  /**
   * LIST on this replica, as {@link #list} answers it but not encoded: what the {@link ReadRouter}
   * of this node uses for the slots it serves itself.
   */
  CompletableFuture<Listing.Reply> listHere(Listing m) {
    if (m.slots().size() > slots.slotCount()) {
      throw new IllegalArgumentException("bad slot count " + m.slots().size());
    }
    Set<Integer> wanted = new HashSet<>();
    for (int s : m.slots()) {
      slots.requireServing(s);
      wanted.add(s);
    }
    return ctx.onDisk(
        () -> {
          List<BlobInfo> items = new ArrayList<>();
          String c = m.cursor();
          boolean more = false;
          // Local pages start at the size asked for (this replica usually serves most slots
          // named) and double while other slots' items fill them.
          int local = Math.min(ListRequest.MAX_LIMIT, m.limit() + 1);
          scan:
          do {
            ListPage page = ctx.store.list(new ListRequest(m.prefix(), local, c, m.allVersions()));
            local = Math.min(ListRequest.MAX_LIMIT, 2 * local);
            for (BlobInfo b : page.items()) {
              if (wanted.contains(ctx.store.slotOf(b.path()))) {
                if (items.size() == m.limit()) {
                  more = true;
                  break scan;
                }
                items.add(b);
              }
            }
            c = page.nextCursor();
          } while (c != null);
          return new Listing.Reply(items, more);
        });
  }
}
