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
package io.amberio.cluster.transport;

import java.util.Objects;

/**
 * The failure a {@link RequestHandler} reports to the caller: the caller's future fails with a
 * {@link TransportException} of reason {@link TransportException.Reason#REMOTE_ERROR} that carries
 * {@link #code()} and the message.
 */
public class HandlerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The longest code, in characters. */
  public static final int MAX_CODE_LENGTH = 64;

  private final String code;

  /**
   * A failure with a machine-readable {@code code} (1 to 64 characters of {@code a-z 0-9 . _ -})
   * and a message for people.
   */
  public HandlerException(String code, String message) {
    this(code, message, null);
  }

  /**
   * As {@link #HandlerException(String, String)}, with a local cause (which does not cross the
   * wire).
   */
  public HandlerException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = checkCode(code);
  }

  /** The machine-readable code. */
  public String code() {
    return code;
  }

  private static String checkCode(String code) {
    Objects.requireNonNull(code, "code");
    if (code.isEmpty()
        || code.length() > MAX_CODE_LENGTH
        || !code.chars().allMatch(HandlerException::allowed)) {
      throw new IllegalArgumentException(
          "a code is 1 to " + MAX_CODE_LENGTH + " of a-z 0-9 . _ -, was '" + code + "'");
    }
    return code;
  }

  private static boolean allowed(int c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  }
}
