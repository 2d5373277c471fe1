package io.amberio.core;

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
   * The order of listings: paths in the byte order of their UTF-8 encodings (code point order, not the
   * UTF-16 order of {@link String#compareTo}).
   */
  public static final java.util.Comparator<String> PATH_ORDER = io.amberio.core.internal.BlobPaths::compareUtf8;

  /**
   * The cursor that continues a listing right after {@code item}: what {@link #nextCursor()} would be on a
   * page that ended with it. Lets a caller that merges pages (a cluster node merging replicas) hand out
   * cursors every node accepts.
   */
  public static String cursorAfter(BlobInfo item, boolean allVersions) {
    return io.amberio.core.internal.Cursors.after(item.path(), item.version(), allVersions);
  }
}
