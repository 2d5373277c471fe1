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

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeoutException;

/**
 * The body of a PUT as the store reads it: a pass-through stream that stops a body growing past the
 * size limit (a chunked body has no {@code Content-Length} to check up front) and remembers why
 * reading failed.
 *
 * <p>When a read fails the store sees an exception, reclaims what it wrote and throws; the handler
 * then asks {@link #clientError()} whether the client caused it (gone, too slow, too large), so
 * that such a failure is answered as the client's and never as a 500.
 */
final class RequestBody extends InputStream {
  private final InputStream in;
  private final long limit;
  private long count;
  private IOException failure;
  private boolean tooLarge;
  private boolean atEnd;

  /** Reads {@code in}, failing once more than {@code limit} bytes arrive. */
  RequestBody(InputStream in, long limit) {
    this.in = in;
    this.limit = limit;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (length == 0) {
      return 0;
    }
    int n;
    try {
      n = in.read(buffer, offset, length);
    } catch (IOException e) {
      failure = e;
      throw e;
    } catch (RuntimeException e) {
      failure = new IOException("reading the request body failed", e);
      throw failure;
    }
    if (n < 0) {
      atEnd = true;
    } else {
      count += n;
      if (count > limit) {
        tooLarge = true;
        failure = new IOException("the body is larger than " + limit + " bytes");
        throw failure;
      }
    }
    return n;
  }

  /** Whether the body was read to its end. */
  boolean atEnd() {
    return atEnd;
  }

  /**
   * The answer for a body the client failed to deliver: 413 {@code too_large}, 408 {@code
   * request_timeout} (idle or below the minimum data rate) or 400 {@code incomplete_body} (the
   * client went away); {@code null} if reading has not failed.
   */
  HttpError clientError() {
    if (failure == null) {
      return null;
    }
    if (tooLarge) {
      return new HttpError(
              413, "too_large", "the body is larger than the maximum of " + limit + " bytes")
          .withHeader("Connection", "close");
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException) {
        return new HttpError(
                408, "request_timeout", "the body arrived too slowly: " + t.getMessage())
            .withHeader("Connection", "close");
      }
    }
    return HttpError.badRequest(
            "incomplete_body", "the body ended early after " + count + " bytes: " + failure)
        .withHeader("Connection", "close");
  }
}
