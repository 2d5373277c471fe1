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
package io.amberio.core;

import io.amberio.core.internal.ListCursor;
import java.util.Comparator;
import java.util.List;

/**
 * One page of a listing.
 *
 * @param items in ascending byte order of path (and, with all versions, descending version)
 * @param nextCursor the cursor of the next page, or {@code null} on the last page
 */
public record ListPage(List<BlobInfo> items, String nextCursor) {

  public ListPage {
    items = List.copyOf(items);
  }

  /**
   * The order of listings: paths in the byte order of their UTF-8 encodings (code point order, not
   * the UTF-16 order of {@link String#compareTo}).
   */
  public static final Comparator<String> PATH_ORDER = ListPage::compareUtf8;

  /**
   * The cursor that continues a listing right after {@code item}: what {@link #nextCursor()} would
   * be on a page that ended with it. Lets a caller that merges pages (a cluster node merging
   * replicas) hand out cursors every node accepts.
   */
  public static String cursorAfter(BlobInfo item, boolean allVersions) {
    return ListCursor.after(item.path(), item.version(), allVersions);
  }

  /**
   * Compares two strings in the byte order of their UTF-8 encodings, which is code point order (not
   * the UTF-16 order of {@link String#compareTo}).
   */
  private static int compareUtf8(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
