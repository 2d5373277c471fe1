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
package io.amberio.core.testkit;

import static io.amberio.core.testkit.TestSupport.UTF8_ORDER;
import static io.amberio.core.testkit.TestSupport.bytes;
import static io.amberio.core.testkit.TestSupport.listAll;
import static io.amberio.core.testkit.TestSupport.listAllVersions;
import static io.amberio.core.testkit.TestSupport.paths;
import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import io.amberio.core.ListPage;
import io.amberio.core.ListRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Contract, part 3: listing (order, prefixes, limits, cursors, all versions). Bound through {@link
 * BlobStoreContract}.
 */
public abstract class ListingContract extends ContentContract {
  // ---------------------------------------------------------------------------------------------------
  // Listing

  private Map<String, BlobInfo> writeListingPaths() {
    List<String> shuffled = new ArrayList<>(listingPaths());
    Collections.shuffle(shuffled, new Random(7));
    Map<String, BlobInfo> current = new HashMap<>();
    for (String p : shuffled) {
      int versions = 1 + Math.floorMod(p.hashCode(), 3);
      for (int v = 1; v <= versions; v++) {
        current.put(p, put(p, bytes(v * 3 + p.length(), v)));
      }
    }
    return current;
  }

  private static List<String> sortedUtf8(List<String> paths) {
    List<String> sorted = new ArrayList<>(paths);
    sorted.sort(UTF8_ORDER);
    return sorted;
  }

  @Test
  public void listingIsInUtf8ByteOrderNotJavaStringOrder() {
    Map<String, BlobInfo> current = writeListingPaths();
    List<String> expected = sortedUtf8(listingPaths());
    List<String> javaOrder = new ArrayList<>(listingPaths());
    Collections.sort(javaOrder);
    assertThat(expected).as("test sanity: the orders differ").isNotEqualTo(javaOrder);

    List<BlobInfo> items = store.list(ListRequest.prefix("")).items();
    assertThat(paths(items)).containsExactlyElementsOf(expected);
    assertThat(paths(items).indexOf("\uFFFD")).isLessThan(paths(items).indexOf("😀"));
    assertThat(paths(items).indexOf("\uE000")).isLessThan(paths(items).indexOf("😀"));
    assertThat(paths(items).indexOf("a/\uFFFD")).isLessThan(paths(items).indexOf("a/😀"));
    for (BlobInfo i : items) {
      assertThat(i).as(i.path()).isEqualTo(current.get(i.path()));
      assertThat(i).isEqualTo(store.head(i.path()));
    }
    assertThat(store.list(ListRequest.prefix("")).nextCursor()).isNull();
    assertThat(
            IntStream.range(0, store.slotCount())
                .filter(s -> store.slotStats(s).versions() > 0)
                .count())
        .as("the paths are spread over several slots")
        .isGreaterThan(1);
  }

