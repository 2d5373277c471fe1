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
package io.amberio.core.internal.row;

import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.VersionState;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Locale;

/**
 * One row of the {@code blobs} table (see {@code SlotSchema}), as the slot database returns it and
 * the journal records it.
 *
 * @param checksums one CRC32C per chunk, 4 bytes each, big-endian (for an inline blob: one, of its
 *     bytes)
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
  /** State code of a live version. */
  public static final int LIVE = 0;

  /** State code of a tombstoned version. */
  public static final int TOMBSTONED = 1;

  /** State code of a delete marker. */
  public static final int MARKER = 2;

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
          case LIVE -> VersionState.LIVE;
          case TOMBSTONED -> VersionState.TOMBSTONED;
          case MARKER -> VersionState.MARKER;
          default ->
              throw new IllegalStateException(
                  "unknown state code " + state + " for " + path + " v" + version);
        };
    return new BlobInfo(
        path,
        version,
        BlobId.parse(blobId),
        s,
        size,
        blobId.toLowerCase(Locale.ROOT),
        contentType,
        Instant.ofEpochMilli(createdAt));
  }
}
