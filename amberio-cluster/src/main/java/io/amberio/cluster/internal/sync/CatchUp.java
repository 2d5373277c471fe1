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

import com.github.f4b6a3.ulid.Ulid;
import io.amberio.cluster.NodeId;
import io.amberio.cluster.internal.Bodies;
import io.amberio.cluster.internal.Errors;
import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.membership.Liveness;
import io.amberio.cluster.internal.membership.SlotState;
import io.amberio.cluster.internal.membership.SlotView;
import io.amberio.cluster.internal.msg.Codes;
import io.amberio.cluster.internal.msg.Fence;
import io.amberio.cluster.internal.msg.Fetch;
import io.amberio.cluster.internal.msg.Versions;
import io.amberio.cluster.internal.rpc.Peers;
import io.amberio.cluster.internal.txn.Resolver;
import io.amberio.cluster.internal.txn.Transactions;
import io.amberio.cluster.transport.FrameSource;
import io.amberio.cluster.transport.Response;
import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.VersionState;
import io.amberio.core.replica.VersionChecksums;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catch-up, the learner side: brings this node level for a slot it rejoins, so that the {@link
 * io.amberio.cluster.internal.membership.Reconciler} can promote it to in sync. It resolves its own
 * transactions of the slot prepared under older epochs, fences the source ({@link SyncServer}: no
 * transaction of an older epoch may still be open there), then copies every version it lacks, in
 * blob-id order, page by page: metadata only for tombstones and markers and for versions it holds
 * in another state, the bytes too (through memory when small, else a temporary file) for live
 * versions it lacks.
 */
public final class CatchUp {
  private static final Logger log = LoggerFactory.getLogger(CatchUp.class);

  private final NodeContext ctx;
  private final SlotView slots;
  private final Liveness liveness;
  private final Transactions txns;
  private final Resolver resolver;
  private final Peers peers;
  private final Path tempDir;

  public CatchUp(
      NodeContext ctx,
      SlotView slots,
      Liveness liveness,
      Transactions txns,
      Resolver resolver,
      Peers peers,
      Path tempDir) {
    this.ctx = ctx;
    this.slots = slots;
    this.liveness = liveness;
    this.txns = txns;
    this.resolver = resolver;
    this.peers = peers;
    this.tempDir = tempDir;
  }

  /**
   * Brings this node level for {@code slot}, where it is a learner: resolves its own prepared
   * transactions of the slot, fences the source (no transaction of an older epoch may still be open
   * there), then copies every version it lacks, in blob-id order. True when done.
   */
  /**
   * Where a copy stands: set when an attempt starts, advanced as it goes, kept after a failed
   * attempt so the next one resumes after {@code after} (the last version it brought level) instead
   * of from the first version. Dropped when the copy is done, and when this node joins the slot
   * again ({@link #joined}): versions written while it was not a member would be behind the cursor.
   */
  public static final class Progress {
    public final int slot;
    public volatile NodeId source;
    public volatile long sourceVersions = -1;
    public volatile long sourceBytes = -1;
    public volatile long scanned;
    public volatile long copied;
    public volatile long bytesCopied;
    public volatile long startedAt;
    public volatile long attempts;
    volatile BlobId after;

    Progress(int slot) {
      this.slot = slot;
    }
  }

  private final Map<Integer, Progress> progress = new ConcurrentHashMap<>();

  /**
   * The copies this node runs or will resume, in slot order (never {@code Map.copyOf}: its order
   * changes from one JVM to the next, and a simulation must replay).
   */
  public Map<Integer, Progress> progress() {
    return Collections.unmodifiableMap(new TreeMap<>(progress));
  }

  /**
   * This node is about to join {@code slot} as a learner, or is no member of it: a copy starts from
   * the first version.
   */
  public void joined(int slot) {
    progress.remove(slot);
  }

  public CompletableFuture<Boolean> catchUp(int slot) {
    SlotState s = slots.slot(slot);
    Map<NodeId, Long> live = liveness.registered();
    // The live in-sync replicas, in placement order, then any other in sync (a replica that is
    // moving away is still a source until the move is done): the first that takes the copy.
    List<NodeId> sources = new ArrayList<>();
    for (NodeId n : s.inSyncPreferred()) {
      if (!n.equals(ctx.self) && s.isInSync(n) && live.containsKey(n)) {
        sources.add(n);
      }
    }
    if (sources.isEmpty()) {
      return CompletableFuture.completedFuture(false);
    }
    List<CompletableFuture<Void>> own = new ArrayList<>();
    for (Transactions.Prepared t : txns.preparedBefore(slot, s.epoch())) {
      own.add(resolver.resolve(t));
    }
    Progress p = progress.computeIfAbsent(slot, Progress::new);
    p.attempts++;
    if (p.startedAt == 0) {
      p.startedAt = ctx.now();
    }
    return CompletableFuture.allOf(own.toArray(CompletableFuture[]::new))
        .thenCompose(x -> fenceAny(sources, 0, s, p));
  }

