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
package io.amberio.cluster.internal.msg;

/** The handler error codes of internal messages (the far side of a {@code HandlerException}). */
public final class Codes {
  /** The sender's epoch is not the replica's; the error message names the replica's. */
  public static final String STALE_EPOCH = "stale-epoch";

  /** The replica may not serve this (not in sync, lease not valid, not a participant). */
  public static final String NOT_SERVING = "not-serving";

  /** The header is in a format version the replica does not speak; the message names both. */
  public static final String UNSUPPORTED_VERSION = "unsupported-version";

  public static final String BAD_REQUEST = "bad-request";
  public static final String DUPLICATE = "duplicate";
  public static final String UNKNOWN_TXN = "unknown-txn";
  public static final String COMMITTED = "committed";
  public static final String BUSY = "busy";

  private Codes() {}
}
