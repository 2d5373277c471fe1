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
package io.amberio.cluster;

import io.amberio.cluster.internal.Bodies;
import io.amberio.core.BlobContent;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.GcReport;
import io.amberio.core.GetOptions;
import io.amberio.core.ListPage;
import io.amberio.core.ListRequest;
import io.amberio.core.PutOptions;
import io.amberio.core.ReadCacheStats;
import io.amberio.core.SlotStats;
import java.io.InputStream;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * The blocking {@link BlobStore} view of a {@link ClusterNode}, for callers on their own threads
 * (an HTTP server). Bytes are streamed both ways; failures are the node's {@link
 * BlobStoreException}s. Slot statistics and garbage collection are those of this node's own
 * replicas.
 */
final class ClusterBlobStore implements BlobStore {
  private final ClusterNode node;
  private final Executor io;
  private volatile boolean closed;

  ClusterBlobStore(ClusterNode node, Executor io) {
    this.node = node;
    this.io = io;
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw BlobStoreException.of(Reason.UNAVAILABLE, "interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = Bodies.unwrap(e);
      if (c instanceof BlobStoreException b) {
        throw b;
      }
      if (c instanceof IllegalArgumentException i) {
        throw i;
      }
      if (c instanceof Bodies.InputFailure in) {
        throw BlobStoreException.of(Reason.INPUT_FAILED, in.getMessage(), in.getCause());
      }
      throw BlobStoreException.of(
          Reason.UNAVAILABLE, "the cluster could not serve the request: " + c, c);
    }
  }

  @Override
  public BlobInfo put(String path, InputStream data, PutOptions options) {
    return await(node.put(path, Bodies.fromStream(data, io, false), options));
  }

  @Override
  public BlobContent get(String path, GetOptions options) {
    ClusterNode.BlobRead r = await(node.get(path, options));
    return new BlobContent(r.info(), r.range(), Bodies.toStream(r.body()));
  }

  @Override
  public BlobInfo head(String path) {
    return await(node.head(path, OptionalLong.empty()));
  }

  @Override
  public BlobInfo head(String path, long version) {
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, was " + version);
    }
    return await(node.head(path, OptionalLong.of(version)));
  }

  @Override
  public BlobInfo delete(String path) {
    return await(node.delete(path));
  }

  @Override
  public BlobInfo deleteVersion(String path, long version) {
    return await(node.deleteVersion(path, version));
  }

  @Override
  public ListPage list(ListRequest request) {
    return await(node.list(request));
  }

  @Override
  public int slotCount() {
    return node.store().slotCount();
  }

  @Override
  public int slotOf(String path) {
    return node.store().slotOf(path);
  }

  @Override
  public SlotStats slotStats(int slot) {
    ensureOpen();
    return node.store().slotStats(slot);
  }

  /** The read cache of this node's replica store (reads served here go through it). */
  @Override
  public ReadCacheStats readCacheStats() {
    return node.store().readCacheStats();
  }

  @Override
  public GcReport collectGarbage() {
    ensureOpen();
    return node.store().collectGarbage();
  }

  /**
   * The node's own store outlives this view (the node does not own it), so the view says CLOSED
   * itself.
   */
  private void ensureOpen() {
    if (closed) {
      throw BlobStoreException.of(Reason.CLOSED, "the cluster view is closed");
    }
  }

  @Override
  public void close() {
    closed = true;
    node.close();
  }
}
