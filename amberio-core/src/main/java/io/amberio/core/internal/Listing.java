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

import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.ListPage;
import io.amberio.core.ListRequest;
import io.amberio.core.internal.meta.Catalog;
import io.amberio.core.internal.row.VersionRow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * One page of a listing: a k-way merge of the slots' sorted rows. Each slot is read in small
 * batches from the position of the cursor, so memory is bounded by (slots x batch) rows whatever
 * the store holds, and the page is exactly the next {@code limit} items of the global order: (UTF-8
 * path ascending, version descending).
 */
final class Listing {
  private static final int ROW_BUDGET = 16_384;
  private static final Comparator<VersionRow> ORDER =
      (a, b) -> {
        int c = ListPage.PATH_ORDER.compare(a.path(), b.path());
        return c != 0 ? c : Long.compare(b.version(), a.version());
      };

  private final ListRequest request;
  private final LocalBlobStore store;
  private final String upper;
  private final int batch;
  private final BitSet slots;

  Listing(ListRequest request, LocalBlobStore store) {
    this.request = request;
    this.store = store;
    for (int i = 0; i < request.prefix().length(); i++) {
      char c = request.prefix().charAt(i);
      if (Character.isSurrogate(c)
          && !(Character.isHighSurrogate(c)
              && i + 1 < request.prefix().length()
              && Character.isLowSurrogate(request.prefix().charAt(++i)))) {
        throw BlobStoreException.of(Reason.INVALID_PATH, "the prefix is not valid Unicode");
      }
    }
    this.upper = BlobPaths.prefixUpperBound(request.prefix());
    this.slots = store.existingSlots();
    int n = Math.max(1, slots.cardinality());
    this.batch = Math.max(4, Math.min(request.limit() + 1, ROW_BUDGET / n));
  }

  /** The rows of one slot from the cursor on, fetched a batch at a time. */
  private final class SlotRows {
    final int slot;
    final ArrayDeque<VersionRow> rows = new ArrayDeque<>();
    boolean exhausted;

    SlotRows(int slot, ListCursor from) {
      this.slot = slot;
      fetch(from == null ? null : from.path(), from == null ? 0 : from.version());
    }

    VersionRow head() {
      return rows.peekFirst();
    }

    VersionRow take() {
      VersionRow r = rows.pollFirst();
      if (rows.isEmpty() && !exhausted) {
        fetch(r.path(), r.version());
      }
      return r;
    }

    private void fetch(String afterPath, long afterVersion) {
      List<VersionRow> got =
          store.withSlot(
              slot,
              false,
              s ->
                  request.allVersions()
                      ? s.listVersions(request.prefix(), upper, afterPath, afterVersion, batch)
                      : s.listCurrent(request.prefix(), upper, afterPath, batch));
      if (got == null) {
        exhausted = true;
        return;
      }
      rows.addAll(got);
      exhausted = got.size() < batch;
    }
  }

  /** The page: from the catalog when it can answer, else by merging the slots. */
  ListPage run() {
    ListCursor from = ListCursor.decode(request.cursor(), request.allVersions());
    if (!request.allVersions()) {
      ListPage page = fromCatalog(from);
      if (page != null) {
        return page;
      }
    }
    return merge(from);
  }

  /** The page by merging every slot, whatever the catalog holds (tests compare the two). */
  ListPage merge() {
    return merge(ListCursor.decode(request.cursor(), request.allVersions()));
  }

  /**
   * The page of current versions from the store's catalog: one range scan. Null when the catalog is
   * absent, still being built, or failed.
   */
  private ListPage fromCatalog(ListCursor from) {
    Catalog catalog = store.catalog();
    if (catalog == null || !catalog.complete() || !catalog.awaitLevel()) {
      return null;
    }
    List<BlobInfo> rows =
        catalog.list(
            request.prefix(), upper, from == null ? null : from.path(), request.limit() + 1);
    if (rows == null) {
      return null;
    }
    boolean more = rows.size() > request.limit();
    List<BlobInfo> items = more ? rows.subList(0, request.limit()) : rows;
    BlobInfo last = items.isEmpty() ? null : items.get(items.size() - 1);
    String next = more ? new ListCursor(last.path(), last.version()).encode(false) : null;
    return new ListPage(items, next);
  }

  private ListPage merge(ListCursor from) {
    PriorityQueue<SlotRows> heads =
        new PriorityQueue<>((a, b) -> ORDER.compare(a.head(), b.head()));
    for (int s = slots.nextSetBit(0); s >= 0; s = slots.nextSetBit(s + 1)) {
      SlotRows rows = new SlotRows(s, from);
      if (rows.head() != null) {
        heads.add(rows);
      }
    }
    List<BlobInfo> items = new ArrayList<>();
    VersionRow last = null;
    boolean more = false;
    while (!heads.isEmpty()) {
      if (items.size() == request.limit()) {
        more = true;
        break;
      }
      SlotRows top = heads.poll();
      last = top.take();
      items.add(last.toInfo());
      if (top.head() != null) {
        heads.add(top);
      }
    }
    String next =
        more ? new ListCursor(last.path(), last.version()).encode(request.allVersions()) : null;
    return new ListPage(items, next);
  }
}
