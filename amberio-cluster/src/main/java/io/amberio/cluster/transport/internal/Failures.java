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
package io.amberio.cluster.transport.internal;

import io.amberio.cluster.NodeId;
import io.amberio.cluster.transport.HandlerException;
import io.amberio.cluster.transport.Request;
import io.amberio.cluster.transport.RequestHandler;
import io.amberio.cluster.transport.SendOptions;
import io.amberio.cluster.transport.Transport;
import io.amberio.cluster.transport.TransportException;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Mapping between local failures and what crosses to the other side of an exchange. */
public final class Failures {

  /** The longest remote message kept, in characters. */
  public static final int MAX_MESSAGE_LENGTH = 1000;

  private Failures() {}

  /** The cause of a {@link CompletionException} or {@link ExecutionException}, else {@code t}. */
  public static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** The code sent to the caller for a handler failure. */
  public static String code(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof HandlerException) {
      return ((HandlerException) t).code();
    }
    if (t instanceof TransportException) {
      TransportException te = (TransportException) t;
      return te.remoteCode()
          .orElse("transport." + te.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    return TransportException.INTERNAL;
  }

  /** The message sent to the caller for a handler failure, bounded in length. */
  public static String message(Throwable failure) {
    Throwable t = unwrap(failure);
    String m = t instanceof HandlerException ? String.valueOf(t.getMessage()) : t.toString();
    return m.length() <= MAX_MESSAGE_LENGTH ? m : m.substring(0, MAX_MESSAGE_LENGTH);
  }

  /** The failure a caller sees for a handler failure that happened in the same process. */
  public static TransportException remote(Throwable handlerFailure) {
    return TransportException.remote(code(handlerFailure), message(handlerFailure));
  }

  /**
   * Checks the arguments of {@link Transport#send}; a closed transport closes the body and fails.
   */
  public static TransportException checkSend(
      NodeId self, boolean closed, NodeId to, Request request, SendOptions options) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(options, "options");
    if (!closed) {
      return null;
    }
    request.body().close();
    return new TransportException(
        TransportException.Reason.CLOSED, "the transport of " + self + " is closed");
  }

  /** The handler for {@link Transport#serve}, refusing a second one. */
  public static RequestHandler checkServe(
      NodeId self, RequestHandler current, RequestHandler handler) {
    Objects.requireNonNull(handler, "handler");
    if (current != null) {
      throw new IllegalStateException("node " + self + " already has a handler: " + current);
    }
    return handler;
  }
}