  @ParameterizedTest(name = "limit {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7})
  public void followingCursorsVisitsEveryPathOnceInOrder(int limit) {
    writeListingPaths();
    List<String> expected = sortedUtf8(listingPaths());
    assertThat(paths(listAll(store, ListRequest.prefix("").withLimit(limit))))
        .containsExactlyElementsOf(expected);
    for (String prefix :
        List.of("a", "a/", "k/", "k/1", "😀", "\uE000", "é", "a/b", "zz", "\uFFFF")) {
      List<String> sub = expected.stream().filter(p -> p.startsWith(prefix)).toList();
      assertThat(paths(listAll(store, ListRequest.prefix(prefix).withLimit(limit))))
          .as("prefix '%s'", prefix)
          .containsExactlyElementsOf(sub);
    }
  }

  @Test
  public void firstPageHonoursTheLimit() {
    writeListingPaths();
    ListPage page = store.list(ListRequest.prefix("").withLimit(5));
    assertThat(page.items()).hasSizeLessThanOrEqualTo(5).isNotEmpty();
    assertThat(page.nextCursor()).isNotNull();
    ListPage empty = store.list(ListRequest.prefix("nothing-here"));
    assertThat(empty.items()).isEmpty();
    assertThat(empty.nextCursor()).isNull();
    ListPage last = store.list(ListRequest.prefix("k/").withLimit(ListRequest.MAX_LIMIT));
    assertThat(last.items()).hasSize(27);
    assertThat(last.nextCursor()).isNull();
  }

  @Test
  public void pathsWithoutACurrentVersionAreNotListed() {
    put("p1", "1");
    store.delete("p1");
    put("p2", "1");
    store.deleteVersion("p2", 1);
    BlobInfo p3v1 = put("p3", "1");
    put("p3", "2");
    store.deleteVersion("p3", 2);
    BlobInfo p4v1 = put("p4", "1");
    store.delete("p4");
    store.deleteVersion("p4", 2);
    BlobInfo p5 = put("p5", "1");
    put("p6", "1");
    store.delete("p6");
    put("p6", "3");
    store.deleteVersion("p6", 3);

    List<BlobInfo> expected = List.of(p3v1, p4v1, p5);
    for (int limit = 1; limit <= 4; limit++) {
      assertThat(listAll(store, ListRequest.prefix("").withLimit(limit)))
          .as("limit " + limit)
          .isEqualTo(expected);
    }
  }

  @Test
  public void allVersionsListsEveryVersionNewestFirstWithItsState() {
    put("p", bytes(11, 1));
    put("p", bytes(12, 2));
    store.deleteVersion("p", 2);
    store.delete("p");
    put("p", bytes(14, 4));
    put("q", bytes(21, 1));
    store.delete("q");
    put("r", bytes(31, 1));
    store.deleteVersion("r", 1);
    put("é", bytes(41, 1));
    put("😀", bytes(51, 1));
    put("\uFFFD", bytes(61, 1));

    List<BlobInfo> all = listAllVersions(store);
    assertThat(all)
        .extracting(i -> i.path() + "@" + i.version() + ":" + i.state().wireName() + ":" + i.size())
        .containsExactly(
            "p@4:live:14",
            "p@3:marker:0",
            "p@2:tombstoned:12",
            "p@1:live:11",
            "q@2:marker:0",
            "q@1:live:21",
            "r@1:tombstoned:31",
            "é@1:live:41",
            "\uFFFD@1:live:61",
            "😀@1:live:51");
    assertThat(all.get(0)).isEqualTo(store.head("p"));
    assertThat(all.get(3)).isEqualTo(store.head("p", 1));
    for (int limit = 1; limit <= 7; limit++) {
      assertThat(listAll(store, ListRequest.prefix("").withAllVersions(true).withLimit(limit)))
          .as("limit " + limit)
          .isEqualTo(all);
      assertThat(listAll(store, ListRequest.prefix("p").withAllVersions(true).withLimit(limit)))
          .as("prefix p, limit " + limit)
          .isEqualTo(all.subList(0, 4));
      assertThat(listAll(store, ListRequest.prefix("q").withAllVersions(true).withLimit(limit)))
          .isEqualTo(all.subList(4, 6));
    }
  }

  @ParameterizedTest(name = "limit {0}")
  @ValueSource(ints = {1, 2, 3, 5, 7})
  public void allVersionsPagingOverManyPaths(int limit) {
    writeListingPaths();
    store.delete("a");
    store.deleteVersion("k/3", 1);
    List<String> expected = new ArrayList<>();
    for (String p : sortedUtf8(listingPaths())) {
      long max = 1 + Math.floorMod(p.hashCode(), 3) + (p.equals("a") ? 1 : 0);
      for (long v = max; v >= 1; v--) {
        expected.add(p + "@" + v);
      }
    }
    assertThat(listAll(store, ListRequest.prefix("").withAllVersions(true).withLimit(limit)))
        .extracting(i -> i.path() + "@" + i.version())
        .containsExactlyElementsOf(expected);
  }

  @Test
  public void cursorsSurviveWritesBetweenPages() {
    List<String> stable = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String p = "s/" + (char) ('a' + i % 26) + i;
      stable.add(p);
      put(p, bytes(5, i));
    }
    List<BlobInfo> seen = new ArrayList<>();
    ListRequest req = ListRequest.prefix("s/").withLimit(3);
    int round = 0;
    while (true) {
      ListPage page = store.list(req);
      seen.addAll(page.items());
      // churn between pages: new paths everywhere in the key space, new versions of stable paths
      put("s/" + (char) ('a' + round % 26) + "new" + round, bytes(3, round));
      put(stable.get(round % stable.size()), bytes(6, 100 + round));
      round++;
      if (page.nextCursor() == null) {
        break;
      }
      req = req.withCursor(page.nextCursor());
    }
    List<String> seenPaths = paths(seen);
    assertThat(new LinkedHashSet<>(seenPaths)).as("no path twice").hasSize(seenPaths.size());
    assertThat(seenPaths).as("ascending").isSortedAccordingTo(UTF8_ORDER);
    assertThat(seenPaths).containsAll(stable);
  }

