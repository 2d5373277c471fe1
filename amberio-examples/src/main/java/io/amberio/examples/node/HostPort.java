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
package io.amberio.examples.node;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A {@code host:port} of the configuration file: a host name, an IPv4 address or a bracketed IPv6
 * address ({@code [::1]:7481}), and a port 0 to 65535. Not resolved here.
 *
 * @param host the host, without brackets
 * @param port the port
 */
public record HostPort(String host, int port) {

  /** Validates the parts. */
  public HostPort {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()
        || host.length() > 253
        || host.chars().anyMatch(c -> c <= ' ' || c >= 0x7f || c == '/' || c == '@')) {
      throw new IllegalArgumentException("'" + host + "' is not a host name or address");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
    }
  }

  /**
   * Parses {@code host:port} or {@code [ipv6]:port}.
   *
   * @throws IllegalArgumentException saying what is wrong, for a text that is not one
   */
  public static HostPort parse(String text) {
    Objects.requireNonNull(text, "text");
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw new IllegalArgumentException(
            "expected host:port (an IPv6 address in brackets: [::1]:7481), was '" + text + "'");
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
      if (host.isEmpty() || !host.contains(":")) {
        throw new IllegalArgumentException(
            "expected an IPv6 address in the brackets, was '" + text + "'");
      }
    } else {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || colon == text.length() - 1) {
        throw new IllegalArgumentException("expected host:port, was '" + text + "'");
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
      if (host.contains(":")) {
        throw new IllegalArgumentException(
            "an IPv6 address goes in brackets ([::1]:7481), was '" + text + "'");
      }
    }
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("the port of '" + text + "' is not a number 0 to 65535");
    }
    int p = Integer.parseInt(port);
    if (p > 65_535) {
      throw new IllegalArgumentException("the port of '" + text + "' is not a number 0 to 65535");
    }
    try {
      return new HostPort(host, p);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + host + "' in '" + text + "' is not a host name or address");
    }
  }

  /** A socket address for this host and port, resolving the host name now (may block on DNS). */
  public InetSocketAddress resolve() {
    return new InetSocketAddress(host, port);
  }

  /** {@code host:port}, IPv6 addresses in brackets. */
  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
