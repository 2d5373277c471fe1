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

/** An established {@link Registry#watch watch}: a handle to cancel it. */
public interface Watch {

  /**
   * The first revision this watch delivers: every change under its prefix with this revision or a
   * later one reaches the listener, unless the watch is cancelled or ends with an error.
   */
  long startRevision();

  /**
   * Stops the watch. Idempotent. Once it returns, the listener is not called again (except a call
   * already running on another thread).
   */
  void cancel();
}
