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

/**
 * PING: asks a peer to answer, nothing more. A node pings the live peers it has not heard from
 * lately, so it learns that it is cut off from them even when it coordinates no request itself.
 */
public record Ping() {
  public static final String TYPE = "ping";

  public byte[] encode() {
    return Header.writer().done();
  }

  public static Ping decode(byte[] header) {
    Header.reader(header, TYPE).end();
    return new Ping();
  }

  /** Here (no fields). */
  public record Reply() {
    public byte[] encode() {
      return Header.writer().done();
    }

    public static Reply decode(byte[] header) {
      Header.reader(header, TYPE + " reply").end();
      return new Reply();
    }
  }
}
