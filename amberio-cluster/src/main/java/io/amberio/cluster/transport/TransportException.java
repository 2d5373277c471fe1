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
import java.util.Optional;

/** Why an exchange failed; every future of a {@link Transport} fails with this type. */
public class TransportException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The remote code when the far side had no handler yet. */
  public static final String NO_HANDLER = "no-handler";

  /**
   * The remote code when the handler failed with something other than a {@link HandlerException}.
   */
  public static final String INTERNAL = "internal";

  /** What went wrong, and so what is known about delivery. */
  public enum Reason {
    /**
     * The exchange did not end within its timeout; the far side may or may not have acted on it.
     */
    TIMEOUT,
    /**
     * No connection to the node could be made (unknown node, refused, handshake failed); nothing
     * was delivered.
     */
    UNREACHABLE,
    /**
     * The connection failed after the request may have been sent; the outcome at the far side is
     * unknown.
     */
    CONNECTION_LOST,
    /**
     * The peer did not prove knowledge of the cluster secret, or rejected ours; the connection was
     * closed.
     */
    REJECTED_AUTH,
    /** A frame exceeded the maximum size; nothing larger was allocated or sent. */
    FRAME_TOO_LARGE,
    /**
     * The peer broke the wire protocol (malformed frame, unknown stream, window overrun); the
     * connection was closed.
     */
    PROTOCOL_ERROR,
    /** The remote handler failed; {@link #remoteCode()} holds its code. */
    REMOTE_ERROR,
    /**
     * The exchange was cancelled by the other side of it (the caller, or the consumer of a body).
     */
    CANCELLED,
    /** The local transport was closed. */
    CLOSED,
    /** The local body source failed while being sent; the far side saw the exchange cancelled. */
    SOURCE_FAILED
  }

  private final Reason reason;
  private final String remoteCode;

  /** A failure for {@code reason}. */
  public TransportException(Reason reason, String message) {
    this(reason, message, null);
  }

  /** A failure for {@code reason} caused by {@code cause}. */
  public TransportException(Reason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    if (reason == Reason.REMOTE_ERROR) {
      throw new IllegalArgumentException("use TransportException.remote for REMOTE_ERROR");
    }
    this.remoteCode = null;
  }

  private TransportException(String remoteCode, String message) {
    super(Reason.REMOTE_ERROR + " [" + remoteCode + "]: " + message);
    this.reason = Reason.REMOTE_ERROR;
    this.remoteCode = remoteCode;
  }

  /** A {@link Reason#REMOTE_ERROR} carrying the remote handler's {@code code} and message. */
  public static TransportException remote(String code, String message) {
    return new TransportException(
        Objects.requireNonNull(code, "code"), Objects.requireNonNull(message, "message"));
  }

  /** What went wrong. */
  public Reason reason() {
    return reason;
  }

  /** The remote handler's code, present only for {@link Reason#REMOTE_ERROR}. */
  public Optional<String> remoteCode() {
    return Optional.ofNullable(remoteCode);
  }
}