  /**
   * FENCEs the first source that takes the copy, then copies from it; a source that serves its most
   * copies already (BUSY) passes the turn to the next. None free: not done, tried again later.
   */
  private CompletableFuture<Boolean> fenceAny(
      List<NodeId> sources, int i, SlotState s, Progress p) {
    if (i == sources.size()) {
      log.info(
          "{}: slot {} waits: every source of it serves its most copies now ({})",
          ctx.self,
          s.slot(),
          sources);
      return CompletableFuture.completedFuture(false);
    }
    NodeId from = sources.get(i);
    int slot = s.slot();
    p.source = from;
    BlobId resume = p.after;
    log.info(
        "{}: catching up slot {} from {} (epoch {}{})",
        ctx.self,
        slot,
        from,
        s.epoch(),
        resume == null ? "" : ", resuming after " + resume + ", " + p.scanned + " versions in");
    return peers
        .call(from, Fence.TYPE, s.epoch(), new Fence(slot).encode(), FrameSource.empty())
        .handle(
            (r, t) -> {
              if (t == null) {
                return CompletableFuture.completedFuture(r);
              }
              if (Codes.BUSY.equals(Errors.code(t))) {
                return null; // this source is busy: the next one
              }
              return CompletableFuture.<Response>failedFuture(t);
            })
        .thenCompose(
            f -> {
              if (f == null) {
                return fenceAny(sources, i + 1, s, p);
              }
              return f.thenCompose(
                      r -> {
                        Fence.Reply totals = Fence.Reply.decode(r.header());
                        p.sourceVersions = totals.versions();
                        p.sourceBytes = totals.bytes();
                        return copyFrom(from, slot, resume, 0, p);
                      })
                  .thenApply(
                      copied -> {
                        log.info(
                            "{}: slot {} caught up from {} ({} versions copied, {} bytes, in {}"
                                + " attempts)",
                            ctx.self,
                            slot,
                            from,
                            p.copied,
                            p.bytesCopied,
                            p.attempts);
                        progress.remove(slot, p);
                        return true;
                      });
            });
  }

  private CompletableFuture<Long> copyFrom(
      NodeId source, int slot, BlobId after, long copied, Progress p) {
    byte[] h = new Versions(slot, after, ctx.config.catchUpBatch()).encode();
    return peers
        .call(source, Versions.TYPE, 0, h, FrameSource.empty())
        .thenCompose(
            r -> {
              Versions.Reply reply = Versions.Reply.decode(r.header());
              List<BlobInfo> page = reply.versions();
              return inlineBytes(reply, r.body())
                  .thenApply(bytes -> new Page(page, reply.inline(), bytes));
            })
        .thenCompose(
            pg -> {
              List<BlobInfo> page = pg.versions();
              if (page.isEmpty()) {
                return CompletableFuture.completedFuture(copied);
              }
              return copyEach(source, slot, pg, 0, 0, p)
                  .thenCompose(
                      k ->
                          copyFrom(
                              source, slot, page.get(page.size() - 1).blobId(), copied + k, p));
            });
  }

  /**
   * A page of the source's versions, with the bytes and checksums of those that came inline (index
   * in the page to bytes; empty from a source of the release before).
   */
  private record Page(
      List<BlobInfo> versions, List<Versions.Reply.Inline> inline, Map<Integer, byte[]> bytes) {
    VersionChecksums sums(int index) {
      for (Versions.Reply.Inline x : inline) {
        if (x.index() == index) {
          return x.checksums();
        }
      }
      return null;
    }
  }

