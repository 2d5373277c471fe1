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

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's graceful handler with a JSON answer: while the server stops, requests in flight run to
 * completion and new ones on open connections get 503 {@code unavailable} with {@code Connection:
 * close}.
 *
 * <p>During the drain every connection's idle timeout drops to {@link #DRAIN_IDLE_TIMEOUT_MS}: idle
 * keep-alive connections then close within a second instead of holding the stop for the full idle
 * timeout, at the price that a request in flight must keep its bytes flowing (no silence over a
 * second) to finish.
 */
final class DrainingHandler extends GracefulHandler {
  /** The idle timeout of every connection while draining, in milliseconds. */
  static final long DRAIN_IDLE_TIMEOUT_MS = 1000;

  DrainingHandler(Handler handler) {
    super(handler);
    setShutdownIdleTimeout(DRAIN_IDLE_TIMEOUT_MS);
  }

  @Override
  protected void handleShutdownRejection(Request request, Response response, Callback callback) {
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    Replies.error(request, response, callback, 503, "unavailable", "the node is shutting down");
  }
}
