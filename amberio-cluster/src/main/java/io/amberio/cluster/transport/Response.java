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
 * A response: a small header and an optional body, streamed like a request's. Responses are
 * messages, not values: two responses are equal only if they are the same object.
 *
 * @param header the header payload, at most {@link Request#MAX_HEADER_BYTES}; copied on the way in
 *     and out
 * @param body the body, or {@link FrameSource#empty()} for none; the caller of {@link
 *     Transport#send send} must consume or close it
 */
public record Response(byte[] header, FrameSource body) {

  /** Validates and copies the header. */
  public Response {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(body, "body");
    if (header.length > Request.MAX_HEADER_BYTES) {
      throw new IllegalArgumentException(
          "a header is at most "
              + Request.MAX_HEADER_BYTES
              + " bytes, was "
              + header.length
              + " (send bulk data as a body)");
    }
    header = header.clone();
  }

  /** A response without a body. */
  public static Response of(byte[] header) {
    return new Response(header, FrameSource.empty());
  }

  /** A copy of the header payload. */
  @Override
  public byte[] header() {
    return header.clone();
  }

  /** Whether the response has a body (its body is not {@link FrameSource#empty()}). */
  public boolean hasBody() {
    return body != FrameSource.empty();
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  @Override
  public String toString() {
    return "Response[header=" + header.length + " bytes, body=" + (hasBody() ? "yes" : "no") + "]";
  }
}
