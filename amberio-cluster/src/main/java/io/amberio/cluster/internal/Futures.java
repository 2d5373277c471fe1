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

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Small helpers over futures. */
public final class Futures {
  private Futures() {}

  /** Completes when every future has, whatever the outcome. */
  public static <T> CompletableFuture<Void> settle(List<CompletableFuture<T>> all) {
    return CompletableFuture.allOf(
        all.stream().map(f -> f.handle((r, t) -> null)).toArray(CompletableFuture[]::new));
  }

  /** The failure of a future that completed exceptionally, unwrapped. */
  public static Throwable failure(CompletableFuture<?> f) {
    return Bodies.unwrap(f.handle((r, t) -> t).join());
  }
}
