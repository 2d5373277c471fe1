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

import static org.assertj.core.api.Assertions.assertThat;

import io.amberio.cluster.transport.FrameSource;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class TeeTest {

  /** An upstream that counts how far it was pulled. */
  static final class Counting implements FrameSource {
    final List<ByteBuffer> frames;
    int pulled;
    boolean closed;
    RuntimeException failAt;
    int failIndex = -1;

    Counting(int n) {
      frames = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        frames.add(ByteBuffer.wrap(new byte[] {(byte) i, (byte) (i * 7)}));
      }
    }

    @Override
    public CompletableFuture<Optional<ByteBuffer>> next() {
      if (pulled == failIndex) {
        return CompletableFuture.failedFuture(failAt);
      }
      return CompletableFuture.completedFuture(
          pulled < frames.size() ? Optional.of(frames.get(pulled++)) : Optional.empty());
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static byte[] drain(FrameSource s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.forEach(
            b -> {
              byte[] a = new byte[b.remaining()];
              b.get(a);
              out.writeBytes(a);
            })
        .join();
    return out.toByteArray();
  }

  @Test
  void theFastBranchWaitsWithinTheWindow() {
    Counting up = new Counting(50);
    Tee tee = new Tee(up, 3);
    // Branch 0 alone can run at most WINDOW frames ahead of the others.
    FrameSource fast = tee.branch(0);
    int got = 0;
    CompletableFuture<Optional<ByteBuffer>> f;
    while ((f = fast.next()).isDone()) {
      got++;
    }
    assertThat(got).isEqualTo(Tee.WINDOW);
    assertThat(up.pulled).isLessThanOrEqualTo(Tee.WINDOW + 1);
    // The slow ones moving frees it.
    tee.branch(1).next();
    tee.branch(2).next();
    assertThat(f).isDone();
  }

  @Test
  void everyBranchGetsEveryByte() {
    Counting up = new Counting(50);
    Tee tee = new Tee(up, 3);
    List<ByteArrayOutputStream> outs = new ArrayList<>();
    List<CompletableFuture<Long>> all = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      outs.add(out);
      all.add(tee.branch(i).forEach(b -> out.writeBytes(bytes(b))));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    assertThat(outs.get(0).toByteArray())
        .hasSize(100)
        .isEqualTo(outs.get(1).toByteArray())
        .isEqualTo(outs.get(2).toByteArray());
  }

  @Test
  void aClosedBranchNoLongerHoldsTheOthersBack() {
    Counting up = new Counting(20);
    Tee tee = new Tee(up, 2);
    tee.branch(1).close();
    assertThat(drain(tee.branch(0))).hasSize(40);
    assertThat(up.closed).isFalse();
  }

  @Test
  void closingEveryBranchClosesTheUpstream() {
    Counting up = new Counting(20);
    Tee tee = new Tee(up, 2);
    tee.branch(0).close();
    tee.branch(1).close();
    assertThat(up.closed).isTrue();
  }

  @Test
  void anUpstreamFailureFailsEveryBranch() {
    Counting up = new Counting(20);
    up.failIndex = 3;
    up.failAt = new IllegalStateException("disk gone");
    Tee tee = new Tee(up, 2);
    for (int i = 0; i < 2; i++) {
      FrameSource b = tee.branch(i);
      CompletableFuture<Long> all = b.forEach(x -> {});
      assertThat(all).isCompletedExceptionally();
      try {
        all.join();
      } catch (CompletionException e) {
        assertThat(Bodies.unwrap(e)).hasMessage("disk gone");
      }
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.get(a);
    return a;
  }
}
