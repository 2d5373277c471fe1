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

/**
 * Receives the changes of a {@link Registry#watch watch}. Calls for one watch never overlap and
 * come in revision order (several keys deleted by one lease expiry share a revision and come in key
 * order). They run on the registry's scheduler, never while the registry holds a lock, so a
 * listener may call the registry; it must not block.
 */
public interface WatchListener {

  /** A change to a key under the watched prefix. */
  void onEvent(WatchEvent event);

  /**
   * The watch ended for good: {@link RegistryException.Reason#CLOSED} when the registry closed,
   * {@link RegistryException.Reason#COMPACTED} when its start revision is no longer kept, or
   * another reason if the registry gave up on it. No call follows. (Transient connection trouble is
   * not reported: implementations resume the watch where it stopped.)
   */
  void onError(RegistryException error);
}
