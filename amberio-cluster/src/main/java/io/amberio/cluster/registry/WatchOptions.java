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
 * Where a {@link Registry#watch watch} starts.
 *
 * @param startRevision the first revision to deliver (history is replayed from it), or 0 for
 *     changes made after the watch is established
 */
public record WatchOptions(long startRevision) {

  /** Checks that the start revision is not negative. */
  public WatchOptions {
    if (startRevision < 0) {
      throw new IllegalArgumentException(
          "start revision must be >= 0 (0 = from now), was " + startRevision);
    }
  }

  /** Deliver the changes made after the watch is established. */
  public static WatchOptions fromNow() {
    return new WatchOptions(0);
  }

  /**
   * Deliver every change with a revision of at least {@code revision}, replaying history first. Use
   * {@code ListResult.revision() + 1} to follow a listing without a gap.
   */
  public static WatchOptions fromRevision(long revision) {
    if (revision < 1) {
      throw new IllegalArgumentException("a start revision is >= 1, was " + revision);
    }
    return new WatchOptions(revision);
  }
}
