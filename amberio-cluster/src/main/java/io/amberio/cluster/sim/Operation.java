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
package io.amberio.cluster.sim;

import java.util.Objects;

/**
 * One call of a history: who made it, on which path, what it asked, what it learned, and when.
 *
 * <p>Times are points on one line that orders every invocation and response of the history; only
 * their order matters. Operation {@code a} precedes {@code b} in real time when {@code a.response()
 * < b.invoke()}; equal times count as overlapping. An operation whose outcome is {@link
 * Outcome.Unknown} has no response: its {@code response} is {@link #NO_RESPONSE}, since it may take
 * effect at any later point.
 *
 * @param id unique within a history; used in reports
 * @param client who made the call (for reports; the checker orders by time only)
 * @param path the key; operations on different paths are checked independently
 * @param call the request
 * @param outcome the answer; {@link Call#allows(Outcome)} must accept it
 * @param invoke when the call was sent
 * @param response when the answer arrived, at or after {@code invoke}, or {@link #NO_RESPONSE}
 *     exactly when the outcome is unknown
 */
public record Operation(
    long id, String client, String path, Call call, Outcome outcome, long invoke, long response) {

  /** The response time of an operation whose outcome is unknown. */
  public static final long NO_RESPONSE = Long.MAX_VALUE;

  /** Validates the operation. */
  public Operation {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(outcome, "outcome");
    if (!call.allows(outcome)) {
      throw new IllegalArgumentException(
          "operation " + id + ": " + call + " cannot answer " + outcome);
    }
    if (invoke == NO_RESPONSE) {
      throw new IllegalArgumentException(
          "operation " + id + ": invoke time " + invoke + " is reserved");
    }
    boolean unknown = outcome instanceof Outcome.Unknown;
    if (unknown != (response == NO_RESPONSE)) {
      throw new IllegalArgumentException(
          "operation "
              + id
              + ": an unknown outcome, and only it, has no response time (outcome "
              + outcome
              + ", response "
              + response
              + ")");
    }
    if (response < invoke) {
      throw new IllegalArgumentException(
          "operation " + id + ": response " + response + " is before invocation " + invoke);
    }
  }

  /** Whether the client learned the outcome (it is not {@link Outcome.Unknown}). */
  public boolean completed() {
    return response != NO_RESPONSE;
  }

  /**
   * Whether this operation ended before {@code other} began, so every linearization puts it first.
   */
  public boolean precedes(Operation other) {
    return response < other.invoke;
  }

  /** This operation with its outcome replaced by {@link Outcome.Unknown} and no response time. */
  public Operation asUnknown() {
    return new Operation(id, client, path, call, Outcome.unknown(), invoke, NO_RESPONSE);
  }

  @Override
  public String toString() {
    return "#"
        + id
        + " "
        + client
        + " ["
        + invoke
        + ", "
        + (completed() ? Long.toString(response) : "...")
        + "] '"
        + path
        + "' "
        + call
        + " -> "
        + outcome;
  }
}
