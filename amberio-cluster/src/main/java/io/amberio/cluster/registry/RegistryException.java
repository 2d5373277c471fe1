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
package io.amberio.cluster.registry;

import java.util.Objects;

/**
 * An operational failure of a {@link Registry}, with a {@link Reason} to act on. Futures returned
 * by the registry fail with this type (possibly wrapped in a {@link
 * java.util.concurrent.CompletionException} by a dependent stage). Callers branch on {@link
 * #reason()}, never on the message, which is for people.
 *
 * <p>The one distinction a 2PC coordinator needs: {@link #outcomeUnknown()} is true only for {@link
 * Reason#TIMEOUT}. Every other reason means the operation was <em>definitely not applied</em>.
 */
public final class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why an operation failed. */
  public enum Reason {
    /**
     * The registry could not be reached (connection refused, no endpoint, no leader before
     * sending). The operation was definitely not applied; retrying is safe.
     */
    UNAVAILABLE,
    /**
     * No definite answer arrived: the deadline passed, or the connection broke after the request
     * may have been sent. A write (compare-and-set, delete, grant, keep-alive) may or may not have
     * been applied; read the key to find out. The only reason for which {@link #outcomeUnknown()}
     * is true.
     */
    TIMEOUT,
    /**
     * The lease does not exist: it expired, was revoked, or never existed. The operation that named
     * it was not applied.
     */
    LEASE_NOT_FOUND,
    /**
     * A watch asked for a start revision older than the oldest the registry still keeps. Start
     * again from a fresh {@link Registry#list list}.
     */
    COMPACTED,
    /**
     * The registry refused the request as malformed (for example a value larger than the server
     * accepts). Not applied. Arguments that the API can check itself fail earlier with {@link
     * IllegalArgumentException}.
     */
    INVALID_ARGUMENT,
    /** This registry object was closed. Not applied. */
    CLOSED
  }

  private final Reason reason;

  /**
   * An exception with {@code reason}, a message for people, and an optional cause (may be null).
   */
  public RegistryException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** An exception with {@code reason} and a message for people. */
  public RegistryException(Reason reason, String message) {
    this(reason, message, null);
  }

  /** Why the operation failed. */
  public Reason reason() {
    return reason;
  }

  /**
   * True when a write may have been applied although it failed ({@link Reason#TIMEOUT}); false when
   * it was definitely not applied.
   */
  public boolean outcomeUnknown() {
    return reason == Reason.TIMEOUT;
  }

  @Override
  public String toString() {
    return "RegistryException[" + reason + "]: " + getMessage();
  }
}
