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

import static io.amberio.cluster.sim.Call.delete;
import static io.amberio.cluster.sim.Call.deleteVersion;
import static io.amberio.cluster.sim.Call.get;
import static io.amberio.cluster.sim.Call.put;
import static io.amberio.cluster.sim.Call.putIf;
import static io.amberio.cluster.sim.Outcome.conflict;
import static io.amberio.cluster.sim.Outcome.deleted;
import static io.amberio.cluster.sim.Outcome.found;
import static io.amberio.cluster.sim.Outcome.notFound;
import static io.amberio.cluster.sim.Outcome.tombstoned;
import static io.amberio.cluster.sim.Outcome.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amberio.cluster.sim.CheckResult.PathResult;
import io.amberio.cluster.sim.CheckResult.Verdict;
import io.amberio.cluster.sim.CheckResult.Violation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Hand-written histories, each broken (or not) on purpose in one known way. Each must get the
 * verdict the contract implies; the passing ones must come with a witness order that the reference
 * model accepts.
 */
class LinearizabilityCheckerTest {

  static final String P = "k";

  private final History.Builder h = History.builder();

  private void op(String client, Call call, Outcome outcome, long invoke, long response) {
    h.completed(client, P, call, outcome, invoke, response);
  }

  private void unknown(String client, Call call, long invoke) {
    h.unknown(client, P, call, invoke);
  }

  private CheckResult check() {
    History history = h.build();
    CheckResult r = LinearizabilityChecker.create().check(history);
    if (r.linearizable()) {
      for (PathResult p : r.paths()) {
        assertThat(
                BruteForceChecker.witnessProblems(
                    history.byPath().get(p.path()), p.linearization()))
            .as("witness of %s", p.path())
            .isEmpty();
      }
    }
    return r;
  }

  private void assertLinearizable() {
    CheckResult r = check();
    assertThat(r.verdict()).as(r.explanation()).isEqualTo(Verdict.LINEARIZABLE);
  }

