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

import java.util.List;

/**
 * An encoding (a message header, a stored context, a registry value) in a format version this node
 * does not speak. Its message names the version found and the versions understood.
 */
public final class UnsupportedVersionException extends IllegalArgumentException {
  private final String found;
  private final List<String> understood;

  public UnsupportedVersionException(String what, String found, List<String> understood) {
    super(
        what
            + " in format version "
            + found
            + ", which this node does not speak (it speaks "
            + String.join(", ", understood)
            + ")");
    this.found = found;
    this.understood = List.copyOf(understood);
  }

  public String found() {
    return found;
  }

  public List<String> understood() {
    return understood;
  }
}
