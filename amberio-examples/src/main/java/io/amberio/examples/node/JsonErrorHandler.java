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

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the errors Jetty produces itself, before a request reaches the {@link Router}, with the
 * same JSON body as every other error instead of Jetty's HTML page: a request line or URI that
 * cannot be parsed (400; an undecodable URI, such as {@code %00}, a lone {@code %} or {@code ..}
 * above the root, gets {@code invalid_path}), headers too large (431 {@code header_too_large}), a
 * URI too long (414), an unknown HTTP version (505), and so on.
 */
final class JsonErrorHandler implements Request.Handler {

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer s ? s : 500;
    if (status == 426) {
      // Jetty answers a request line of HTTP/2.0 (or later) on this HTTP/1 connector with 426
      // Upgrade Required; this server upgrades to nothing, so it is a version it does not support.
      status = 505;
    }
    Throwable failure =
        request.getAttribute(ErrorHandler.ERROR_EXCEPTION) instanceof Throwable t ? t : null;
    String code = code(status, failure);
    String message =
        "invalid_path".equals(code)
            ? "the request URI cannot be decoded: " + rootMessage(failure)
            : status == 505
                ? "HTTP version not supported: this server speaks HTTP/1.0 and HTTP/1.1"
                : request.getAttribute(ErrorHandler.ERROR_MESSAGE) instanceof String m
                    ? m
                    : HttpStatus.getMessage(status);
    Replies.error(request, response, callback, status, code, message);
    return true;
  }

  private static String rootMessage(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  /** The error code for a status Jetty chose, refined by the failure that made it. */
  static String code(int status, Throwable failure) {
    return switch (status) {
      case 400 -> isUriFailure(failure) ? "invalid_path" : "bad_request";
      case 404 -> "unknown_endpoint";
      case 405 -> "method_not_allowed";
      case 408 -> "request_timeout";
      case 413 -> "too_large";
      case 414 -> "uri_too_long";
      case 431 -> "header_too_large";
      case 500 -> "internal_error";
      case 501 -> "not_implemented";
      case 503 -> "unavailable";
      case 505 -> "http_version_not_supported";
      default -> status >= 500 ? "internal_error" : "bad_request";
    };
  }

  /**
   * Whether Jetty rejected the request because its URI would not parse: the failure, or one of its
   * causes, was thrown by Jetty's URI parser ({@link HttpURI}). Other 400s (a bad {@code
   * Content-Length}, a bad method) come from elsewhere in the HTTP parser.
   */
  static boolean isUriFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      for (StackTraceElement frame : t.getStackTrace()) {
        if (frame.getClassName().startsWith(HttpURI.class.getName())) {
          return true;
        }
      }
    }
    return false;
  }
}
