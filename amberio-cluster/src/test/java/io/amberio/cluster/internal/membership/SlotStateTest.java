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
package io.amberio.cluster.internal.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amberio.cluster.NodeId;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlotStateTest {
  private static final NodeId A = NodeId.of("a");
  private static final NodeId B = NodeId.of("b:1");
  private static final NodeId C = NodeId.of("c.x");

  @Test
  void encodesAndDecodesEveryTransition() {
    SlotState s = SlotState.initial(5, List.of(A, B, C));
    assertThat(s.epoch()).isEqualTo(1);
    assertThat(s.inSync()).containsOnlyKeys(A, B, C).containsValues(0L);
    SlotState claimed = s.withSession(A, 77);
    assertThat(claimed.epoch()).as("a session change keeps the epoch").isEqualTo(1);
    SlotState removed = claimed.without(C);
    assertThat(removed.epoch()).isEqualTo(2);
    SlotState learning = removed.withLearner(C, 99);
    assertThat(learning.epoch()).isEqualTo(3);
    assertThat(learning.participants()).containsExactly(A, B, C);
    SlotState promoted = learning.promoted(C);
    assertThat(promoted.epoch()).isEqualTo(4);
    assertThat(promoted.inSync()).containsEntry(C, 99L).containsEntry(A, 77L);
    assertThat(promoted.learners()).isEmpty();
    for (SlotState x : List.of(s, claimed, removed, learning, promoted)) {
      assertThat(SlotState.decode(5, x.encode())).isEqualTo(x);
    }
  }

  @Test
  void aRebuildPromotesLiveLearnersDropsTheRestAndWritesFormat3() {
    SlotState s =
        SlotState.initial(5, List.of(A, B)).without(B).withLearner(C, 9).withLearner(B, 8);
    SlotState rebuilt = s.rebuilt(List.of(C), List.of("store-a", "store-b"));
    assertThat(rebuilt.epoch()).isEqualTo(s.epoch() + 1);
    assertThat(rebuilt.inSync()).containsOnly(java.util.Map.entry(C, 9L));
    assertThat(rebuilt.learners()).as("learners not promoted leave").isEmpty();
    assertThat(rebuilt.isLost("store-b")).isTrue();
    assertThat(rebuilt.isLost("store-c")).isFalse();
    assertThat(new String(rebuilt.encode(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(
            "v3|"
                + rebuilt.epoch()
                + "|1|"
                + A.value()
                + ","
                + B.value()
                + "|"
                + C.value()
                + "@9||store-a,store-b");
    assertThat(SlotState.decode(5, rebuilt.encode())).isEqualTo(rebuilt);
    // Later transitions keep the lost stores; a store that joins holding nothing leaves the list.
    SlotState joined = rebuilt.withLearner(B, 10).unlost("store-b");
    assertThat(joined.lost()).containsExactly("store-a");
    assertThat(SlotState.decode(5, joined.encode())).isEqualTo(joined);
    assertThat(joined.promoted(B).lost()).containsExactly("store-a");
    assertThat(joined.unlost("store-a").encode()).startsWith("v1|".getBytes());
    assertThatThrownBy(() -> s.rebuilt(List.of(A), List.of()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> s.rebuilt(List.of(C), List.of("x|y")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SlotState.decode(1, "v3|2|1|a|a@1|".getBytes()))
        .as("format 3 has seven fields")
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsGarbageAndImpossibleMoves() {
    assertThatThrownBy(() -> SlotState.decode(1, "v2|1|a||".getBytes()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SlotState.decode(1, "v1|1|a|||".getBytes()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SlotState.decode(1, "v1|x|a||".getBytes()))
        .isInstanceOf(NumberFormatException.class);
    SlotState s = SlotState.initial(0, List.of(A, B));
    assertThatThrownBy(() -> s.promoted(A)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> s.without(A).withSession(A, 1))
        .isInstanceOf(IllegalStateException.class);
  }
}
