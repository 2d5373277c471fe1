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

import io.amberio.cluster.NodeId;
import java.util.concurrent.CompletableFuture;

/**
 * Serves the requests addressed to one node. Called on the transport's scheduler; must not block.
 *
 * <p>The handler consumes {@link Request#body()} at its own pace (or closes it) and completes the
 * returned future with the response. Failing the future with a {@link HandlerException} sends its
 * code to the caller, which sees {@link TransportException.Reason#REMOTE_ERROR}; any other failure
 * is reported with code {@value TransportException#INTERNAL}. Once the response is sent, whatever
 * the handler did not read of the request body is discarded.
 *
 * <p>If the exchange ends early (the caller cancelled or timed out, the connection was lost, the
 * transport closed), the request body fails with the matching {@link TransportException} and the
 * future the handler returned is cancelled; the handler should release what it holds when it sees
 * either.
 */
@FunctionalInterface
public interface RequestHandler {

  /**
   * Handles {@code request}, sent by {@code from}.
   *
   * @return the response; a {@code null} future counts as a failure of the handler
   */
  CompletableFuture<Response> handle(NodeId from, Request request);
}
