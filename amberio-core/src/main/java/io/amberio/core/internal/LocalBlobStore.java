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
package io.amberio.core.internal;

import com.github.f4b6a3.ulid.UlidFactory;
import io.amberio.core.BlobContent;
import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.Compression;
import io.amberio.core.GcReport;
import io.amberio.core.GetOptions;
import io.amberio.core.ListPage;
import io.amberio.core.ListRequest;
import io.amberio.core.PutOptions;
import io.amberio.core.ReadCacheStats;
import io.amberio.core.Scheduler;
import io.amberio.core.SlotStats;
import io.amberio.core.internal.journal.Journal;
import io.amberio.core.internal.journal.JournalRecord;
import io.amberio.core.internal.meta.Catalog;
import io.amberio.core.internal.meta.LookupCache;
import io.amberio.core.internal.meta.SlotDatabase;
import io.amberio.core.internal.meta.SlotDatabase.Lookup;
import io.amberio.core.internal.row.VersionRow;
import io.amberio.core.internal.slot.ChunkIo;
import io.amberio.core.internal.slot.ReadBuffers;
import io.amberio.core.internal.slot.Slot;
import io.amberio.core.internal.slot.SlotManager;
import io.amberio.core.replica.PrepareSpec;
import io.amberio.core.replica.PreparedTxn;
import io.amberio.core.replica.PreparedWrite;
import io.amberio.core.replica.ReplicaStore;
import io.amberio.core.replica.TxnKind;
import io.amberio.core.replica.VersionChecksums;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link BlobStore} over local data directories. Paths are validated here, mapped to slots, and
 * each operation runs on one {@link Slot} held through the {@link SlotManager}; listing merges
 * every slot.
 *
 * <p>As a {@link ReplicaStore}, it checks the arguments and hands transactions to the {@link
 * TransactionIndex}, which knows which slot holds which transaction, and catch-up to the slot's
 * {@code SlotHistory}. Changes are made durable in the {@link Journals} before they reach a slot
 * database.
 *
 * <p>Lifecycle: {@code open} locks the directories, checks what they record, and, after an unclean
 * shutdown, opens every slot once so each reclaims what unfinished writes left; {@code close}
 * refuses new operations, waits for running ones, closes the slots and records a clean shutdown.
 * Background work (garbage collection, closing idle slots) runs as {@link Periodic} tasks on the
 * injected {@link Scheduler}, or on a daemon thread the store owns and stops at close.
 */
