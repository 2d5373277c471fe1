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

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP error answer: a status, the contract's error code, a message for people, and optional
 * extra JSON fields and headers. Thrown by request parsing and endpoints; {@link
 * Exchange#fail(Throwable)} turns it into the JSON body {@code {"error": code, "message": text,
 * ...fields}}.
 */
final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final Map<String, Object> fields = new LinkedHashMap<>();
  private final Map<String, String> headers = new LinkedHashMap<>();

  HttpError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  /** A 400 answer with {@code code}. */
  static HttpError badRequest(String code, String message) {
    return new HttpError(400, code, message);
  }

  /** Adds a JSON field to the error body. */
  HttpError with(String field, Object value) {
    fields.put(field, value);
    return this;
  }

  /** Adds a response header. */
  HttpError withHeader(String name, String value) {
    headers.put(name, value);
    return this;
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  Map<String, String> headers() {
    return headers;
  }

  /** The JSON body: error, message, then the extra fields. */
  Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", getMessage());
    body.putAll(fields);
    return body;
  }
}