  @Test
  public void malformedCursorsAreRejected() {
    writeListingPaths();
    String cursor = store.list(ListRequest.prefix("").withLimit(2)).nextCursor();
    String versionsCursor =
        store.list(ListRequest.prefix("").withLimit(2).withAllVersions(true)).nextCursor();
    assertThat(cursor).isNotNull();
    assertThat(versionsCursor).isNotNull();
    for (String f : List.of("", "not a cursor", "%%%", "AAAAAAAA", "\u0000", "😀")) {
      assertReason(
          Reason.INVALID_CURSOR,
          () -> store.list(ListRequest.prefix("").withLimit(2).withCursor(f)));
      assertReason(
          Reason.INVALID_CURSOR,
          () ->
              store.list(ListRequest.prefix("").withLimit(2).withAllVersions(true).withCursor(f)));
    }
    if (!cursor.equals(versionsCursor)) {
      // a cursor of one kind of listing is not a cursor of the other kind
      assertReason(
          Reason.INVALID_CURSOR,
          () ->
              store.list(
                  ListRequest.prefix("").withLimit(2).withAllVersions(true).withCursor(cursor)));
      assertReason(
          Reason.INVALID_CURSOR,
          () -> store.list(ListRequest.prefix("").withLimit(2).withCursor(versionsCursor)));
    }
    // the genuine cursors still work
    assertThat(store.list(ListRequest.prefix("").withLimit(2).withCursor(cursor)).items())
        .isNotEmpty();
    assertThat(
            store
                .list(
                    ListRequest.prefix("")
                        .withLimit(2)
                        .withAllVersions(true)
                        .withCursor(versionsCursor))
                .items())
        .isNotEmpty();
  }

  /**
   * {@link BlobStore#list} promises INVALID_CURSOR for "a cursor this store did not produce": a
   * cursor changed in one character is such a cursor, and must not silently move the listing
   * elsewhere. (A changed cursor that lists exactly what the genuine one lists, such as one
   * differing only in base64 padding bits, moves nothing and is let through.)
   */
  @Test
  public void tamperedCursorsAreRejected() {
    writeListingPaths();
    Map<String, Boolean> genuine = new LinkedHashMap<>(); // cursor -> from an all-versions listing
    for (boolean all : new boolean[] {false, true}) {
      ListRequest req = ListRequest.prefix("").withLimit(7).withAllVersions(all);
      for (ListPage page = store.list(req); page.nextCursor() != null; page = store.list(req)) {
        genuine.put(page.nextCursor(), all);
        req = req.withCursor(page.nextCursor());
      }
    }
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    List<String> moved = new ArrayList<>();
    int tried = 0;
    for (Map.Entry<String, Boolean> g : genuine.entrySet()) {
      String c = g.getKey();
      for (int i = 0; i < c.length(); i++) {
        int at = alphabet.indexOf(c.charAt(i));
        char other = alphabet.charAt((Math.max(at, 0) + 1 + i % 7) % alphabet.length());
        String forged = c.substring(0, i) + other + c.substring(i + 1);
        if (genuine.containsKey(forged)) {
          continue;
        }
        tried++;
        for (boolean all : new boolean[] {false, true}) {
          ListRequest req = ListRequest.prefix("").withLimit(7).withAllVersions(all);
          ListPage page;
          try {
            page = store.list(req.withCursor(forged));
          } catch (BlobStoreException e) {
            assertThat(e.reason()).as(forged).isEqualTo(Reason.INVALID_CURSOR);
            continue;
          }
          boolean equivalent = g.getValue() == all && page.equals(store.list(req.withCursor(c)));
          if (!equivalent) {
            moved.add(c + " -> " + forged + (all ? " (all versions)" : ""));
          }
        }
      }
    }
    assertThat(tried).isGreaterThan(10);
    assertThat(moved.size())
        .as(
            "of %d cursors changed in one character, these were accepted: %s",
            tried, moved.subList(0, Math.min(5, moved.size())))
        .isZero();
  }
}
