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
package io.amberio.cluster.internal.msg;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The decision of a transaction, the value of {@code txn/<id>} in the registry: commit as a
 * version, or abort. Written once by compare-and-set: the coordinator's commit is a write's
 * linearization point, a resolver's abort ends a transaction whose coordinator went quiet.
 *
 * <p>Text. Version 2 (this release): {@code v2|commit|<version>} or {@code v2|abort}. Version 1
 * (release 0.1, unversioned): {@code commit <version>} or {@code abort}; still read, since a
 * registry may hold decisions of transactions that were in flight when the cluster was upgraded.
 * Anything else is refused, never taken for an abort. (Release 0.1 read any value not starting with
 * {@code commit } as an abort, so a cluster must not mix releases: its nodes could not talk anyway,
 * the message headers changed too.)
 */
public record Decision(boolean commit, long version) {
  private static final String V2 = "v2|";
  private static final String LEGACY_COMMIT = "commit ";
  private static final String LEGACY_ABORT = "abort";

  public static Decision commitAs(long version) {
    return new Decision(true, version);
  }

  public static Decision abort() {
    return new Decision(false, 0);
  }

  public byte[] encode() {
    String v = commit ? V2 + "commit|" + version : V2 + "abort";
    return v.getBytes(StandardCharsets.UTF_8);
  }

  public static Decision decode(byte[] value) {
    String v = new String(value, StandardCharsets.UTF_8);
    try {
      if (v.startsWith(V2)) {
        String rest = v.substring(V2.length());
        if (rest.equals("abort")) {
          return abort();
        }
        if (rest.startsWith("commit|")) {
          return commitAs(Long.parseLong(rest.substring("commit|".length())));
        }
      } else if (v.equals(LEGACY_ABORT)) {
        return abort();
      } else if (v.startsWith(LEGACY_COMMIT)) {
        return commitAs(Long.parseLong(v.substring(LEGACY_COMMIT.length())));
      } else if (v.matches("v[0-9]+\\|.*")) {
        throw new UnsupportedVersionException(
            "transaction decision '" + v + "'",
            v.substring(1, v.indexOf('|')),
            List.of("1 (unversioned)", "2"));
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("unreadable transaction decision '" + v + "'", e);
    }
    throw new IllegalArgumentException("unreadable transaction decision '" + v + "'");
  }
}
