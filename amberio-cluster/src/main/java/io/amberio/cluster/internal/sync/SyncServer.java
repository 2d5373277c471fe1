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
package io.amberio.cluster.internal.sync;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.internal.Bodies;
import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.membership.SlotView;
import io.amberio.cluster.internal.msg.Codes;
import io.amberio.cluster.internal.msg.Fence;
import io.amberio.cluster.internal.msg.Fetch;
import io.amberio.cluster.internal.msg.Versions;
import io.amberio.cluster.internal.txn.Decisions;
import io.amberio.cluster.internal.txn.Transactions;
import io.amberio.cluster.transport.HandlerException;
import io.amberio.cluster.transport.Response;
import io.amberio.core.BlobContent;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.GetOptions;
import io.amberio.core.VersionState;
import io.amberio.core.replica.VersionChecksums;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The source side of catch-up: serves FENCE, VERSIONS and FETCH for a learner, only for slots this
 * node serves. FENCE answers once no transaction of the slot prepared under an older epoch remains
 * here (deciding those whose coordinator went quiet), so that what the learner copies next includes
 * every write that could still commit under an older epoch.
 */
public final class SyncServer {
  private final NodeContext ctx;
  private final SlotView slots;
  private final Transactions txns;
  private final Decisions decisions;

  public SyncServer(NodeContext ctx, SlotView slots, Transactions txns, Decisions decisions) {
    this.ctx = ctx;
    this.slots = slots;
    this.txns = txns;
    this.decisions = decisions;
  }

  /** A copy this node serves: a learner and the slot it copies. */
  private record Copy(NodeId learner, int slot) {}

  /** The copies served now, with when each last asked for something (ms). */
  private final Map<Copy, Long> serving = new LinkedHashMap<>();

  /**
   * Counts a request of {@code learner}'s copy of {@code slot}. A FENCE ({@code starts}) starts a
   * copy attempt: refused with BUSY while {@code maxOutgoingCopies} other copies are served. A copy
   * counts until it reads an empty page (its end), or has asked nothing for an RPC timeout (a
   * learner that gave up says nothing).
   */
  private synchronized void admit(NodeId learner, int slot, boolean starts) {
    long now = expire();
    Copy c = new Copy(learner, slot);
    if (starts && !serving.containsKey(c) && serving.size() >= ctx.config.maxOutgoingCopies()) {
      throw new HandlerException(
          Codes.BUSY,
          ctx.self
              + " already serves "
              + serving.size()
              + " copies (maxOutgoingCopies); slot "
              + slot
              + " copies from another replica, or later");
    }
    serving.put(c, now);
  }

  /** Forgets {@code learner}'s copy of {@code slot}: it has read the last page. */
  private synchronized void done(NodeId learner, int slot) {
    serving.remove(new Copy(learner, slot));
  }

  /** How many copies this node serves now. */
  public synchronized int servingCopies() {
    expire();
    return serving.size();
  }

  /** Forgets copies silent for an RPC timeout; returns now. */
  private long expire() {
    long now = ctx.now();
    long idle = ctx.config.rpcTimeout().toMillis();
    serving.values().removeIf(last -> now - last > idle);
    return now;
  }

  public CompletableFuture<Response> fence(NodeId from, Fence m, long epoch) {
    int slot = m.slot();
    admit(from, slot, true);
    long deadline = ctx.now() + ctx.config.rpcTimeout().toMillis() / 2;
    return slots
        .atEpoch(slot, epoch)
        .thenCompose(
            s -> {
              slots.requireServing(slot);
              return awaitOlder(slot, epoch, deadline);
            })
        .thenCompose(x -> ctx.onDisk(() -> ctx.store.slotStats(slot)))
        .thenApply(st -> Response.of(new Fence.Reply(st.versions(), st.bytes()).encode()));
  }

  /**
   * Completes when no transaction of {@code slot} prepared under an epoch before {@code epoch}
   * remains.
   */
  private CompletableFuture<Void> awaitOlder(int slot, long epoch, long deadline) {
    List<Transactions.Prepared> older;
    synchronized (slots.slotLock(slot)) {
      older = txns.preparedBefore(slot, epoch);
    }
    if (older.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    if (ctx.now() > deadline) {
      throw new HandlerException(
          Codes.BUSY,
          "slot " + slot + " still has " + older.size() + " transactions of older epochs");
    }
    List<CompletableFuture<Boolean>> tries = new ArrayList<>();
    for (Transactions.Prepared t : older) {
      boolean quiet = ctx.now() - t.since() >= ctx.config.decisionWait().toMillis();
      tries.add(decisions.decide(t.id(), quiet).exceptionally(e -> false));
    }
    return CompletableFuture.allOf(tries.toArray(CompletableFuture[]::new))
        .thenCompose(x -> ctx.sleep(Duration.ofMillis(10)))
        .thenCompose(x -> awaitOlder(slot, epoch, deadline));
  }

  /** A live version of at most this many bytes travels in the VERSIONS reply (no FETCH). */
  static final int INLINE_VERSION_BYTES = 16 << 10;

  /** At most this many bytes of versions travel in one VERSIONS reply. */
  static final int INLINE_PAGE_BYTES = 1 << 20;

  public CompletableFuture<Response> versions(NodeId from, Versions m) {
    slots.requireServing(m.slot());
    admit(from, m.slot(), false);
    return ctx.onDisk(
        () -> {
          List<BlobInfo> list =
              ctx.store.versionsAfter(
                  m.slot(), m.after(), Math.min(m.limit(), ctx.config.catchUpBatch()));
          if (list.isEmpty()) {
            done(from, m.slot()); // the copy has read to the end: it counts no more
          }
          // Small live versions travel with the page: one request for a page of them instead of
          // a FETCH each, which is most of a copy's cost when versions are small.
          List<Versions.Reply.Inline> inline = new ArrayList<>();
          ByteArrayOutputStream body = new ByteArrayOutputStream();
          for (int k = 0; k < list.size(); k++) {
            BlobInfo v = list.get(k);
            if (v.state() != VersionState.LIVE
                || v.size() > INLINE_VERSION_BYTES
                || body.size() + v.size() > INLINE_PAGE_BYTES) {
              continue;
            }
            byte[] data;
            VersionChecksums sums;
            try {
              sums = ctx.store.checksums(v.path(), v.version());
              try (BlobContent c = ctx.store.get(v.path(), GetOptions.version(v.version()))) {
                data = c.stream().readAllBytes();
              }
            } catch (BlobStoreException | IOException e) {
              continue; // changed since it was listed (collected, say): the learner fetches it
            }
            if (data.length != v.size()) {
              continue;
            }
            inline.add(new Versions.Reply.Inline(k, sums));
            body.writeBytes(data);
          }
          return new Response(
              new Versions.Reply(list, inline).encode(), Bodies.of(body.toByteArray()));
        });
  }

  public CompletableFuture<Response> fetch(NodeId from, Fetch m) {
    slots.requireServing(m.slot());
    admit(from, m.slot(), false);
    return ctx.onDisk(
        () -> {
          VersionChecksums sums = ctx.store.checksums(m.path(), m.version());
          BlobContent content = ctx.store.get(m.path(), GetOptions.version(m.version()));
          return new Response(
              new Fetch.Reply(content.info(), sums).encode(),
              Bodies.fromStream(content.stream(), ctx.disk, true));
        });
  }
}