public final class LocalBlobStore implements ReplicaStore {
  private static final Logger log = LoggerFactory.getLogger(LocalBlobStore.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final StoreSettings settings;
  private final StoreLayout layout;
  private final SlotManager<Slot> slots;
  private final Context context;
  private final ScheduledExecutorService ownExecutor;
  private final List<Periodic> tasks = new ArrayList<>();
  private final TransactionIndex transactions;
  private final LookupCache lookupCache;
  private final Catalog catalog; // null when it could not be opened: listings merge slots
  private volatile Thread catalogBuild;
  private volatile Journals journals;
  private volatile boolean recovered;
  private volatile boolean closed;

  private LocalBlobStore(StoreSettings settings, StoreLayout layout) {
    this.settings = settings;
    this.layout = layout;
    this.lookupCache = new LookupCache(settings.readCacheBytes(), settings.slotCount());
    this.catalog = openCatalog(layout.catalogFile());
    this.context = new Context();
    this.slots =
        new SlotManager<>(
            this::openSlot,
            layout.existingSlots(),
            settings.maxOpenSlots(),
            settings.idleSlotTimeout(),
            settings.clock());
    this.transactions = new TransactionIndex(slots, this::withSlot, () -> closed);
    Scheduler scheduler = settings.scheduler();
    if (scheduler == null) {
      ownExecutor =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "amberio-maintenance");
                t.setDaemon(true);
                return t;
              });
      scheduler = Scheduler.system(ownExecutor);
    } else {
      ownExecutor = null;
    }
    Duration idleCheck =
        Duration.ofMillis(Math.max(1000, settings.idleSlotTimeout().toMillis() / 2));
    tasks.add(Periodic.start(scheduler, idleCheck, this::closeIdleSlots));
    if (!settings.gcInterval().isZero()) {
      tasks.add(Periodic.start(scheduler, settings.gcInterval(), this::backgroundGc));
    }
  }

  private static Catalog openCatalog(Path file) {
    try {
      return Catalog.open(file);
    } catch (BlobStoreException e) {
      log.warn("no listing catalog at {}: listings merge every slot", file, e);
      return null;
    }
  }

  /** The listing catalog, or null. */
  Catalog catalog() {
    return catalog;
  }

  /**
   * Builds the catalog in the background when it is not complete (a store of an older release, or a
   * catalog that was lost): every slot hands over its current versions; listings merge slots until
   * the end.
   */
  private void startCatalogBuild() {
    if (catalog == null || catalog.complete()) {
      return;
    }
    BitSet existing = slots.existing();
    Thread t =
        new Thread(
            () -> {
              long started = System.nanoTime();
              try {
                for (int s = existing.nextSetBit(0);
                    s >= 0 && !closed;
                    s = existing.nextSetBit(s + 1)) {
                  withSlot(
                      s,
                      false,
                      slot -> {
                        slot.publishCurrent();
                        return null;
                      });
                }
                if (!closed) {
                  catalog.markComplete();
                  // A new store's catalog is built from nothing: not worth a line.
                  (existing.isEmpty() ? log.atDebug() : log.atInfo())
                      .log(
                          "listing catalog built from {} slots in {} ms",
                          existing.cardinality(),
                          (System.nanoTime() - started) / 1_000_000);
                }
              } catch (RuntimeException e) {
                if (!closed) {
                  log.warn("building the listing catalog failed; the next open tries again", e);
                }
              }
            },
            "amberio-catalog-build");
    t.setDaemon(true);
    catalogBuild = t;
    t.start();
  }

  /** Opens the store described by {@code settings}; see {@code BlobStoreBuilder.build()}. */
  public static LocalBlobStore open(StoreSettings settings) {
    StoreLayout layout = StoreLayout.open(settings.dataDirs(), settings.slotCount());
    LocalBlobStore store;
    try {
      store = new LocalBlobStore(settings, layout);
    } catch (RuntimeException e) {
      layout.close();
      throw e;
    }
    try {
      store.recover();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  /**
   * Replays each disk's journal into its slots (making them durable), then, after an unclean
   * shutdown, opens every slot once to reclaim the bytes of writes that never committed.
   */
  private void recover() {
    journals =
        Journals.open(
            layout,
            settings.dataDirs().size(),
            settings.minFreeBytes(),
            this::syncSlots,
            this::replay);
    BitSet existing = slots.existing();
    if (!layout.wasCleanlyShutDown()) {
      log.info("recovering after an unclean shutdown: checking {} slots", existing.cardinality());
      for (int s = existing.nextSetBit(0); s >= 0; s = existing.nextSetBit(s + 1)) {
        withSlot(
            s,
            false,
            slot -> {
              slot.reclaimOrphans();
              return null;
            });
      }
    }
    recovered = true;
    startCatalogBuild();
  }

  private Slot openSlot(int n, boolean create) {
    Slot slot = Slot.open(n, layout.slotDir(n), layout.fileStore(n), create, context);
    if (slot != null) {
      try {
        if (recovered) {
          slot.reclaimOrphans();
        }
        transactions.slotOpened(n, slot.transactions().heldTxns());
      } catch (RuntimeException e) {
        slot.close();
        throw e;
      }
    }
    return slot;
  }

  private void replay(JournalRecord record) {
    transactions.replayed(record);
    Slot slot = slots.acquire(record.slot(), true);
    try {
      slot.replay(record);
    } finally {
      slots.release(slot);
    }
  }

  /**
   * The journal's sealer: makes the databases of open slots durable (closed ones were synced on
   * close).
   */
  private void syncSlots(BitSet which) {
    for (int s = which.nextSetBit(0); s >= 0; s = which.nextSetBit(s + 1)) {
      Slot slot = slots.acquireIfOpen(s);
      if (slot != null) {
        try {
          slot.sync();
        } finally {
          slots.release(slot);
        }
      }
    }
    if (catalog != null) {
      catalog.sync();
    }
  }

  // ------------------------------------------------------------------ operations

  @Override
  public BlobInfo put(String path, InputStream data, PutOptions options) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(options, "options");
    BlobPaths.validate(path);
    return withSlot(slotOf(path), true, slot -> slot.put(path, data, options));
  }

  @Override
  public BlobContent get(String path, GetOptions options) {
    Objects.requireNonNull(options, "options");
    BlobPaths.validate(path);
    ensureOpen();
    // A cached inline blob is answered without the slot: no open, no lock (see LookupCache).
    Lookup hit =
        lookupCache.enabled()
            ? lookupCache.get(slotOf(path), path, options.version().orElse(0))
            : null;
    if (hit != null && (hit.row() == null || hit.row().inline())) {
      lookupCache.hit();
      VersionRow row =
          Slot.liveRow(hit == LookupCache.NEVER_WRITTEN ? null : hit, path, options.version());
      return Slot.inlineContent(row, options.range().resolve(row.size()));
    }
    return withExisting(path, slot -> slot.get(path, options.version(), options.range()));
  }

  @Override
  public ReadCacheStats readCacheStats() {
    return lookupCache.stats();
  }

  @Override
  public BlobInfo head(String path) {
    BlobPaths.validate(path);
    return withExisting(path, slot -> slot.head(path, OptionalLong.empty()));
  }

  @Override
  public BlobInfo head(String path, long version) {
    requireVersion(version);
    BlobPaths.validate(path);
    return withExisting(path, slot -> slot.head(path, OptionalLong.of(version)));
  }

  @Override
  public BlobInfo delete(String path) {
    BlobPaths.validate(path);
    return withExisting(path, slot -> slot.delete(path));
  }

  @Override
  public BlobInfo deleteVersion(String path, long version) {
    requireVersion(version);
    BlobPaths.validate(path);
    return withExisting(path, slot -> slot.deleteVersion(path, version));
  }

  @Override
  public ListPage list(ListRequest request) {
    Objects.requireNonNull(request, "request");
    ensureOpen();
    return new Listing(request, this).run();
  }

  @Override
  public String storeId() {
    return layout.storeId();
  }

  @Override
  public VersionChecksums checksums(String path, long version) {
    requireVersion(version);
    BlobPaths.validate(path);
    return withExisting(path, slot -> slot.checksums(path, version));
  }

  @Override
  public long usableBytes() {
    long least = Long.MAX_VALUE;
    for (java.nio.file.Path dir : settings.dataDirs()) {
      try {
        least = Math.min(least, java.nio.file.Files.getFileStore(dir).getUsableSpace());
      } catch (java.io.IOException e) {
        throw BlobStoreException.of(
            BlobStoreException.Reason.IO_ERROR, "cannot read the free space of " + dir, e);
      }
    }
    return least;
  }

  @Override
  public int slotCount() {
    return settings.slotCount();
  }

  @Override
  public int slotOf(String path) {
    return BlobPaths.slotOf(path, settings.slotCount());
  }

  @Override
  public SlotStats slotStats(int slot) {
    requireSlot(slot);
    SlotStats stats = withSlot(slot, false, Slot::stats);
    return stats == null ? new SlotStats(slot, 0, 0, 0) : stats;
  }

  @Override
  public GcReport collectGarbage() {
    ensureOpen();
    long cutoff = settings.clock().millis() - settings.retention().toMillis();
    GcReport total = new GcReport(0, 0);
    BitSet existing = slots.existing();
    for (int s = existing.nextSetBit(0); s >= 0; s = existing.nextSetBit(s + 1)) {
      GcReport r = withSlot(s, false, slot -> slot.collectGarbage(cutoff));
      if (r != null) {
        total = total.plus(r);
      }
    }
    return total;
  }

  // ------------------------------------------------------------------ two-phase commit

  @Override
  public PreparedWrite prepare(PrepareSpec spec) {
    Objects.requireNonNull(spec, "spec");
    BlobPaths.validate(spec.path());
    if (spec.kind() == TxnKind.PUT && spec.contentType() != null) {
      new PutOptions(
          OptionalLong.empty(), spec.contentType()); // the same rules as a put's content type
    }
    ensureOpen();
    return transactions.prepare(spec, slotOf(spec.path()));
  }

  @Override
  public BlobInfo commitPrepared(BlobId txn, long version) {
    return commitPrepared(txn, version, false);
  }

  @Override
  public BlobInfo commitPrepared(BlobId txn, long version, boolean learner) {
    Objects.requireNonNull(txn, "txn");
    ensureOpen();
    return transactions.commit(txn, version, learner);
  }

  @Override
  public boolean abortPrepared(BlobId txn) {
    Objects.requireNonNull(txn, "txn");
    ensureOpen();
    return transactions.abort(txn);
  }

  @Override
  public List<PreparedTxn> preparedTxns() {
    ensureOpen();
    List<PreparedTxn> all = new ArrayList<>();
    BitSet existing = slots.existing();
    for (int s = existing.nextSetBit(0); s >= 0; s = existing.nextSetBit(s + 1)) {
      List<PreparedTxn> some = withSlot(s, false, slot -> slot.transactions().preparedTxns());
      if (some != null) {
        all.addAll(some);
      }
    }
    return all;
  }

  @Override
  public List<PreparedTxn> preparedTxns(int slot) {
    requireSlot(slot);
    List<PreparedTxn> some = withSlot(slot, false, s -> s.transactions().preparedTxns());
    return some == null ? List.of() : some;
  }

  @Override
  public Optional<PreparedTxn> preparedOn(String path) {
    BlobPaths.validate(path);
    Optional<PreparedTxn> found =
        withSlot(slotOf(path), false, slot -> slot.transactions().preparedOn(path));
    return found == null ? Optional.empty() : found;
  }

  @Override
  public long maxVersion(String path) {
    BlobPaths.validate(path);
    Long max = withSlot(slotOf(path), false, slot -> slot.history().maxVersion(path));
    return max == null ? 0 : max;
  }

  @Override
  public List<BlobInfo> versionsAfter(int slot, BlobId after, int limit) {
    requireSlot(slot);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
    String from = after == null ? null : after.toString();
    List<BlobInfo> found = withSlot(slot, false, s -> s.history().versionsAfter(from, limit));
    return found == null ? List.of() : found;
  }

  @Override
  public BlobInfo importVersion(BlobInfo version, InputStream data) {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(data, "data");
    BlobPaths.validate(version.path());
    return withSlot(
        slotOf(version.path()), true, slot -> slot.history().importVersion(version, data));
  }

  @Override
  public List<BlobInfo> importVersions(List<BlobInfo> versions, List<byte[]> data) {
    Objects.requireNonNull(versions, "versions");
    Objects.requireNonNull(data, "data");
    if (versions.size() != data.size()) {
      throw new IllegalArgumentException(
          versions.size() + " versions but " + data.size() + " byte arrays");
    }
    // Small versions of one slot go in one batch (one journal flush); the others one by one.
    BlobInfo[] out = new BlobInfo[versions.size()];
    java.util.Map<Integer, List<Integer>> small = new java.util.TreeMap<>();
    RuntimeException first = null;
    for (int i = 0; i < versions.size(); i++) {
      BlobInfo v = Objects.requireNonNull(versions.get(i), "versions[" + i + "]");
      byte[] b = data.get(i) == null ? new byte[0] : data.get(i);
      try {
        BlobPaths.validate(v.path());
        if (v.state() != io.amberio.core.VersionState.LIVE
            || b.length <= settings.inlineThreshold()) {
          small.computeIfAbsent(slotOf(v.path()), k -> new java.util.ArrayList<>()).add(i);
        } else {
          out[i] = importVersion(v, new java.io.ByteArrayInputStream(b));
        }
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    for (var e : small.entrySet()) {
      List<BlobInfo> infos = new java.util.ArrayList<>();
      List<byte[]> bytes = new java.util.ArrayList<>();
      for (int i : e.getValue()) {
        infos.add(versions.get(i));
        bytes.add(data.get(i) == null ? new byte[0] : data.get(i));
      }
      try {
        List<BlobInfo> done =
            withSlot(e.getKey(), true, s -> s.history().importSmall(infos, bytes));
        for (int k = 0; k < done.size(); k++) {
          out[e.getValue().get(k)] = done.get(k);
        }
      } catch (RuntimeException x) {
        if (first == null) {
          first = x;
        }
      }
    }
    if (first != null) {
      throw first;
    }
    return List.of(out);
  }

  // ------------------------------------------------------------------ plumbing

  /** The slots that exist on disk, for listing. */
  BitSet existingSlots() {
    return slots.existing();
  }

  /**
   * Runs {@code fn} on slot {@code n}; returns null without calling it when the slot does not
   * exist.
   */
  <T> T withSlot(int n, boolean create, Function<Slot, T> fn) {
    ensureOpen();
    Slot slot = slots.acquire(n, create);
    if (slot == null) {
      return null;
    }
    try {
      return fn.apply(slot);
    } finally {
      slots.release(slot);
    }
  }

  private <T> T withExisting(String path, Function<Slot, T> fn) {
    ensureOpen();
    Slot slot = slots.acquire(slotOf(path), false);
    if (slot == null) {
      throw BlobStoreException.of(Reason.NOT_FOUND, "'" + path + "' was never written");
    }
    try {
      return fn.apply(slot);
    } finally {
      slots.release(slot);
    }
  }

  private void requireSlot(int slot) {
    if (slot < 0 || slot >= settings.slotCount()) {
      throw new IllegalArgumentException(
          "slot must be 0 to " + (settings.slotCount() - 1) + ", was " + slot);
    }
  }

  private static void requireVersion(long version) {
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, was " + version);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw BlobStoreException.of(Reason.CLOSED, "the store is closed");
    }
  }

  private void closeIdleSlots() {
    try {
      slots.closeIdle();
    } catch (RuntimeException e) {
      log.warn("closing idle slots failed", e);
    }
  }

  private void backgroundGc() {
    try {
      GcReport r = collectGarbage();
      if (r.versionsRemoved() > 0) {
        log.info(
            "garbage collection removed {} versions, {} bytes",
            r.versionsRemoved(),
            r.bytesReclaimed());
      }
    } catch (BlobStoreException e) {
      if (e.reason() != Reason.CLOSED) {
        log.warn("garbage collection failed", e);
      }
    } catch (RuntimeException e) {
      log.warn("garbage collection failed", e);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    tasks.forEach(Periodic::stop);
    if (ownExecutor != null) {
      // Let a running collection finish rather than interrupt it: an interrupt closes the
      // FileChannel
      // it is using, which for the journal would stop every later write.
      ownExecutor.shutdown();
      try {
        ownExecutor.awaitTermination(CLOSE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // A write being prepared keeps its slot acquired: abandon it, so the slots can close.
    transactions.abandonReceiving();
    boolean drained = slots.shutdown(CLOSE_TIMEOUT);
    if (drained) {
      // Every slot was synced as it closed, so the journals hold nothing that is not in a database.
      if (journals != null) {
        journals.close();
      }
    }
    Thread build = catalogBuild;
    if (build != null) {
      try {
        build.join(CLOSE_TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (catalog != null) {
      catalog.close();
    }
    context.chunkIo.close();
    if (drained) {
      layout.closeCleanly();
    } else {
      log.warn("operations still running after {}; the next open will run recovery", CLOSE_TIMEOUT);
      layout.close();
    }
  }

  /** What slots need from the store. */
  private final class Context implements Slot.SlotContext {
    private final UlidFactory ids =
        UlidFactory.newMonotonicInstance(
            settings.idRandom() != null ? settings.idRandom() : new SecureRandom(),
            settings.clock()::millis);
    private final ReadBuffers readBuffers =
        new ReadBuffers(
            Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 4), settings.chunkSize());
    private final ChunkIo chunkIo = new ChunkIo(ChunkIo.defaultHelpers());

    @Override
    public InstantSource clock() {
      return settings.clock();
    }

    @Override
    public int inlineThreshold() {
      return settings.inlineThreshold();
    }

    @Override
    public int chunkSize() {
      return settings.chunkSize();
    }

    @Override
    public long maxBlobSize() {
      return settings.maxBlobSize();
    }

    @Override
    public long minFreeBytes() {
      return settings.minFreeBytes();
    }

    @Override
    public ReadBuffers readBuffers() {
      return readBuffers;
    }

    @Override
    public ChunkIo chunkIo() {
      return chunkIo;
    }

    @Override
    public LookupCache lookupCache() {
      return lookupCache;
    }

    @Override
    public Catalog catalog() {
      return catalog;
    }

    @Override
    public Compression compression() {
      return settings.compression();
    }

    @Override
    public String newBlobId() {
      return ids.create().toString();
    }

    private volatile byte[] slotTemplate;

    @Override
    public byte[] slotTemplate(Path slotsDir) {
      byte[] t = slotTemplate;
      if (t == null) {
        synchronized (this) {
          t = slotTemplate;
          if (t == null) {
            t = SlotDatabase.template(slotsDir);
            slotTemplate = t;
          }
        }
      }
      return t;
    }

    @Override
    public Journal journal(int slot) {
      return journals.of(slot);
    }

    @Override
    public boolean stillCommitted(int slot, String blobId) {
      if (closed) {
        return true;
      }
      Boolean has = withSlot(slot, false, s -> s.hasBlob(blobId));
      return has != null && has;
    }
  }
}