  /**
   * Reads the bytes of a page's inline versions from the reply's body: exactly the sum of their
   * sizes, in page order, else the reply is malformed.
   */
  private CompletableFuture<Map<Integer, byte[]>> inlineBytes(
      Versions.Reply reply, FrameSource body) {
    long expected = 0;
    for (Versions.Reply.Inline x : reply.inline()) {
      expected += reply.versions().get(x.index()).size();
    }
    if (expected > 4L << 20) {
      body.close();
      return CompletableFuture.failedFuture(
          new IllegalStateException("a versions reply announced " + expected + " inline bytes"));
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream((int) expected);
    long want = expected;
    return Bodies.drain(
            body,
            ctx.disk,
            b -> {
              if (buf.size() + b.remaining() > want) {
                throw new IllegalStateException(
                    "a versions reply carried more than the "
                        + want
                        + " inline bytes it announced");
              }
              byte[] a = new byte[b.remaining()];
              b.get(a);
              buf.writeBytes(a);
            })
        .thenApply(
            n -> {
              byte[] all = buf.toByteArray();
              if (all.length != want) {
                throw new IllegalStateException(
                    "a versions reply carried "
                        + all.length
                        + " inline bytes, not the "
                        + want
                        + " it announced");
              }
              Map<Integer, byte[]> out = new java.util.HashMap<>();
              int at = 0;
              for (Versions.Reply.Inline x : reply.inline()) {
                int size = (int) reply.versions().get(x.index()).size();
                out.put(x.index(), java.util.Arrays.copyOfRange(all, at, at + size));
                at += size;
              }
              return out;
            });
  }

  /** Versions of a page copied at once: fetches and imports overlap, the cursor moves per group. */
  static final int PARALLEL = 16;

  /**
   * Brings the page's versions level, {@link #PARALLEL} at a time: this node's own versions of the
   * page's blob-id range are read in one query, each version the page has and this node lacks (or
   * holds in another state) is imported, with its bytes fetched when it is live. The resume cursor
   * moves past a group once all of it is level.
   */
  private CompletableFuture<Long> copyEach(
      NodeId source, int slot, Page pg, int i, long copied, Progress p) {
    return ctx.onDisk(() -> localRange(slot, pg.versions()))
        .thenCompose(mine -> copyGroups(source, slot, pg, i, copied, p, mine));
  }

  /**
   * This node's versions of a page's blob-id range, by blob id, read in one query; complete up to
   * {@code upTo} (the query stops at a limit, so a node holding many versions the source lacks may
   * get less than the whole range; past {@code upTo}, versions are looked up one by one).
   */
  private record LocalRange(Map<BlobId, BlobInfo> byId, BlobId upTo) {}

  private LocalRange localRange(int slot, List<BlobInfo> page) {
    int limit = page.size() * 2 + 16;
    List<BlobInfo> mine = ctx.store.versionsAfter(slot, before(page.get(0).blobId()), limit);
    Map<BlobId, BlobInfo> byId = new java.util.HashMap<>();
    for (BlobInfo b : mine) {
      byId.put(b.blobId(), b);
    }
    BlobId upTo =
        mine.size() < limit
            ? page.get(page.size() - 1).blobId()
            : mine.get(mine.size() - 1).blobId();
    return new LocalRange(byId, upTo);
  }

  /** This node's version of {@code v} from the page's query, or looked up when past its end. */
  private BlobInfo known(LocalRange mine, BlobInfo v) {
    if (v.blobId().compareTo(mine.upTo()) <= 0) {
      return mine.byId().get(v.blobId());
    }
    return local(v);
  }

  private CompletableFuture<Long> copyGroups(
      NodeId source, int slot, Page pg, int from, long copied, Progress p, LocalRange mine) {
    List<BlobInfo> page = pg.versions();
    if (from == page.size()) {
      return CompletableFuture.completedFuture(copied);
    }
    int to = Math.min(page.size(), from + PARALLEL);
    long inlineBytes = 0;
    for (int k = from; k < to; k++) {
      byte[] b = pg.bytes().get(k);
      inlineBytes += b == null ? 0 : b.length;
    }
    long[] done = new long[to - from];
    return pace(inlineBytes)
        .thenCompose(x -> ctx.onDisk(() -> importLocal(source, pg, from, to, mine, done)))
        .thenCompose(
            fetch -> {
              List<CompletableFuture<Void>> group = new ArrayList<>();
              for (int k : fetch) {
                group.add(
                    copyOne(source, slot, page.get(k), mine).thenAccept(n -> done[k - from] = n));
              }
              return CompletableFuture.allOf(group.toArray(CompletableFuture[]::new));
            })
        .thenCompose(
            x -> {
              long n = 0;
              long bytes = 0;
              for (int k = from; k < to; k++) {
                if (done[k - from] > 0) {
                  n++;
                  BlobInfo v = page.get(k);
                  bytes += v.state() == VersionState.LIVE ? v.size() : 0;
                }
              }
              // Brought level up to the group's last version: a later attempt may resume after it.
              p.after = page.get(to - 1).blobId();
              p.scanned += to - from;
              p.copied += n;
              p.bytesCopied += bytes;
              return copyGroups(source, slot, pg, to, copied + n, p, mine);
            });
  }

  /**
   * Imports, in one batch (one journal flush), the versions of {@code [from, to)} that need no
   * FETCH: those this node holds in another state, tombstones and markers, and small live versions
   * whose bytes came with the page (checked against the source's checksums first). Marks them in
   * {@code done} and returns the indexes left to fetch.
   */
  private List<Integer> importLocal(
      NodeId source, Page pg, int from, int to, LocalRange mine, long[] done) {
    List<BlobInfo> page = pg.versions();
    List<Integer> fetch = new ArrayList<>();
    List<Integer> batch = new ArrayList<>();
    List<BlobInfo> versions = new ArrayList<>();
    List<byte[]> data = new ArrayList<>();
    for (int k = from; k < to; k++) {
      BlobInfo v = page.get(k);
      BlobInfo have = known(mine, v);
      if (have != null && have.state() == v.state()) {
        continue;
      }
      byte[] bytes = pg.bytes().get(k);
      if (v.state() == VersionState.LIVE && have == null) {
        if (bytes == null) {
          fetch.add(k);
          continue;
        }
        VersionChecksums sums = pg.sums(k);
        if (sums != null && !sums.matches(bytes)) {
          throw corrupt(v, source);
        }
      } else {
        bytes = new byte[0]; // a state brought level, or no bytes to keep
      }
      batch.add(k);
      versions.add(v);
      data.add(bytes);
    }
    if (!versions.isEmpty()) {
      ctx.store.importVersions(versions, data);
      for (int k : batch) {
        done[k - from] = 1;
      }
    }
    return fetch;
  }

  /** Fetches a live version this node lacks from {@code source} and imports it. */
  private CompletableFuture<Long> copyOne(NodeId source, int slot, BlobInfo v, LocalRange mine) {
    return ctx.onDisk(() -> java.util.Optional.ofNullable(known(mine, v)))
        .thenCompose(
            found -> {
              BlobInfo have = found.orElse(null);
              if (have != null && have.state() == v.state()) {
                return CompletableFuture.completedFuture(0L);
              }
              if (v.state() != VersionState.LIVE || have != null) {
                return ctx.onDisk(() -> ctx.store.importVersion(v, InputStream.nullInputStream()))
                    .thenApply(x -> 1L);
              }
              byte[] h = new Fetch(slot, v.path(), v.version()).encode();
              return pace(v.size())
                  .thenCompose(
                      x ->
                          peers
                              .call(
                                  source,
                                  Fetch.TYPE,
                                  0,
                                  h,
                                  FrameSource.empty(),
                                  ctx.config.requestTimeout())
                              .thenCompose(
                                  r ->
                                      importBody(
                                          v,
                                          Fetch.Reply.decode(r.header()).checksums(),
                                          source,
                                          r.body())));
            });
  }

  /**
   * Waits until {@code bytes} more fit in the copy budget ({@code copyBytesPerSecond} over all of
   * this node's copies): a token bucket holding at most one second of bytes, refilled by a tenth
   * every 100 ms of the scheduler's timers (never by reading the clock, which may jump). A fetch
   * goes when the bucket is not empty and takes its bytes, possibly into debt (a blob larger than
   * the bucket still goes); the others wait in order.
   */
  private CompletableFuture<Void> pace(long bytes) {
    long rate = ctx.config.copyBytesPerSecond();
    if (rate <= 0 || bytes <= 0) {
      return CompletableFuture.completedFuture(null);
    }
    synchronized (bucket) {
      if (bucket.waiting.isEmpty() && bucket.tokens > 0) {
        bucket.tokens -= bytes;
        refillLater(rate);
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> turn = new CompletableFuture<>();
      bucket.waiting.add(new long[] {bytes});
      bucket.turns.add(turn);
      refillLater(rate);
      return turn;
    }
  }

  /** The copy budget: tokens (bytes), and the fetches waiting for them in order. */
  private static final class Bucket {
    long tokens = Long.MIN_VALUE; // full on first use
    boolean refilling;
    final java.util.ArrayDeque<long[]> waiting = new java.util.ArrayDeque<>();
    final java.util.ArrayDeque<CompletableFuture<Void>> turns = new java.util.ArrayDeque<>();
  }

  private final Bucket bucket = new Bucket();

  private void refillLater(long rate) {
    if (bucket.tokens == Long.MIN_VALUE) {
      bucket.tokens = rate;
    }
    if (bucket.refilling) {
      return;
    }
    bucket.refilling = true;
    ctx.scheduler.schedule(
        Duration.ofMillis(100),
        () -> {
          List<CompletableFuture<Void>> go = new ArrayList<>();
          synchronized (bucket) {
            bucket.refilling = false;
            bucket.tokens = Math.min(rate, bucket.tokens + Math.max(1, rate / 10));
            while (!bucket.waiting.isEmpty() && bucket.tokens > 0) {
              bucket.tokens -= bucket.waiting.poll()[0];
              go.add(bucket.turns.poll());
            }
            if (!bucket.waiting.isEmpty() || bucket.tokens < rate) {
              refillLater(rate);
            }
          }
          go.forEach(f -> f.complete(null));
        });
  }

  /** This node's version with the blob id of {@code v}, in any state, or null. */
  private BlobInfo local(BlobInfo v) {
    for (BlobInfo b : ctx.store.versionsAfter(ctx.store.slotOf(v.path()), before(v.blobId()), 1)) {
      if (b.blobId().equals(v.blobId())) {
        return b;
      }
    }
    return null;
  }

  /** The largest id below {@code id}, so that versionsAfter(before(id)) starts at {@code id}. */
  private static BlobId before(BlobId id) {
    Ulid u = id.ulid();
    long msb = u.getMostSignificantBits();
    long lsb = u.getLeastSignificantBits();
    if (lsb == 0) {
      msb--;
    }
    lsb--;
    return new BlobId(new Ulid(msb, lsb));
  }

  private static BlobStoreException corrupt(BlobInfo v, NodeId source) {
    return BlobStoreException.of(
        Reason.CORRUPT,
        "the bytes of version "
            + v.version()
            + " of '"
            + v.path()
            + "' copied from "
            + source
            + " do not match the checksums "
            + source
            + " keeps; nothing imported");
  }

  /** Whether the file's bytes have the checksums, read one chunk at a time. */
  private static boolean matches(VersionChecksums sums, Path file) {
    int[] crcs = sums.crcs();
    byte[] chunk = new byte[sums.chunkSize()];
    java.util.zip.CRC32C c = new java.util.zip.CRC32C();
    try (InputStream in = Files.newInputStream(file)) {
      int i = 0;
      while (true) {
        int n = in.readNBytes(chunk, 0, chunk.length);
        if (n == 0) {
          return i == crcs.length;
        }
        if (i >= crcs.length) {
          return false;
        }
        c.reset();
        c.update(chunk, 0, n);
        if ((int) c.getValue() != crcs[i++]) {
          return false;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Receives a version's bytes (to memory when small, else to a temporary file), checks them
   * against the source's checksums (when the source sent them), then imports them. Bytes that do
   * not match fail the attempt with CORRUPT and import nothing.
   */
  private CompletableFuture<Long> importBody(
      BlobInfo v, VersionChecksums sums, NodeId source, FrameSource body) {
    if (v.size() <= 4L << 20) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream((int) v.size());
      return Bodies.drain(
              body,
              ctx.disk,
              b -> {
                byte[] a = new byte[b.remaining()];
                b.get(a);
                buf.writeBytes(a);
              })
          .thenCompose(
              n ->
                  ctx.onDisk(
                      () -> {
                        byte[] data = buf.toByteArray();
                        if (sums != null && !sums.matches(data)) {
                          throw corrupt(v, source);
                        }
                        return ctx.store.importVersion(v, new ByteArrayInputStream(data));
                      }))
          .thenApply(x -> 1L);
    }
    Path tmp;
    FileChannel ch;
    try {
      Files.createDirectories(tempDir);
      tmp = Files.createTempFile(tempDir, "import-", ".tmp");
      ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    return Bodies.drain(
            body,
            ctx.disk,
            b -> {
              try {
                while (b.hasRemaining()) {
                  ch.write(b);
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .thenCompose(
            n ->
                ctx.onDisk(
                    () -> {
                      if (sums != null && !matches(sums, tmp)) {
                        throw corrupt(v, source);
                      }
                      try (InputStream in = Files.newInputStream(tmp)) {
                        return ctx.store.importVersion(v, in);
                      } catch (IOException e) {
                        throw new UncheckedIOException(e);
                      }
                    }))
        .whenComplete(
            (x, t) -> {
              try {
                ch.close();
                Files.deleteIfExists(tmp);
              } catch (IOException e) {
                log.debug("temp file: {}", e.toString());
              }
            })
        .thenApply(x -> 1L);
  }
}