  private Violation assertViolation() {
    CheckResult r = check();
    assertThat(r.verdict()).as(r.explanation()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(r.violations()).hasSize(1);
    return r.violations().get(0);
  }

  @Test
  void emptyHistoryIsLinearizable() {
    CheckResult r = check();
    assertThat(r.verdict()).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(r.paths()).isEmpty();
  }

  @Test
  void sequentialHistoryThroughEveryRulePasses() {
    op("c1", get(), notFound(), 0, 1);
    op("c1", delete(), notFound(), 2, 3);
    op("c1", put("a"), written(1), 4, 5);
    op("c1", putIf(2, "b"), written(2), 6, 7);
    op("c1", putIf(2, "x"), conflict(2), 8, 9);
    op("c1", get(), found(2, "b"), 10, 11);
    op("c1", get(1), found(1, "a"), 12, 13);
    op("c1", get(3), notFound(), 14, 15);
    op("c1", delete(), written(3), 16, 17);
    op("c1", get(), deleted(), 18, 19);
    op("c1", get(3), deleted(), 20, 21);
    op("c1", get(2), found(2, "b"), 22, 23);
    op("c1", deleteVersion(3), tombstoned(), 24, 25); // lifts the marker
    op("c1", get(), found(2, "b"), 26, 27);
    op("c1", deleteVersion(2), tombstoned(), 28, 29); // the previous live version becomes current
    op("c1", get(), found(1, "a"), 30, 31);
    op("c1", deleteVersion(2), tombstoned(), 32, 33); // tombstoning a tombstone changes nothing
    op("c1", deleteVersion(9), notFound(), 34, 35);
    op("c1", deleteVersion(1), tombstoned(), 36, 37);
    op("c1", get(), deleted(), 38, 39); // written once, nothing live
    op("c1", put("c"), written(4), 40, 41);
    op("c1", get(), found(4, "c"), 42, 43);
    assertLinearizable();
  }

  @Nested
  class BrokenOnPurpose {

    @Test
    void staleReadAfterCompletedWriteFails() {
      op("c1", put("a"), written(1), 0, 10);
      op("c1", put("b"), written(2), 20, 30);
      op("c2", get(), found(1, "a"), 40, 50);
      Violation v = assertViolation();
      assertThat(v.culprits()).extracting(Operation::id).containsExactly(3L);
      assertThat(v.longestPrefix()).extracting(Operation::id).containsExactly(1L, 2L);
      assertThat(v.stateAfterPrefix()).isEqualTo("max=v2 [v1 live \"a\", v2 live \"b\"]");
      assertThat(v.blocked()).hasSize(1);
      assertThat(v.blocked().get(0).modelAnswer()).isEqualTo(found(2, "b"));
      assertThat(v.explanation())
          .contains(
              "#3 c2 [40, 50] 'k' get() -> found(v1, \"a\")", "the model answers found(v2, \"b\")");
    }

    @Test
    void readInversionFails() {
      // the write overlaps both reads, but once one read saw it a later read may not miss it
      op("c1", put("a"), written(1), 0, 10);
      op("c2", put("b"), written(2), 20, 100);
      op("c3", get(), found(2, "b"), 30, 40);
      op("c3", get(), found(1, "a"), 50, 60);
      Violation v = assertViolation();
      assertThat(v.culprits()).extracting(Operation::id).containsExactly(4L);
      assertThat(v.overlapping()).extracting(Operation::id).containsExactly(2L);
    }

    @Test
    void twoSuccessfulConditionalPutsWithTheSameExpectedVersionFail() {
      op("c1", put("a"), written(1), 0, 10);
      op("c1", putIf(2, "b"), written(2), 20, 40);
      op("c2", putIf(2, "c"), written(2), 25, 45);
      assertViolation();
    }

    @Test
    void aConditionalPutThatWinsAnotherVersionFails() {
      op("c1", put("a"), written(1), 0, 10);
      op("c1", putIf(2, "b"), written(2), 20, 40);
      op("c2", putIf(2, "c"), written(3), 25, 45); // expected 2, can only ever write 2
      assertThat(assertViolation().reason())
          .isEqualTo("a put conditional on version 2 can only write version 2");
    }

    @Test
    void aConflictReportingALatestThatWouldHaveLetItWinFails() {
      op("c1", put("a"), written(1), 0, 10);
      op("c1", putIf(2, "b"), written(2), 20, 40);
      op("c2", putIf(2, "c"), conflict(1), 25, 45);
      assertThat(assertViolation().reason())
          .isEqualTo("a put conditional on version 2 cannot conflict when the latest version is 1");
    }

    @Test
    void aConflictWithAWrongLatestFails() {
      op("c1", put("a"), written(1), 0, 10);
      op("c2", putIf(5, "c"), conflict(2), 20, 30);
      assertViolation();
    }

    @Test
    void aReusedVersionNumberFails() {
      op("c1", put("a"), written(1), 0, 10);
      op("c2", put("b"), written(1), 20, 30);
      assertViolation();
    }

    @Test
    void aReusedVersionNumberFailsEvenWhenThePutsOverlap() {
      op("c1", put("a"), written(1), 0, 30);
      op("c2", put("b"), written(1), 10, 40);
      assertViolation();
    }

    @Test
    void aSkippedVersionNumberFails() {
      op("c1", put("a"), written(1), 0, 10);
      op("c1", put("b"), written(3), 20, 30);
      assertViolation();
    }

    @Test
    void aDeleteMarkerNumberedLikeAnExistingVersionFails() {
      op("c1", put("a"), written(1), 0, 10);
      op("c1", put("b"), written(2), 20, 30);
      op("c1", delete(), written(2), 40, 50);
      Violation v = assertViolation();
      assertThat(v.reason()).isEqualTo("no order of the operations fits the model");
      assertThat(v.blocked().get(0).modelAnswer()).isEqualTo(written(3));
    }

    @Test
    void aDeleteMarkerNumberedOneFails() {
      op("c1", put("a"), written(1), 0, 10);
      op("c1", delete(), written(1), 20, 30);
      assertThat(assertViolation().reason()).startsWith("a delete marker cannot be version 1");
    }

    @Test
    void aReadOfAValueNeverWrittenFails() {
      op("c1", put("a"), written(1), 0, 10);
      op("c2", get(), found(1, "ghost"), 20, 30);
      Violation v = assertViolation();
      assertThat(v.reason()).isEqualTo("no operation could have written \"ghost\" as version 1");
      assertThat(v.culprits()).extracting(Operation::id).containsExactly(2L);
      assertThat(v.explanation())
          .startsWith("path 'k': not linearizable: no operation could have written");
    }

    @Test
    void aReadOfAValueAtAVersionItsPutDidNotGetFails() {
      op("c1", put("a"), written(1), 0, 10);
      op("c1", put("b"), written(2), 20, 30);
      op("c2", get(1), found(1, "b"), 40, 50);
      assertThat(assertViolation().reason())
          .isEqualTo("no operation could have written \"b\" as version 1");
    }

    @Test
    void theEarliestImpossibleAnswerIsTheCulprit() {
      op("c1", putIf(1, "a"), written(2), 0, 30);
      op("c2", get(3), found(2, "a"), 5, 20);
      Violation v = assertViolation();
      assertThat(v.culprits()).extracting(Operation::id).containsExactly(2L);
      assertThat(v.reason()).isEqualTo("a read of version 3 cannot return version 2");
    }

    @Test
    void aReadOfAVersionThatIsNotTheOneAskedForFails() {
      op("c1", put("a"), written(1), 0, 10);
      op("c1", put("b"), written(2), 20, 30);
      op("c2", get(1), found(2, "b"), 40, 50);
      assertViolation();
    }

    @Test
    void aReadBeforeAnyWriteThatSeesTheWriteFails() {
      op("c2", get(), found(1, "a"), 0, 10);
      op("c1", put("a"), written(1), 20, 30);
      assertViolation();
    }

    @Test
    void aDeleteMarkerIgnoredByALaterReadFails() {
      op("c1", put("a"), written(1), 0, 10);
      op("c1", delete(), written(2), 20, 30);
      op("c2", get(), found(1, "a"), 40, 50);
      Violation v = assertViolation();
      assertThat(v.blocked().get(0).modelAnswer()).isEqualTo(deleted());
    }

    @Test
    void aTombstonedCurrentVersionStillReadFails() {
      op("c1", put("a"), written(1), 0, 10);
      op("c1", put("b"), written(2), 20, 30);
      op("c1", deleteVersion(2), tombstoned(), 40, 50);
      op("c2", get(), found(2, "b"), 60, 70);
      assertViolation();
    }

    @Test
    void aTombstonedVersionReadByNumberFails() {
      op("c1", put("a"), written(1), 0, 10);
      op("c1", deleteVersion(1), tombstoned(), 20, 30);
      op("c2", get(1), found(1, "a"), 40, 50);
      assertViolation();
    }

    @Test
    void notFoundForAPathThatWasWrittenFails() {
      op("c1", put("a"), written(1), 0, 10);
      op("c1", deleteVersion(1), tombstoned(), 20, 30);
      op("c2", get(), notFound(), 40, 50); // must be deleted: the path exists
      assertViolation();
    }

    @Test
    void deletedForAPathNeverWrittenFails() {
      op("c2", get(), deleted(), 0, 10);
      assertViolation();
    }

    @Test
    void aDeleteOfAPathNeverWrittenThatSucceedsFails() {
      op("c1", delete(), written(1), 0, 10);
      assertViolation();
    }

    @Test
    void aDeleteVersionAnsweredDeletedFailsBecauseTheModelHasNoGarbageCollection() {
      op("c1", put("a"), written(1), 0, 10);
      op("c1", deleteVersion(1), deleted(), 20, 30);
      assertViolation();
    }

    @Test
    void anUnknownPutCannotTakeEffectAndThenVanish() {
      unknown("c1", put("a"), 0);
      op("c2", get(), notFound(), 10, 20);
      op("c2", get(), found(1, "a"), 30, 40);
      op("c2", get(), notFound(), 50, 60);
      Violation v = assertViolation();
      assertThat(v.culprits()).extracting(Operation::id).containsExactly(4L);
    }

    @Test
    void anUnknownPutCannotTakeEffectBeforeItWasInvoked() {
      op("c2", get(), found(1, "a"), 0, 10);
      unknown("c1", put("a"), 20);
      assertViolation();
    }

    @Test
    void theFirstBadResponseIsFoundInALongHistory() {
      long t = 0;
      for (int i = 1; i <= 20; i++) {
        op("c1", put("a" + i), written(i), t, t + 5);
        op("c2", get(), found(i, "a" + i), t + 6, t + 9);
        t += 10;
      }
      op("c3", get(), found(19, "a19"), t, t + 5); // stale: id 41
      t += 10;
      for (int i = 21; i <= 40; i++) {
        op("c1", put("a" + i), written(i), t, t + 5);
        t += 10;
      }
      Violation v = assertViolation();
      assertThat(v.culprits()).extracting(Operation::id).containsExactly(41L);
      assertThat(v.longestPrefix()).hasSize(40);
      assertThat(v.inconclusiveCut()).isFalse();
    }
  }

  @Nested
  class FineInSomeOrder {

    @Test
    void aReadOverlappingAWriteMaySeeTheOldValue() {
      op("c1", put("a"), written(1), 0, 10);
      op("c1", put("b"), written(2), 20, 50);
      op("c2", get(), found(1, "a"), 30, 40);
      assertLinearizable();
    }

    @Test
    void aReadOverlappingAWriteMaySeeTheNewValue() {
      op("c1", put("a"), written(1), 0, 10);
      op("c1", put("b"), written(2), 20, 50);
      op("c2", get(), found(2, "b"), 30, 40);
      assertLinearizable();
    }

    @Test
    void aReadOverlappingTheFirstWriteMaySeeNothing() {
      op("c1", put("a"), written(1), 0, 50);
      op("c2", get(), notFound(), 10, 60);
      assertLinearizable();
    }

    @Test
    void equalTimesCountAsOverlapping() {
      op("c1", put("a"), written(1), 0, 10);
      op("c2", get(), notFound(), 10, 20);
      assertLinearizable();
    }

    @Test
    void concurrentPutsMayBeNumberedInEitherOrder() {
      op("c1", put("a"), written(2), 0, 30);
      op("c2", put("b"), written(1), 10, 40);
      op("c3", get(), found(2, "a"), 50, 60);
      op("c3", get(1), found(1, "b"), 70, 80);
      assertLinearizable();
    }

    @Test
    void ofConcurrentConditionalPutsWithTheSameVersionOneWins() {
      op("c1", put("a"), written(1), 0, 10);
      op("c1", putIf(2, "b"), written(2), 20, 40);
      op("c2", putIf(2, "c"), conflict(2), 25, 45);
      op("c3", putIf(2, "d"), conflict(2), 15, 50);
      op("c3", get(), found(2, "b"), 60, 70);
      assertLinearizable();
    }

    @Test
    void aDeleteAndAPutOverlappingMayGoEitherWay() {
      op("c1", put("a"), written(1), 0, 10);
      op("c1", delete(), written(3), 20, 50);
      op("c2", put("b"), written(2), 25, 55);
      op("c3", get(), deleted(), 60, 70);
      op("c3", get(2), found(2, "b"), 80, 90);
      assertLinearizable();
    }

    @Test
    void manyOverlappingOperationsSettleOnOneOrder() {
      op("c0", put("a"), written(1), 0, 10);
      op("c1", putIf(2, "b"), conflict(2), 20, 100);
      op("c2", put("c"), written(2), 21, 99);
      op("c3", get(), found(1, "a"), 22, 98);
      op("c4", delete(), written(3), 23, 97);
      op("c5", get(), found(2, "c"), 24, 96);
      op("c6", deleteVersion(3), tombstoned(), 25, 95);
      op("c7", get(), found(2, "c"), 110, 120);
      assertLinearizable();
    }
  }

  @Nested
  class UnknownOutcomes {

    @Test
    void anUnknownPutMayNeverHaveApplied() {
      op("c1", put("a"), written(1), 0, 10);
      unknown("c2", put("b"), 20);
      op("c3", get(), found(1, "a"), 100, 110);
      op("c3", put("c"), written(2), 120, 130);
      assertLinearizable();
    }

    @Test
    void anUnknownPutMayHaveApplied() {
      op("c1", put("a"), written(1), 0, 10);
      unknown("c2", put("b"), 20);
      op("c3", get(), found(2, "b"), 100, 110);
      op("c3", put("c"), written(3), 120, 130);
      assertLinearizable();
    }

    @Test
    void anUnknownPutMayTakeEffectLongAfterItsInvocation() {
      unknown("c1", put("a"), 0);
      op("c2", get(), notFound(), 10, 20);
      op("c2", put("b"), written(1), 30, 40);
      op("c2", get(), found(1, "b"), 50, 60);
      op("c2", get(2), found(2, "a"), 70, 80);
      assertLinearizable();
    }

    @Test
    void aLaterVersionNumberProvesAnUnknownPutApplied() {
      unknown("c1", put("a"), 0);
      op("c2", put("b"), written(2), 10, 20);
      op("c2", get(1), found(1, "a"), 30, 40);
      assertLinearizable();
    }

    @Test
    void aLaterVersionNumberProvesAnUnknownPutAppliedSoItsVersionCannotBeMissing() {
      unknown("c1", put("a"), 0);
      op("c2", put("b"), written(2), 10, 20);
      op("c2", get(1), notFound(), 30, 40);
      assertViolation();
    }

    @Test
    void anUnknownDeleteMayOrMayNotHaveApplied() {
      op("c1", put("a"), written(1), 0, 10);
      unknown("c2", delete(), 20);
      op("c3", get(), found(1, "a"), 30, 40);
      op("c3", get(), deleted(), 50, 60);
      assertLinearizable();
    }

    @Test
    void anUnknownConditionalPutIsJudgedByItsExpectedVersion() {
      op("c1", put("a"), written(1), 0, 10);
      unknown("c2", putIf(5, "b"), 20); // can only ever conflict
      op("c3", get(2), found(2, "b"), 30, 40);
      assertViolation();
    }

    @Test
    void anUnknownReadConstrainsNothing() {
      op("c1", put("a"), written(1), 0, 10);
      unknown("c2", get(), 20);
      op("c3", get(), found(1, "a"), 30, 40);
      assertLinearizable();
    }
  }

  @Nested
  class Paths {

    @Test
    void pathsAreIndependentAndTheViolationNamesItsPath() {
      h.completed("c1", "x", put("a"), written(1), 0, 10);
      h.completed("c1", "y", put("a"), written(1), 5, 15); // version 1 again, on another path: fine
      h.completed("c2", "x", get(), found(1, "a"), 20, 30);
      h.completed("c2", "y", get(), notFound(), 20, 30); // broken
      CheckResult r = check();
      assertThat(r.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
      assertThat(r.paths()).extracting(PathResult::path).containsExactly("x", "y");
      assertThat(r.paths())
          .extracting(PathResult::verdict)
          .containsExactly(Verdict.LINEARIZABLE, Verdict.NOT_LINEARIZABLE);
      assertThat(r.violations()).extracting(Violation::path).containsExactly("y");
      assertThat(r.explanation()).contains("path 'y': not linearizable").doesNotContain("path 'x'");
    }
  }

  @Nested
  class Budget {

    /**
     * Fourteen reads overlapping a write, all seeing the old value, then a stale read after the
     * write completed. Every subset of the reads can go before the write, so the search visits
     * about 2^14 configurations before it can say no: the memo cannot merge sets that differ.
     */
    private History hard() {
      History.Builder b = History.builder();
      b.completed("w", P, put("a"), written(1), 0, 10);
      b.completed("w", P, put("b"), written(2), 20, 1000);
      for (int i = 0; i < 14; i++) {
        b.completed("r" + i, P, get(), found(1, "a"), 21 + i, 999 - i);
      }
      b.completed("late", P, get(), found(1, "a"), 2000, 2010);
      return b.build();
    }

    @Test
    void aSmallBudgetGivesInconclusiveInsteadOfHanging() {
      CheckResult r = LinearizabilityChecker.withBudget(100).check(hard());
      assertThat(r.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(r.paths().get(0).steps()).isEqualTo(101);
      assertThat(r.explanation()).contains("inconclusive", "budget");
    }

    @Test
    void theDefaultBudgetDecidesTheSameHistory() {
      CheckResult r = LinearizabilityChecker.create().check(hard());
      assertThat(r.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
      assertThat(r.paths().get(0).steps()).isGreaterThan(1 << 14);
      assertThat(r.violations().get(0).culprits())
          .extracting(Operation::client)
          .containsExactly("late");
    }

    /**
     * Shaped after a history found by {@code LinearizabilityProperties}: one bad answer late in a
     * history with a dozen pending unknown puts (here a stale read; there a conditional put that
     * wrote the wrong version, now caught before any search). Before unread values were merged,
     * unknown twins ordered and unknown no-ops left pending, the search tried the unknown puts'
     * interleavings and ran out of the default budget.
     */
    @Test
    void aLateViolationAfterManyUnknownPutsIsDecided() {
      op("c0", put("v1"), written(1), 99, 101);
      unknown("c1", put("v2"), 199);
      unknown("c3", put("v4"), 199);
      op("c2", put("v3"), written(3), 299, 301);
      op("c3", delete(), written(5), 499, 901);
      unknown("c2", delete(), 599);
      op("c0", put("v9"), written(6), 699, 1001);
      unknown("c0", get(), 999);
      unknown("c3", delete(), 1199);
      op("c2", put("v15"), written(8), 1199, 1801);
      op("c3", delete(), written(9), 1599, 1901);
      unknown("c2", put("v19"), 1599);
      unknown("c1", put("v18"), 1799);
      op("c0", delete(), written(11), 1999, 2101);
      op("c1", put("v22"), written(12), 2099, 2201);
      op("c2", deleteVersion(6), tombstoned(), 2199, 2401);
      op("c0", deleteVersion(2), tombstoned(), 2199, 2601);
      unknown("c3", put("v24"), 2299);
      op("c2", deleteVersion(9), tombstoned(), 2499, 2801);
      op("c1", put("v30"), written(13), 2699, 3201);
      unknown("c0", deleteVersion(10), 3099);
      op("c2", put("v35"), written(14), 3499, 3601);
      op("c0", deleteVersion(1), tombstoned(), 3499, 3701);
      op("c3", put("v36"), written(15), 3599, 3801);
      op("c0", get(7), deleted(), 4099, 4101);
      op("c3", delete(), written(17), 4199, 4701);
      op("c2", put("v43"), written(16), 4299, 4601);
      op("c0", get(), deleted(), 4299, 4601);
      op("c2", deleteVersion(10), tombstoned(), 4499, 5001);
      op("c3", put("v48"), written(18), 4799, 4801);
      unknown("c0", putIf(19, "v49"), 4899);
      op("c2", putIf(20, "v51"), written(20), 4999, 5101);
      unknown("c3", get(), 5199);
      op("c1", putIf(23, "v54"), conflict(21), 5199, 5601);
      op("c2", put("v55"), written(22), 5199, 5601);
      op("c0", put("v53"), written(21), 5299, 5601);
      op("c3", delete(), written(23), 5499, 5701);
      op("c0", putIf(24, "v57"), written(24), 5599, 5901);
      op("c1", get(8), found(8, "v15"), 5799, 5801);
      unknown("c3", put("v60"), 5799);
      op("c2", get(1), deleted(), 6299, 6401);
      op("c1", putIf(26, "v66"), written(26), 6299, 6901);
      unknown("c2", get(), 6599);
      op("c1", deleteVersion(3), tombstoned(), 6699, 7201);
      unknown("c3", get(), 6799);
      op("c0", putIf(29, "v69"), conflict(26), 6799, 7201);
      op("c3", get(), found(26, "v66"), 6899, 7401);
      op("c1", get(), found(26, "v66"), 7299, 7501);
      op(
          "c3",
          get(),
          found(24, "v57"),
          7299,
          7701); // stale: v26 was current from 6901 at the latest
      op("c2", get(5), deleted(), 7499, 7601);
      CheckResult r = check();
      assertThat(r.verdict()).as(r.explanation()).isEqualTo(Verdict.NOT_LINEARIZABLE);
      Violation v = r.violations().get(0);
      assertThat(v.reason()).isEqualTo("no order of the operations fits the model");
      assertThat(v.culprits()).extracting(Operation::id).containsExactly(49L);
      assertThat(v.blocked()).extracting(b -> b.operation().id()).contains(49L);
      assertThat(r.paths().get(0).steps()).isBetween(1L, 100_000L);
    }

    @Test
    void aBudgetIsPositive() {
      assertThatThrownBy(() -> LinearizabilityChecker.withBudget(0))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class Validation {

    @Test
    void anOutcomeTheCallCannotHaveIsRejected() {
      assertThatThrownBy(() -> h.completed("c", P, put("a"), found(1, "a"), 0, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("put(\"a\") cannot answer found(v1, \"a\")");
      assertThatThrownBy(() -> h.completed("c", P, get(), written(1), 0, 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> h.completed("c", P, delete(), tombstoned(), 0, 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> h.completed("c", P, deleteVersion(1), written(1), 0, 1))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aResponseBeforeItsInvocationIsRejected() {
      assertThatThrownBy(() -> h.completed("c", P, get(), notFound(), 10, 5))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("before invocation");
    }

    @Test
    void anUnknownOutcomeHasNoResponseTime() {
      assertThatThrownBy(() -> new Operation(1, "c", P, get(), Outcome.unknown(), 0, 5))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(
              () -> new Operation(1, "c", P, get(), notFound(), 0, Operation.NO_RESPONSE))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void versionsStartAtOne() {
      assertThatThrownBy(() -> putIf(0, "a")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> get(0)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> deleteVersion(0)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> written(0)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> conflict(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void idsAreUniqueInAHistory() {
      List<Operation> ops = new ArrayList<>();
      ops.add(new Operation(7, "c", P, get(), notFound(), 0, 1));
      ops.add(new Operation(7, "c", P, get(), notFound(), 2, 3));
      assertThatThrownBy(() -> History.of(ops))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("two operations have id 7");
    }
  }
}
