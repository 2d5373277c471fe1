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
package io.amberio.cluster.internal.membership;

import io.amberio.cluster.internal.NodeContext;
import io.amberio.cluster.internal.msg.RegistryValues;
import io.amberio.cluster.registry.CasOptions;
import io.amberio.cluster.registry.KeyValue;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares this node's store with the one the registry knows it by ({@code stores/<id>}). A
 * different one means the node's disks were replaced: it holds none of what it held, so it must not
 * claim an in-sync place under a new session; it leaves every in-sync set and rejoins as a learner
 * (the {@link Reconciler} does). The key is updated once no slot counts on the old store any more.
 */
public final class StoreIdentity {
  private static final Logger log = LoggerFactory.getLogger(StoreIdentity.class);

  private final NodeContext ctx;
  private final SlotView slots;
  private final Liveness liveness;
  private volatile boolean replaced;
  private volatile boolean recording;
  private volatile long keyRevision;

  public StoreIdentity(NodeContext ctx, SlotView slots, Liveness liveness) {
    this.ctx = ctx;
    this.slots = slots;
    this.liveness = liveness;
  }

  private String key() {
    return NodeContext.STORES + ctx.self.value();
  }

  /** Whether this node's store is not the one the cluster knew it by (until the key is updated). */
  boolean replaced() {
    return replaced;
  }

  CompletableFuture<Void> check() {
    String mine = ctx.store.storeId();
    return ctx.registry
        .compareAndSet(key(), RegistryValues.store(mine), CasOptions.ifAbsent())
        .thenAccept(
            r -> {
              KeyValue kv = r.current().orElseThrow();
              String known = r.succeeded() ? mine : RegistryValues.storeId(kv.value());
              if (!known.equals(mine)) {
                replaced = true;
                keyRevision = kv.modRevision();
                log.warn(
                    "{}: its store {} is not the one the cluster knew ({}); it rejoins every slot as a learner",
                    ctx.self,
                    mine,
                    known);
              }
            });
  }

  /**
   * Once every in-sync place of this node is held under its current session, records its new store.
   */
  void maybeRecord() {
    if (!replaced || recording) {
      return;
    }
    long lease = liveness.session();
    for (int s = 0; s < slots.slotCount(); s++) {
      SlotState st = slots.slot(s);
      Long session = st == null ? null : st.inSync().get(ctx.self);
      if (st == null || (session != null && session != lease)) {
        return;
      }
    }
    recording = true;
    String mine = ctx.store.storeId();
    ctx.registry
        .compareAndSet(key(), RegistryValues.store(mine), CasOptions.ifRevision(keyRevision))
        .whenComplete(
            (r, t) -> {
              recording = false;
              if (t == null && r.succeeded()) {
                replaced = false;
                log.info("{}: the cluster now knows it by store {}", ctx.self, mine);
              }
            });
  }
}
