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
package io.amberio.cluster.testkit;

import io.amberio.cluster.transport.FrameSource;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Bodies for tests: generated on the fly, digested, and metered for frames in flight. */
public final class Bodies {

  private Bodies() {}

  /** Frames produced by a source and not yet consumed at the far end, and the peak of that. */
  public static final class Meter {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    public void produced() {
      int n = inFlight.incrementAndGet();
      peak.accumulateAndGet(n, Math::max);
    }

    public void consumed() {
      inFlight.decrementAndGet();
    }

    public int peak() {
      return peak.get();
    }
  }

  /**
   * A body of {@code totalBytes} pseudo-random bytes (or endless if negative) in frames of {@code
   * frameBytes}, never whole in memory. Thread-safe. Can be told to fail at a given frame.
   */
  public static final class GeneratedSource implements FrameSource {
    private final long totalBytes;
    private final int frameBytes;
    private final SplittableRandom random;
    private final Meter meter;
    private final MessageDigest digest = sha256();
    private final long failAtFrame;
    private long produced;
    private long frames;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong framesProduced = new AtomicLong();

    public GeneratedSource(long totalBytes, int frameBytes, long seed, Meter meter) {
      this(totalBytes, frameBytes, seed, meter, -1);
    }

    public GeneratedSource(
        long totalBytes, int frameBytes, long seed, Meter meter, long failAtFrame) {
      this.totalBytes = totalBytes;
      this.frameBytes = frameBytes;
      this.random = new SplittableRandom(seed);
      this.meter = meter;
      this.failAtFrame = failAtFrame;
    }

    public static GeneratedSource endless(int frameBytes, Meter meter) {
      return new GeneratedSource(-1, frameBytes, 7, meter);
    }

    @Override
    public synchronized CompletableFuture<Optional<ByteBuffer>> next() {
      if (closed.get()) {
        return CompletableFuture.failedFuture(new IllegalStateException("next() after close()"));
      }
      if (frames == failAtFrame) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("disk on fire at frame " + frames));
      }
      if (totalBytes >= 0 && produced >= totalBytes) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
      int n = (int) (totalBytes < 0 ? frameBytes : Math.min(frameBytes, totalBytes - produced));
      ByteBuffer b = ByteBuffer.allocate(n);
      while (b.remaining() >= 8) {
        b.putLong(random.nextLong());
      }
      while (b.hasRemaining()) {
        b.put((byte) random.nextInt());
      }
      b.flip();
      digest.update(b.duplicate());
      produced += n;
      frames++;
      framesProduced.incrementAndGet();
      if (meter != null) {
        meter.produced();
      }
      return CompletableFuture.completedFuture(Optional.of(b));
    }

    @Override
    public void close() {
      closed.set(true);
    }

    public boolean closed() {
      return closed.get();
    }

    public long framesProduced() {
      return framesProduced.get();
    }

    /** Produces the whole (finite) body and returns its digest: what a reader of it should see. */
    public byte[] drainDigest() {
      while (!next().join().isEmpty()) {
        // produce everything
      }
      return digest();
    }

    public synchronized byte[] digest() {
      try {
        return ((MessageDigest) digest.clone()).digest();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** The result of draining a body. */
  public record Drained(long bytes, byte[] sha256) {}

  /** Reads {@code body} to its end, counting each frame as consumed on {@code meter}. */
  public static CompletableFuture<Drained> drain(FrameSource body, Meter meter) {
    MessageDigest digest = sha256();
    return body.forEach(
            frame -> {
              if (meter != null) {
                meter.consumed();
              }
              synchronized (digest) {
                digest.update(frame);
              }
            })
        .thenApply(
            bytes -> {
              synchronized (digest) {
                return new Drained(bytes, digest.digest());
              }
            });
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
