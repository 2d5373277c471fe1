package io.amberio.cluster.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Small helpers over futures. */
public final class Futures {
  private Futures() {}

  /** Completes when every future has, whatever the outcome. */
  public static <T> CompletableFuture<Void> settle(List<CompletableFuture<T>> all) {
    return CompletableFuture.allOf(all.stream().map(f -> f.handle((r, t) -> null)).toArray(CompletableFuture[]::new));
  }

  /** The failure of a future that completed exceptionally, unwrapped. */
  public static Throwable failure(CompletableFuture<?> f) {
    return Bodies.unwrap(f.handle((r, t) -> t).join());
  }
}
