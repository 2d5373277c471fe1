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

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the node's own Prometheus metrics, to wait for server-side events without sleeping blindly.
 */
final class Metrics {
  private static final Pattern REQUESTS =
      Pattern.compile(
          "amberio_http_requests_seconds_count\\{method=\"(\\w+)\",route=\"(\\w+)\",status=\"(\\w+)\"} (\\d+)");
  private static final Pattern ACTIVE =
      Pattern.compile("(?m)^amberio_http_requests_active (\\S+)$");

  private Metrics() {}

  /**
   * Waits (up to 30 s) until a request of {@code method} to {@code route} finished with a status
   * accepted by {@code status}.
   */
  static void awaitRequest(TestNode node, String method, String route, Predicate<String> status)
      throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      Matcher m =
          REQUESTS.matcher(
              node.get("/metrics").body().length == 0
                  ? ""
                  : new String(node.get("/metrics").body(), StandardCharsets.UTF_8));
      while (m.find()) {
        if (m.group(1).equals(method) && m.group(2).equals(route) && status.test(m.group(3))) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + method + " to " + route + " finished in time");
  }

  /** The number of requests being served, the metrics request itself included. */
  static int active(String metricsText) {
    Matcher m = ACTIVE.matcher(metricsText);
    assertThat(m.find()).as("active requests gauge in %s", metricsText).isTrue();
    return (int) Double.parseDouble(m.group(1));
  }
}
