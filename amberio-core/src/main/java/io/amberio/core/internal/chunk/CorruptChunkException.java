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
package io.amberio.core.internal.chunk;

/**
 * A chunk file that does not hold its chunk: a bad header, a block that does not decompress, a
 * length that does not add up. The message says what, in words that follow "chunk N of ... is
 * corrupt: "; the reader turns it into a {@code CORRUPT} failure.
 */
public final class CorruptChunkException extends Exception {
  private static final long serialVersionUID = 1L;

  public CorruptChunkException(String message) {
    super(message);
  }

  public CorruptChunkException(String message, Throwable cause) {
    super(message, cause);
  }
}
