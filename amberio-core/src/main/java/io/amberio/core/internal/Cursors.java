package io.amberio.core.internal;

/** Gives code outside this package (see {@link io.amberio.core.ListPage#cursorAfter}) the cursor encoding. */
public final class Cursors {
  private Cursors() {}

  /** The cursor that continues a listing after {@code path} (and {@code version}, listing every version). */
  public static String after(String path, long version, boolean allVersions) {
    BlobPaths.validate(path);
    if (allVersions && version < 1) {
      throw new IllegalArgumentException("a versions listing continues after a version >= 1, was " + version);
    }
    return new ListCursor(path, allVersions ? version : 0).encode(allVersions);
  }
}
