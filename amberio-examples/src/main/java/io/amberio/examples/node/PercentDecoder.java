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
package io.amberio.examples.node;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict percent-decoding of raw URI text (a path or a query parameter) into a UTF-8 string.
 *
 * <p>Every {@code %XX} becomes the byte XX, {@code %2F} included; every other character must be
 * printable ASCII and stands for itself, so {@code +} and {@code ;} are ordinary characters (a
 * {@code +} is never a space). A {@code %} without two hex digits after it, a raw character outside
 * printable ASCII, or bytes that are not valid UTF-8 (overlong forms and surrogates included) make
 * the text invalid.
 */
final class PercentDecoder {
  private PercentDecoder() {}

  /**
   * Decodes {@code raw}.
   *
   * @param what names the text in the error message ("path", "prefix", ...)
   * @throws HttpError 400 with {@code errorCode} if the text is invalid
   */
  static String decode(String raw, String errorCode, String what) {
    byte[] bytes = new byte[raw.length()];
    int n = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int hi = i + 1 < raw.length() ? hex(raw.charAt(i + 1)) : -1;
        int lo = i + 2 < raw.length() ? hex(raw.charAt(i + 2)) : -1;
        if (hi < 0 || lo < 0) {
          throw HttpError.badRequest(
              errorCode, "the " + what + " has a malformed percent escape at offset " + i);
        }
        bytes[n++] = (byte) (hi << 4 | lo);
        i += 2;
      } else if (c > 0x20 && c < 0x7f) {
        bytes[n++] = (byte) c;
      } else {
        throw HttpError.badRequest(
            errorCode,
            "the " + what + " has a character that must be percent-encoded at offset " + i);
      }
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      return decoder.decode(ByteBuffer.wrap(bytes, 0, n)).toString();
    } catch (CharacterCodingException e) {
      throw HttpError.badRequest(
          errorCode, "the " + what + " is not valid UTF-8 after percent-decoding");
    }
  }

  /**
   * The value of an ASCII hex digit, or -1 ({@link Character#digit} would also take non-ASCII
   * digits).
   */
  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
