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
package io.amberio.cluster.registry.etcd;

import io.amberio.cluster.registry.BatchWrite;
import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.CasResult;
import io.amberio.cluster.registry.DeleteOptions;
import io.amberio.cluster.registry.KeyValue;
import io.amberio.cluster.registry.Lease;
import io.amberio.cluster.registry.Leases;
import io.amberio.cluster.registry.ListOptions;
import io.amberio.cluster.registry.ListResult;
import io.amberio.cluster.registry.Registry;
import io.amberio.cluster.registry.RegistryException;
import io.amberio.cluster.registry.RegistryException.Reason;
import io.amberio.cluster.registry.Watch;
import io.amberio.cluster.registry.WatchEvent;
import io.amberio.cluster.registry.WatchListener;
import io.amberio.cluster.registry.WatchOptions;
import io.amberio.cluster.registry.internal.Keys;
import io.amberio.cluster.registry.internal.watch.WatchDelivery;
import io.amberio.core.Scheduler;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Registry} on an etcd cluster (v3 API, through jetcd), for clusters of machines. etcd
 * does the consensus; this class maps the registry's operations one-to-one onto etcd's:
 *
 * <ul>
 *   <li>compare-and-set is one transaction: {@code if mod_revision(key) == expected then put (with
 *       lease) else get}; create-if-absent compares with 0, which etcd does for an absent key;
 *   <li>a conditional delete is the same with a delete; an unconditional one is a plain delete;
 *   <li>list is a range read over the prefix with a limit; etcd's revisions are the registry's;
 *   <li>leases are etcd leases (TTL in whole seconds, rounded up, at least etcd's minimum TTL);
 *       {@link Leases#keepAlive} is one keep-alive request;
 *   <li>a watch is an etcd watch over the prefix from an explicit revision (the current one plus
 *       one when none is given), so nothing is lost between establishing it and the first event;
 *       jetcd resumes it after connection trouble from the last revision seen.
 * </ul>
 *
 * <p><b>Namespace.</b> Every key is stored under the configured namespace (for example {@code
 * amberio/cluster-a/}), so several clusters (or tests) share one etcd; the namespace is invisible
 * to callers.
 *
 * <p><b>Time-outs and failures.</b> Every call has a deadline ({@link
 * EtcdRegistryBuilder#requestTimeout}) run on the injected {@link Scheduler}; when it passes the
 * future fails with {@link Reason#TIMEOUT} while the request may still be applied by etcd. Failures
 * are mapped by {@code EtcdErrors}: a write is reported as not applied only when that is certain.
 * Futures complete on the scheduler, never on jetcd's event loop threads.
 */
public final class EtcdRegistry implements Registry {
  private static final Logger log = LoggerFactory.getLogger(EtcdRegistry.class);

  private final Scheduler scheduler;
  private final Duration requestTimeout;
  private final String namespace;
  private final byte[] namespaceBytes;
  private final Client client;
  private final KV kv;
  private final Leases leases = new EtcdLeases();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<WatchDelivery> activeWatches = ConcurrentHashMap.newKeySet();

  EtcdRegistry(
      List<URI> endpoints, String namespace, Duration requestTimeout, Scheduler scheduler) {
    this.scheduler = scheduler;
    this.requestTimeout = requestTimeout;
    this.namespace = namespace;
    this.namespaceBytes = namespace.getBytes(StandardCharsets.UTF_8);
    this.client =
        Client.builder()
            .endpoints(endpoints.toArray(new URI[0]))
            // Fail fast with UNAVAILABLE while etcd cannot be reached instead of waiting for the
            // deadline.
            .waitForReady(false)
            .connectTimeout(requestTimeout)
            .build();
    this.kv = client.getKVClient();
  }

  /** A builder; endpoints and a scheduler are required. */
  public static EtcdRegistryBuilder builder() {
    return new EtcdRegistryBuilder();
  }

  @Override
  public CompletableFuture<Optional<KeyValue>> get(String key) {
    Keys.requireKey(key);
    return call(
        "get '" + key + "'",
        false,
        () -> kv.get(bytes(key)),
        r -> r.getKvs().isEmpty() ? Optional.empty() : Optional.of(toKeyValue(r.getKvs().get(0))));
  }

  @Override
  public CompletableFuture<ListResult> list(String prefix, ListOptions options) {
    Keys.requirePrefix(prefix);
    Objects.requireNonNull(options, "options");
    ByteSequence from;
    String after = options.startAfter().orElse(null);
    if (after != null && Keys.ORDER.compare(after, prefix) >= 0) {
      from = bytes(after + '\0'); // the smallest key after 'after'
    } else {
      from = bytes(prefix);
    }
    GetOption range =
        GetOption.builder()
            .withRange(ByteSequence.from(prefixEnd(raw(prefix))))
            .withLimit(options.limit())
            .build();
    return call(
        "list '" + prefix + "'",
        false,
        () -> kv.get(from, range),
        r -> {
          List<KeyValue> page = new ArrayList<>(r.getKvs().size());
          r.getKvs().forEach(k -> page.add(toKeyValue(k)));
          return new ListResult(page, r.isMore(), r.getHeader().getRevision());
        });
  }

  @Override
  public CompletableFuture<CasResult> compareAndSet(String key, byte[] value, CasOptions options) {
    Keys.requireKey(key);
    Keys.requireValue(value, Registry.MAX_VALUE_BYTES);
    Objects.requireNonNull(options, "options");
    ByteSequence k = bytes(key);
    PutOption put =
        options.leaseId() == NO_LEASE
            ? PutOption.builder().withPrevKV().build()
            : PutOption.builder().withLeaseId(options.leaseId()).withPrevKV().build();
    return call(
        "compare-and-set '" + key + "'",
        true,
        () ->
            kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(options.expectedRevision())))
                .Then(Op.put(k, ByteSequence.from(value), put))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit(),
        r -> {
          if (!r.isSucceeded()) {
            return CasResult.failure(firstKv(r));
          }
          long rev = r.getHeader().getRevision();
          PutResponse p = r.getPutResponses().get(0);
          long created = p.hasPrevKv() ? p.getPrevKv().getCreateRevision() : rev;
          return CasResult.success(
              Optional.of(new KeyValue(key, value, created, rev, options.leaseId())));
        });
  }

  @Override
  public CompletableFuture<CasResult> delete(String key, DeleteOptions options) {
    Keys.requireKey(key);
    Objects.requireNonNull(options, "options");
    ByteSequence k = bytes(key);
    String what = "delete '" + key + "'";
    if (options.expectedRevision().isEmpty()) {
      return call(
          what, true, () -> kv.delete(k), r -> new CasResult(r.getDeleted() > 0, Optional.empty()));
    }
    long expected = options.expectedRevision().getAsLong();
    return call(
        what,
        true,
        () ->
            kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expected)))
                .Then(Op.delete(k, DeleteOption.DEFAULT))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit(),
        r -> r.isSucceeded() ? CasResult.success(Optional.empty()) : CasResult.failure(firstKv(r)));
  }

  /**
   * One etcd transaction for the whole batch: a nested transaction per write (etcd 3.3 and later),
   * each with the condition, the operation and the read of the key that a single call would send,
   * so every write is judged on its own and all that apply take one revision.
   */
  @Override
  public List<CompletableFuture<CasResult>> writeEach(List<BatchWrite> writes) {
    Registry.checkBatch(writes);
    for (BatchWrite w : writes) {
      Keys.requireKey(w.key());
      if (!w.isDelete()) {
        Keys.requireValue(w.value(), Registry.MAX_VALUE_BYTES);
      }
    }
    if (writes.size() <= 1) {
      return Registry.super.writeEach(writes);
    }
    Op[] ops = new Op[writes.size()];
    for (int i = 0; i < ops.length; i++) {
      BatchWrite w = writes.get(i);
      ByteSequence k = bytes(w.key());
      Op[] orElse = {Op.get(k, GetOption.DEFAULT)};
      if (w.isDelete() && w.delete().expectedRevision().isEmpty()) {
        ops[i] = Op.txn(new Cmp[0], new Op[] {Op.delete(k, DeleteOption.DEFAULT)}, new Op[0]);
      } else if (w.isDelete()) {
        Cmp at =
            new Cmp(
                k, Cmp.Op.EQUAL, CmpTarget.modRevision(w.delete().expectedRevision().getAsLong()));
        ops[i] = Op.txn(new Cmp[] {at}, new Op[] {Op.delete(k, DeleteOption.DEFAULT)}, orElse);
      } else {
        CasOptions o = w.cas();
        PutOption put =
            o.leaseId() == NO_LEASE
                ? PutOption.builder().withPrevKV().build()
                : PutOption.builder().withLeaseId(o.leaseId()).withPrevKV().build();
        Cmp at = new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(o.expectedRevision()));
        ops[i] =
            Op.txn(new Cmp[] {at}, new Op[] {Op.put(k, ByteSequence.from(w.value()), put)}, orElse);
      }
    }
    CompletableFuture<List<CasResult>> all =
        call(
            "a batch of " + writes.size() + " writes ('" + writes.get(0).key() + "', ...)",
            true,
            () -> kv.txn().Then(ops).commit(),
            r -> {
              List<TxnResponse> nested = r.getTxnResponses();
              if (nested.size() != writes.size()) {
                throw new RegistryException(
                    Reason.UNAVAILABLE,
                    "etcd answered a batch of "
                        + writes.size()
                        + " writes with "
                        + nested.size()
                        + " results");
              }
              long rev = r.getHeader().getRevision();
              List<CasResult> out = new ArrayList<>(writes.size());
              for (int i = 0; i < writes.size(); i++) {
                out.add(batchResult(writes.get(i), nested.get(i), rev));
              }
              return out;
            });
    List<CompletableFuture<CasResult>> results = new ArrayList<>(writes.size());
    for (int i = 0; i < writes.size(); i++) {
      int at = i;
      results.add(all.thenApply(list -> list.get(at)));
    }
    return results;
  }

  private CasResult batchResult(BatchWrite w, TxnResponse n, long rev) {
    if (w.isDelete() && w.delete().expectedRevision().isEmpty()) {
      return new CasResult(n.getDeleteResponses().get(0).getDeleted() > 0, Optional.empty());
    }
    if (!n.isSucceeded()) {
      return CasResult.failure(firstKv(n));
    }
    if (w.isDelete()) {
      return CasResult.success(Optional.empty());
    }
    PutResponse p = n.getPutResponses().get(0);
    long created = p.hasPrevKv() ? p.getPrevKv().getCreateRevision() : rev;
    return CasResult.success(
        Optional.of(new KeyValue(w.key(), w.value(), created, rev, w.cas().leaseId())));
  }

  @Override
  public CompletableFuture<Watch> watch(
      String prefix, WatchOptions options, WatchListener listener) {
    Keys.requirePrefix(prefix);
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(listener, "listener");
    CompletableFuture<Long> start;
    if (options.startRevision() > 0) {
      start =
          closed.get()
              ? CompletableFuture.failedFuture(closedException())
              : CompletableFuture.completedFuture(options.startRevision());
    } else {
      // The current revision, from the header of a cheap read; the watch starts right after it.
      GetOption probe = GetOption.builder().withKeysOnly(true).withLimit(1).build();
      start =
          call(
              "watch '" + prefix + "'",
              false,
              () -> kv.get(bytes(prefix), probe),
              r -> r.getHeader().getRevision() + 1);
    }
    return start.thenApply(rev -> open(prefix, rev, listener));
  }

  private Watch open(String prefix, long start, WatchListener listener) {
    if (closed.get()) {
      throw closedException();
    }
    WatchDelivery delivery = new WatchDelivery(scheduler, prefix, listener);
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(start).build();
    io.etcd.jetcd.Watch.Watcher watcher;
    try {
      watcher = client.getWatchClient().watch(bytes(prefix), option, new JetcdListener(delivery));
    } catch (RuntimeException e) {
      throw EtcdErrors.map(e, false, closed.get(), "watch '" + prefix + "'");
    }
    delivery.established(
        start,
        () -> {
          activeWatches.remove(delivery);
          watcher.close();
        });
    activeWatches.add(delivery);
    if (closed.get()) {
      delivery.cancel();
      throw closedException();
    }
    return delivery;
  }

  @Override
  public Leases leases() {
    return leases;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (WatchDelivery w : List.copyOf(activeWatches)) {
      w.postError(closedException());
    }
    activeWatches.clear();
    client.close();
  }

  @Override
  public String toString() {
    return "EtcdRegistry[namespace=" + namespace + "]";
  }

  // ---------------------------------------------------------------------------------------------------
  // Calls

  /**
   * Sends one request with the deadline; maps its result with {@code convert} (which may throw a
   * RegistryException) and its failure with {@link EtcdErrors}; completes on the scheduler.
   */
  private <T, R> CompletableFuture<R> call(
      String what, boolean write, Supplier<CompletableFuture<T>> send, Function<T, R> convert) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedException());
    }
    CompletableFuture<T> inFlight;
    try {
      inFlight = send.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(EtcdErrors.map(e, write, closed.get(), what));
    }
    CompletableFuture<R> result = new CompletableFuture<>();
    Scheduler.Cancellable timer =
        scheduler.schedule(
            requestTimeout,
            () ->
                result.completeExceptionally(
                    new RegistryException(
                        Reason.TIMEOUT,
                        what
                            + ": no answer from etcd within "
                            + requestTimeout
                            + (write ? "; outcome unknown" : ""))));
    inFlight.whenComplete(
        (value, failure) -> {
          timer.cancel();
          onScheduler(
              () -> {
                if (failure != null) {
                  result.completeExceptionally(EtcdErrors.map(failure, write, closed.get(), what));
                  return;
                }
                try {
                  result.complete(convert.apply(value));
                } catch (RuntimeException e) {
                  result.completeExceptionally(EtcdErrors.map(e, write, closed.get(), what));
                }
              });
        });
    return result;
  }

  private void onScheduler(Runnable task) {
    try {
      scheduler.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // the owner shut the scheduler down; finish on this thread rather than never
    }
  }

  private static RegistryException closedException() {
    return new RegistryException(Reason.CLOSED, "the registry is closed");
  }

  // ---------------------------------------------------------------------------------------------------
  // Keys and values

  private byte[] raw(String key) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(namespaceBytes, namespaceBytes.length + k.length);
    System.arraycopy(k, 0, out, namespaceBytes.length, k.length);
    return out;
  }

  private ByteSequence bytes(String key) {
    return ByteSequence.from(raw(key));
  }

  /** The key without the namespace. */
  private String strip(ByteSequence k) {
    byte[] b = k.getBytes();
    return new String(
        b, namespaceBytes.length, b.length - namespaceBytes.length, StandardCharsets.UTF_8);
  }

  private KeyValue toKeyValue(io.etcd.jetcd.KeyValue k) {
    return new KeyValue(
        strip(k.getKey()),
        k.getValue().getBytes(),
        k.getCreateRevision(),
        k.getModRevision(),
        k.getLease());
  }

  private Optional<KeyValue> firstKv(TxnResponse r) {
    List<GetResponse> gets = r.getGetResponses();
    if (gets.isEmpty() || gets.get(0).getKvs().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(toKeyValue(gets.get(0).getKvs().get(0)));
  }

  /**
   * The first byte string after every string that starts with {@code prefix} (etcd's range end).
   */
  static byte[] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xff) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return new byte[] {0}; // all 0xff: to the end of the key space
  }

  // ---------------------------------------------------------------------------------------------------
  // Watches and leases

  /** Turns jetcd's callbacks for one watch into queued registry events. */
  private final class JetcdListener implements io.etcd.jetcd.Watch.Listener {
    private final WatchDelivery delivery;
    private volatile Throwable lastError;

    JetcdListener(WatchDelivery delivery) {
      this.delivery = delivery;
    }

    @Override
    public void onNext(WatchResponse response) {
      for (io.etcd.jetcd.watch.WatchEvent e : response.getEvents()) {
        io.etcd.jetcd.KeyValue k = e.getKeyValue();
        switch (e.getEventType()) {
          case PUT:
            delivery.post(WatchEvent.put(toKeyValue(k)));
            break;
          case DELETE:
            delivery.post(WatchEvent.delete(strip(k.getKey()), k.getModRevision()));
            break;
          default:
            log.warn(
                "watch on '{}': ignoring an event of unknown type {}",
                delivery.prefix(),
                e.getEventType());
        }
      }
    }

    @Override
    public void onError(Throwable error) {
      // jetcd reports transient errors too and then resumes the watch by itself; it calls
      // onCompleted
      // when it gives up for good.
      lastError = error;
      log.debug("watch on '{}': {}", delivery.prefix(), error.toString());
    }

    @Override
    public void onCompleted() {
      activeWatches.remove(delivery);
      if (delivery.isEnded() || closed.get()) {
        return;
      }
      Throwable cause = lastError;
      delivery.postError(
          cause == null
              ? new RegistryException(
                  Reason.UNAVAILABLE, "etcd ended the watch on '" + delivery.prefix() + "'")
              : EtcdErrors.map(cause, false, false, "watch '" + delivery.prefix() + "'"));
    }
  }

  private final class EtcdLeases implements Leases {

    @Override
    public CompletableFuture<Lease> grant(Duration ttl) {
      Keys.requirePositive(ttl);
      long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
      return call(
          "grant a lease",
          true,
          () -> client.getLeaseClient().grant(seconds),
          r -> new Lease(r.getID(), Duration.ofSeconds(r.getTTL())));
    }

    @Override
    public CompletableFuture<Lease> keepAlive(long leaseId) {
      Keys.requireLeaseId(leaseId);
      return call(
          "keep lease " + leaseId + " alive",
          true,
          () -> client.getLeaseClient().keepAliveOnce(leaseId),
          r -> {
            if (r.getTTL() <= 0) {
              throw new RegistryException(
                  Reason.LEASE_NOT_FOUND, "lease " + leaseId + " has expired");
            }
            return new Lease(leaseId, Duration.ofSeconds(r.getTTL()));
          });
    }

    @Override
    public CompletableFuture<Void> revoke(long leaseId) {
      Keys.requireLeaseId(leaseId);
      return call(
          "revoke lease " + leaseId,
          true,
          () ->
              client
                  .getLeaseClient()
                  .revoke(leaseId)
                  .handle(
                      (r, failure) -> {
                        if (failure != null && !EtcdErrors.isNotFound(failure)) {
                          throw failure instanceof CompletionException
                              ? (CompletionException) failure
                              : new CompletionException(failure);
                        }
                        return null; // revoked now, or already gone: either way the lease does not
                        // exist
                      }),
          r -> null);
    }
  }
}
