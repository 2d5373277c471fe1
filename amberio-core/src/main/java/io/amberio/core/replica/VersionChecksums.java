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
package io.amberio.core.replica;

import java.util.zip.CRC32C;

/**
 * The checksums a store keeps of a live version: one CRC32C per chunk of {@code chunkSize} bytes
 * (the last chunk may be shorter; a version stored inline has one chunk, the whole of it). A
 * replica that receives the version's bytes from another checks them against these before it
 * imports them.
 *
 * @param chunkSize the chunk size the version was stored with (for an inline version: its size, at
 *     least 1)
 * @param crcs one CRC32C per chunk
 */
public record VersionChecksums(int chunkSize, int[] crcs) {
  public VersionChecksums {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunkSize must be >= 1, was " + chunkSize);
    }
    crcs = crcs.clone();
  }

  @Override
  public int[] crcs() {
    return crcs.clone();
  }

  /**
   * Whether {@code data} has these checksums; empty data matches no chunks, or one chunk of the CRC
   * of nothing.
   */
  public boolean matches(byte[] data) {
    int chunks = data.length == 0 ? 0 : (data.length + chunkSize - 1) / chunkSize;
    if (chunks == 0) {
      return crcs.length == 0 || (crcs.length == 1 && crcs[0] == (int) new CRC32C().getValue());
    }
    if (chunks != crcs.length) {
      return false;
    }
    CRC32C c = new CRC32C();
    for (int i = 0; i < chunks; i++) {
      c.reset();
      int from = i * chunkSize;
      c.update(data, from, Math.min(chunkSize, data.length - from));
      if ((int) c.getValue() != crcs[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VersionChecksums v
        && v.chunkSize == chunkSize
        && java.util.Arrays.equals(v.crcs, crcs);
  }

  @Override
  public int hashCode() {
    return 31 * chunkSize + java.util.Arrays.hashCode(crcs);
  }

  @Override
  public String toString() {
    return "VersionChecksums[chunkSize=" + chunkSize + ", chunks=" + crcs.length + "]";
  }
}
