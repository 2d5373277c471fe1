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

import java.util.Objects;

/**
 * One change seen by a {@link Registry#watch watch}.
 *
 * @param type whether the key was written or deleted
 * @param keyValue for {@link Type#PUT}, the key as written; for {@link Type#DELETE}, the key with
 *     an empty value, create revision 0, no lease, and the deletion's revision as {@link
 *     KeyValue#modRevision()}
 */
public record WatchEvent(Type type, KeyValue keyValue) {

  /** The kind of change. */
  public enum Type {
    /** The key was created or replaced. */
    PUT,
    /** The key was deleted: explicitly, or because its lease expired or was revoked. */
    DELETE
  }

  /** Checks that neither component is null. */
  public WatchEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(keyValue, "keyValue");
  }

  /** A PUT of {@code kv}. */
  public static WatchEvent put(KeyValue kv) {
    return new WatchEvent(Type.PUT, kv);
  }

  /** A DELETE of {@code key} at {@code revision}. */
  public static WatchEvent delete(String key, long revision) {
    return new WatchEvent(
        Type.DELETE, new KeyValue(key, new byte[0], 0, revision, Registry.NO_LEASE));
  }

  /** The key that changed. */
  public String key() {
    return keyValue.key();
  }

  /** The revision of the change. */
  public long revision() {
    return keyValue.modRevision();
  }
}
