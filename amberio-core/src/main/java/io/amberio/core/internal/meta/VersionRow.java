package io.amberio.core.internal.meta;

import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.VersionState;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * One row of the {@code blobs} table.
 *
 * @param checksums one CRC32C per chunk, 4 bytes each, big-endian (for an inline blob: one, of its bytes)
 * @param inlineData the bytes of an inline blob when they were asked for, else {@code null}
 */
public record VersionRow(
    String path,
    long version,
    String blobId,
    int state,
    long size,
    String contentType,
    long createdAt,
    long stateChangedAt,
    int chunkSize,
    int chunkCount,
    byte[] checksums,
    boolean inline,
    byte[] inlineData) {

  /** The CRC32C of chunk {@code index}. */
  public int checksum(int index) {
    return ByteBuffer.wrap(checksums).getInt(index * 4);
  }

  /** Packs CRC32C values as stored in {@code checksums}. */
  public static byte[] packChecksums(int[] crcs) {
    ByteBuffer b = ByteBuffer.allocate(crcs.length * 4);
    for (int c : crcs) {
      b.putInt(c);
    }
    return b.array();
  }

  /** The public view of this row. */
  public BlobInfo toInfo() {
    VersionState s =
        switch (state) {
          case SlotSchema.LIVE -> VersionState.LIVE;
          case SlotSchema.TOMBSTONED -> VersionState.TOMBSTONED;
          case SlotSchema.MARKER -> VersionState.MARKER;
          default -> throw new IllegalStateException("unknown state code " + state + " for " + path + " v" + version);
        };
    return new BlobInfo(path, version, BlobId.parse(blobId), s, size, blobId.toLowerCase(java.util.Locale.ROOT),
        contentType, Instant.ofEpochMilli(createdAt));
  }
}
