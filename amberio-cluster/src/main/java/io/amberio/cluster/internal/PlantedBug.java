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
package io.amberio.cluster.internal;

/**
 * Deliberate protocol bugs a node can be assembled with, for the simulation's own tests: each is
 * planted in turn to show that the harness catches it (a checker that never fails proves nothing).
 * A node gets them only through {@link InternalAccess}, which no public API reaches; production
 * nodes have none.
 */
public enum PlantedBug {
  /** Reads do not wait for a prepared, undecided transaction on their path. */
  SKIP_READ_WAIT,
  /** A replica serves reads without a valid lease or current session. */
  SERVE_WITHOUT_LEASE
}
