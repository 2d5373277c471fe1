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
package io.amberio.core.internal;

import io.amberio.core.internal.journal.Journal;
import io.amberio.core.internal.journal.JournalRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The journals of a store: {@value #STRIPES} per disk, in {@code <disk>/journal/<stripe>}. One
 * journal serializes its fsyncs; the disk takes several in parallel (the fsync limit with 8 writers
 * is several times that of one), so slots are spread over a few independent journals. A slot always
 * uses the same one, which keeps its records in order.
 */
final class Journals {
  private static final long SEGMENT_SIZE = 32L << 20;

  /** Journals per disk. */
  static final int STRIPES = 4;

  private final int disks;
  private final List<Journal> journals;

  private Journals(int disks, List<Journal> journals) {
    this.disks = disks;
    this.journals = journals;
  }

  /**
   * Opens every journal of the store, replaying what each holds into {@code replay}, in order, one
   * journal after the other; {@code sealer} makes the slot databases durable when a journal reuses
   * its space.
   */
  static Journals open(
      StoreLayout layout,
      int disks,
      long minFreeBytes,
      Journal.Sealer sealer,
      Consumer<JournalRecord> replay) {
    List<Journal> journals = new ArrayList<>();
    try {
      for (int d = 0; d < disks; d++) {
        for (int stripe = 0; stripe < STRIPES; stripe++) {
          journals.add(
              Journal.open(
                  layout.journalDir(d).resolve(Integer.toString(stripe)),
                  SEGMENT_SIZE,
                  minFreeBytes,
                  sealer,
                  replay));
        }
      }
    } catch (RuntimeException e) {
      journals.forEach(Journal::close);
      throw e;
    }
    return new Journals(disks, journals);
  }

  /** The journal of slot {@code slot}: on the slot's disk, the stripe the slot always uses. */
  Journal of(int slot) {
    return journals.get((slot % disks) * STRIPES + (slot / disks) % STRIPES);
  }

  /** Closes every journal; the caller has made sure every record is in a durable slot database. */
  void close() {
    journals.forEach(Journal::close);
  }
}
