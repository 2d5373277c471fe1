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

import io.amberio.core.BlobStoreException;

/** Maps a store failure to its HTTP answer, by {@link BlobStoreException#reason()} only. */
final class StoreErrors {
  private StoreErrors() {}

  /** The answer for {@code e}. */
  static HttpError toHttp(BlobStoreException e) {
    String message = e.getMessage() == null ? e.reason().name() : e.getMessage();
    return switch (e.reason()) {
      case NOT_FOUND -> new HttpError(404, "not_found", message);
      case DELETED -> new HttpError(404, "deleted", message);
      case VERSION_CONFLICT ->
          new HttpError(409, "version_conflict", message)
              .with("latest", e.latestVersion().orElse(0));
      case INVALID_PATH -> HttpError.badRequest("invalid_path", message);
      case INVALID_CURSOR -> HttpError.badRequest("invalid_cursor", message);
      case RANGE_NOT_SATISFIABLE -> rangeNotSatisfiable(e.size().orElse(0), message);
      case TOO_LARGE -> new HttpError(413, "too_large", message).withHeader("Connection", "close");
      case NO_SPACE ->
          new HttpError(507, "insufficient_storage", message).withHeader("Connection", "close");
      case CORRUPT -> new HttpError(500, "corrupt", message);
      case CLOSED -> new HttpError(503, "unavailable", message);
      case INPUT_FAILED ->
          HttpError.badRequest("incomplete_body", message).withHeader("Connection", "close");
      case IO_ERROR -> new HttpError(500, "io_error", message);
      case INCOMPATIBLE_STORE -> new HttpError(500, "internal_error", message);
      case BUSY, UNAVAILABLE ->
          new HttpError(503, "unavailable", message).withHeader("Retry-After", "1");
      case OUTCOME_UNKNOWN -> new HttpError(503, "outcome_unknown", message);
    };
  }

  /** 416 with {@code Content-Range: bytes *}{@code /size}. */
  static HttpError rangeNotSatisfiable(long size, String message) {
    return new HttpError(416, "range_not_satisfiable", message)
        .with("size", size)
        .withHeader("Content-Range", "bytes */" + size);
  }

  /** Whether {@code e} is the server's fault and worth an error log line. */
  static boolean isServerFault(BlobStoreException e) {
    return switch (e.reason()) {
      case CORRUPT, IO_ERROR, INCOMPATIBLE_STORE -> true;
      default -> false;
    };
  }
}
