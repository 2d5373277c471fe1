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
import java.util.Random;

/**
 * What the simulated clients do: each time a client is free, {@link #next} picks its next
 * operation, the node it sends it to, and the path. Every random choice must come from the {@code
 * random} given, so that a seed still replays the same run.
 */
@FunctionalInterface
public interface Workload {

  /**
   * The next operation of a client.
   *
   * @param random the simulation's random source (the only one to draw from)
   * @param opNo the operation's number, from 1; unique, so a put can name its value after it
   * @param nodes how many nodes the cluster has; the step names one of {@code 0..nodes-1}
   */
  Step next(Random random, int opNo, int nodes);

  /**
   * One operation: sent to node {@code node} (an index), on {@code path}. A {@link Call.Put} writes
   * the UTF-8 bytes of its value id.
   */
  record Step(int node, String path, Call call) {
    /** Validates the arguments. */
    public Step {
      if (node < 0) {
        throw new IllegalArgumentException("node is an index >= 0, was " + node);
      }
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(call, "call");
    }
  }

  /**
   * The default mix over {@code paths} paths {@code p0, p1, ...}: 30% puts, 10% conditional puts,
   * 32% reads of the current version, 8% reads of a version, 10% deletes, 10% version deletes.
   */
  static Workload mixed(int paths) {
    if (paths < 1) {
      throw new IllegalArgumentException("paths must be >= 1, was " + paths);
    }
    return (random, opNo, nodes) -> {
      String path = "p" + random.nextInt(paths);
      int node = random.nextInt(nodes);
      int roll = random.nextInt(100);
      if (roll < 40) {
        String value = "v" + opNo;
        long expected = 1 + random.nextInt(6);
        return new Step(node, path, roll < 10 ? Call.putIf(expected, value) : Call.put(value));
      } else if (roll < 80) {
        long v = 1 + random.nextInt(6);
        return new Step(node, path, roll >= 72 ? Call.get(v) : Call.get());
      } else if (roll < 90) {
        return new Step(node, path, Call.delete());
      } else {
        long v = 1 + random.nextInt(6);
        return new Step(node, path, Call.deleteVersion(v));
      }
    };
  }
}
