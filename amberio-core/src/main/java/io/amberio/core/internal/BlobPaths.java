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
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The rules of a path (the user's key) and its slot. A path is 1 to {@value #MAX_BYTES} bytes of
 * UTF-8 with no control characters, no empty segment, no {@code .} or {@code ..} segment and no
 * leading {@code /}. Paths never reach the file system: they are data in the slot database.
 */
public final class BlobPaths {
  /** The longest path, in UTF-8 bytes. */
  public static final int MAX_BYTES = 1024;

  private BlobPaths() {}

  /**
   * Checks {@code path} against the rules.
   *
   * @throws BlobStoreException with reason INVALID_PATH naming the broken rule
   */
  public static void validate(String path) {
    if (path == null || path.isEmpty()) {
      throw invalid(path, "a path must not be empty");
    }
    int bytes = 0;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= path.length() || !Character.isLowSurrogate(path.charAt(i + 1))) {
          throw invalid(
              path, "a path must be valid Unicode (unpaired surrogate at index " + i + ")");
        }
        bytes += 4;
        i++;
        continue;
      }
      if (Character.isLowSurrogate(c)) {
        throw invalid(path, "a path must be valid Unicode (unpaired surrogate at index " + i + ")");
      }
      if (Character.isISOControl(c)) {
        throw invalid(
            path,
            String.format(
                "a path must not contain control characters (U+%04X at index %d)", (int) c, i));
      }
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
    if (bytes > MAX_BYTES) {
      throw invalid(
          path, "a path must be at most " + MAX_BYTES + " bytes of UTF-8, this one has " + bytes);
    }
    if (path.charAt(0) == '/') {
      throw invalid(path, "a path must not start with '/'");
    }
    int start = 0;
    while (start <= path.length()) {
      int slash = path.indexOf('/', start);
      int end = slash < 0 ? path.length() : slash;
      int len = end - start;
      if (len == 0) {
        throw invalid(path, "a path must not have an empty segment");
      }
      if ((len == 1 && path.charAt(start) == '.') || (len == 2 && path.startsWith("..", start))) {
        throw invalid(path, "a path must not have a '.' or '..' segment");
      }
      if (slash < 0) {
        break;
      }
      start = slash + 1;
    }
  }

  /** The slot of a (valid) path: CRC32C of its UTF-8 bytes, unsigned, modulo {@code slotCount}. */
  public static int slotOf(String path, int slotCount) {
    CRC32C crc = new CRC32C();
    crc.update(path.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % slotCount);
  }

  /**
   * The smallest string greater than every string that starts with {@code prefix} (in UTF-8 order),
   * or {@code null} when there is none (empty prefix, or only U+10FFFF code points).
   */
  public static String prefixUpperBound(String prefix) {
    int end = prefix.length();
    while (end > 0) {
      int cp = prefix.codePointBefore(end);
      int start = end - Character.charCount(cp);
      if (cp < Character.MAX_CODE_POINT) {
        int next = cp + 1 == Character.MIN_SURROGATE ? Character.MAX_SURROGATE + 1 : cp + 1;
        return prefix.substring(0, start) + new String(Character.toChars(next));
      }
      end = start;
    }
    return null;
  }

  private static BlobStoreException invalid(String path, String rule) {
    String shown =
        path == null ? "null" : path.length() > 80 ? path.substring(0, 80) + "..." : path;
    return BlobStoreException.of(
        Reason.INVALID_PATH, "invalid path '" + shown.replaceAll("\\p{Cntrl}", "?") + "': " + rule);
  }
}
