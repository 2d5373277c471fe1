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
package io.amberio.cluster;

/**
 * A slot rebuild ({@link ClusterNode#rebuildSlot}) that is not possible or not needed; nothing was
 * written. {@link #code()} says which, for callers that answer it to an operator.
 */
public final class RebuildRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An in-sync replica of the slot is alive: nothing is lost. */
  public static final String REPLICA_ALIVE = "replica_alive";

  /** No learner of the slot is alive: there is nothing to rebuild on yet. */
  public static final String NO_LIVE_LEARNER = "no_live_learner";

  private final String code;

  public RebuildRefusedException(String code, String message) {
    super(message);
    this.code = code;
  }

  /** {@link #REPLICA_ALIVE} or {@link #NO_LIVE_LEARNER}. */
  public String code() {
    return code;
  }
}
