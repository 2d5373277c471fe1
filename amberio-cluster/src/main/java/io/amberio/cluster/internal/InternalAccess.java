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

import io.amberio.cluster.ClusterNode;
import java.util.Set;

/**
 * The internal path into {@link ClusterNode.Builder}, for what only the simulation may set (planted
 * bugs): no public method of the builder takes an internal type. {@code ClusterNode} installs the
 * hook when its class initialises; this package is not exported, so only this module reaches it.
 */
public final class InternalAccess {
  /** What {@code ClusterNode} lets this package do to a builder. */
  public interface BuilderHook {
    void plant(ClusterNode.Builder builder, Set<PlantedBug> bugs);
  }

  private static volatile BuilderHook hook;

  private InternalAccess() {}

  /** Called once, by {@code ClusterNode}'s static initialiser. */
  public static void install(BuilderHook h) {
    if (hook != null) {
      throw new IllegalStateException("the builder hook is installed already");
    }
    hook = h;
  }

  /** {@code builder}, assembling a node with {@code bugs} planted. */
  public static ClusterNode.Builder plant(ClusterNode.Builder builder, Set<PlantedBug> bugs) {
    // Building a builder initialises ClusterNode, whose static initialiser installs the hook.
    BuilderHook h = hook;
    if (h == null) {
      throw new IllegalStateException("ClusterNode did not install its builder hook");
    }
    h.plant(builder, bugs);
    return builder;
  }
}
