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

import io.amberio.core.BlobStoreException;
import io.amberio.core.BlobStoreException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.CRC32C;

/**
 * The position after which a listing continues: a path and, when listing every version, a version.
 * It names a position in the global path order, not a slot or a node, so it stays valid on any node
 * and across restarts.
 *
 * <p>Encoded as base64url of {@code [kind byte][version, 8 bytes][UTF-8 path][CRC32C of the rest, 4
 * bytes]}. The checksum makes a cursor that was cut, edited or invented fail with INVALID_CURSOR
 * instead of silently listing from somewhere else (a one-character edit changes at most 6 bits:
 * always caught).
 *
 * <p>The listing engine decodes cursors; the API ({@link io.amberio.core.ListPage#cursorAfter})
 * encodes them for callers that merge pages, through {@link #after}: one codec, in one place.
 */
public record ListCursor(String path, long version) {
  private static final byte CURRENT = 'c';
  private static final byte ALL_VERSIONS = 'v';

  /**
   * The cursor that continues a listing after {@code path} (and {@code version}, listing every
   * version).
   */
  public static String after(String path, long version, boolean allVersions) {
    BlobPaths.validate(path);
    if (allVersions && version < 1) {
      throw new IllegalArgumentException(
          "a versions listing continues after a version >= 1, was " + version);
    }
    return new ListCursor(path, allVersions ? version : 0).encode(allVersions);
  }

  static ListCursor decode(String text, boolean allVersions) {
    if (text == null) {
      return null;
    }
    try {
      byte[] raw = Base64.getUrlDecoder().decode(text);
      if (raw.length >= 1 + 8 + 1 + 4) {
        ByteBuffer b = ByteBuffer.wrap(raw);
        int body = raw.length - 4;
        CRC32C crc = new CRC32C();
        crc.update(raw, 0, body);
        byte kind = b.get();
        long version = b.getLong();
        if ((int) crc.getValue() == b.getInt(body)
            && kind == (allVersions ? ALL_VERSIONS : CURRENT)
            && (allVersions ? version >= 1 : version == 0)) {
          String path =
              StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT)
                  .decode(ByteBuffer.wrap(Arrays.copyOfRange(raw, 9, body)))
                  .toString();
          BlobPaths.validate(path);
          ListCursor cursor = new ListCursor(path, version);
          if (cursor.encode(allVersions).equals(text)) { // only the canonical spelling
            return cursor;
          }
        }
      }
    } catch (IllegalArgumentException | CharacterCodingException | BlobStoreException e) {
      throw invalid(text, allVersions, e);
    }
    throw invalid(text, allVersions, null);
  }

  private static BlobStoreException invalid(String text, boolean allVersions, Throwable cause) {
    String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return BlobStoreException.of(
        Reason.INVALID_CURSOR,
        "'"
            + shown
            + "' is not a cursor of a "
            + (allVersions ? "versions=true" : "plain")
            + " listing; pass back nextCursor exactly as it was returned",
        cause);
  }

  String encode(boolean allVersions) {
    byte[] path = this.path.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 8 + path.length + 4);
    b.put(allVersions ? ALL_VERSIONS : CURRENT).putLong(allVersions ? version : 0).put(path);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }
}
