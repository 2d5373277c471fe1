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
}
