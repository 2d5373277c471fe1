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
 * A request: a type, the slot epoch it is sent under, a small header and an optional body.
 *
 * <p>The epoch travels with every request and is visible to the handler; checking it is the
 * caller's protocol's job, not the transport's. On the receiving side {@link #body()} is the
 * incoming stream. Requests are messages, not values: two requests are equal only if they are the
 * same object.
 *
 * @param type what the request asks for: 1 to 64 printable ASCII characters, no spaces
 * @param epoch the slot epoch the request was sent under, at least 0
 * @param header the header payload, at most {@link #MAX_HEADER_BYTES}; copied on the way in and out
 * @param body the body, or {@link FrameSource#empty()} for none
 */
public record Request(String type, long epoch, byte[] header, FrameSource body) {

  /** The largest header, in bytes. */
  public static final int MAX_HEADER_BYTES = 64 * 1024;

  /** The longest type, in characters. */
  public static final int MAX_TYPE_LENGTH = 64;

  /** Validates and copies the header. */
  public Request {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(body, "body");
    if (type.isEmpty()
        || type.length() > MAX_TYPE_LENGTH
        || !type.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          "a request type is 1 to "
              + MAX_TYPE_LENGTH
              + " printable ASCII characters, was '"
              + type
              + "'");
    }
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be at least 0, was " + epoch);
    }
    if (header.length > MAX_HEADER_BYTES) {
      throw new IllegalArgumentException(
          "a header is at most "
              + MAX_HEADER_BYTES
              + " bytes, was "
              + header.length
              + " (send bulk data as a body)");
    }
    header = header.clone();
  }

  /** A request without a body. */
  public static Request of(String type, long epoch, byte[] header) {
    return new Request(type, epoch, header, FrameSource.empty());
  }

  /** A copy of the header payload. */
  @Override
  public byte[] header() {
    return header.clone();
  }

  /** Whether the request has a body (its body is not {@link FrameSource#empty()}). */
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
    return "Request[type="
        + type
        + ", epoch="
        + epoch
        + ", header="
        + header.length
        + " bytes, body="
        + (hasBody() ? "yes" : "no")
        + "]";
  }
}
