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

import static io.amberio.examples.node.TestNode.errorCode;
import static io.amberio.examples.node.TestNode.json;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /objects}: pages, cursors, prefixes, every version, and bad parameters. */
class ListingApiTest {
  @TempDir static Path dir;
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(dir);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void followingCursorsVisitsEveryPathExactlyOnceInByteOrder() {
    TreeSet<String> expected =
        new TreeSet<>((a, b) -> Arrays.compare(a.getBytes(UTF_8), b.getBytes(UTF_8)));
    for (int i = 0; i < 137; i++) {
      String path =
          "pages/"
              + (i % 7)
              + "/item-"
              + i
              + (i % 5 == 0 ? "-é" : "")
              + (i % 11 == 0 ? "+plus;semi" : "");
      assertThat(node.put("/objects/" + encodePath(path), "x" + i).statusCode()).isEqualTo(201);
      expected.add(path);
    }
    node.put("/objects/pagesX", "outside the prefix");

    for (int limit : new int[] {1, 10, 50, 137, 1000}) {
      List<String> seen = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        String query =
            "?prefix=pages/&limit="
                + limit
                + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, UTF_8));
        HttpResponse<byte[]> response = node.get("/objects" + query);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode page = json(response);
        assertThat(page.path("items").size()).isLessThanOrEqualTo(limit);
        page.path("items").forEach(item -> seen.add(item.path("path").asText()));
        cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
        assertThat(page.has("nextCursor")).isTrue();
        pages++;
      } while (cursor != null && pages < 1000);
      assertThat(seen).as("limit %d", limit).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void itemsDescribeTheCurrentVersion() {
    node.put("/objects/items/a", "one");
    String etag = json(node.put("/objects/items/a", "three")).path("etag").asText();
    node.put("/objects/items/b", "b");
    node.delete("/objects/items/b");

    JsonNode page = json(node.get("/objects?prefix=items/"));
    assertThat(page.path("items").size()).isEqualTo(1);
    JsonNode item = page.path("items").get(0);
    assertThat(item.path("path").asText()).isEqualTo("items/a");
    assertThat(item.path("version").asLong()).isEqualTo(2);
    assertThat(item.path("size").asLong()).isEqualTo(5);
    assertThat(item.path("etag").asText()).isEqualTo(etag);
    assertThat(item.path("blobId").asText()).hasSize(26);
    assertThat(Instant.parse(item.path("lastModified").asText())).isBeforeOrEqualTo(Instant.now());
    assertThat(item.has("state")).isFalse();
    assertThat(page.path("nextCursor").isNull()).isTrue();
  }

  @Test
  void versionsTrueListsEveryVersionWithItsState() {
    node.put("/objects/states/a", "v1");
    node.put("/objects/states/a", "v2");
    node.put("/objects/states/a", "v3");
    node.delete("/objects/states/a?version=2");
    node.delete("/objects/states/a");

    JsonNode page = json(node.get("/objects?prefix=states/&versions=true"));
    List<String> states = new ArrayList<>();
    page.path("items")
        .forEach(
            item -> states.add(item.path("version").asLong() + ":" + item.path("state").asText()));
    assertThat(states).containsExactlyInAnyOrder("1:live", "2:tombstoned", "3:live", "4:marker");
    assertThat(json(node.get("/objects?prefix=states/")).path("items").size()).isZero();
    assertThat(json(node.get("/objects?prefix=states/&versions=false")).path("items").size())
        .isZero();
  }

  @Test
  void versionsTrueFollowsCursorsToo() {
    for (int i = 0; i < 5; i++) {
      for (int v = 0; v < 3; v++) {
        node.put("/objects/vpages/" + i, "v" + v);
      }
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          json(
              node.get(
                  "/objects?prefix=vpages/&versions=true&limit=4"
                      + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, UTF_8))));
      page.path("items")
          .forEach(
              item -> seen.add(item.path("path").asText() + "@" + item.path("version").asLong()));
      cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
    } while (cursor != null);
    assertThat(seen).hasSize(15).doesNotHaveDuplicates();
  }

  @Test
  void prefixIsPercentDecodedWithPlusKeptLiteral() {
    node.put("/objects/pfx/a+b", "plus");
    node.put("/objects/pfx/a%20b", "space");
    node.put("/objects/pfx/x%2Fy", "slash");

    assertThat(paths(node.get("/objects?prefix=pfx/a+"))).containsExactly("pfx/a+b");
    assertThat(paths(node.get("/objects?prefix=pfx/a%2B"))).containsExactly("pfx/a+b");
    assertThat(paths(node.get("/objects?prefix=pfx/a%20"))).containsExactly("pfx/a b");
    assertThat(paths(node.get("/objects?prefix=pfx%2Fx%2F"))).containsExactly("pfx/x/y");
  }

  @Test
  void badLimitGives400() {
    for (String limit :
        new String[] {"0", "-1", "10001", "abc", "", "1.5", "99999999999999999999"}) {
      HttpResponse<byte[]> response = node.get("/objects?limit=" + limit);
      assertThat(response.statusCode()).as("limit=%s", limit).isEqualTo(400);
      assertThat(errorCode(response)).isEqualTo("invalid_limit");
    }
    assertThat(node.get("/objects?limit=10000").statusCode()).isEqualTo(200);
    assertThat(node.get("/objects?limit=1").statusCode()).isEqualTo(200);
  }

  @Test
  void badCursorGives400() {
    for (String cursor : new String[] {"garbage", "null", "AAAA", "%FF%FE", "%zz"}) {
      TestNode.Raw response = node.rawGet("/objects?cursor=" + cursor);
      assertThat(response.status()).as("cursor=%s", cursor).isEqualTo(400);
      assertThat(response.errorCode()).isEqualTo("invalid_cursor");
    }
  }

  @Test
  void badVersionsFlagGives400() {
    for (String versions : new String[] {"yes", "1", "TRUE", ""}) {
      HttpResponse<byte[]> response = node.get("/objects?versions=" + versions);
      assertThat(response.statusCode()).as("versions=%s", versions).isEqualTo(400);
      assertThat(errorCode(response)).isEqualTo("invalid_versions");
    }
  }

  @Test
  void badPrefixGives400() {
    for (String prefix : new String[] {"%C3%28", "%FF", "%", "%G0", "%E2%82", "%C0%AF"}) {
      TestNode.Raw response = node.rawGet("/objects?prefix=" + prefix);
      assertThat(response.status()).as("prefix=%s", prefix).isEqualTo(400);
      assertThat(response.errorCode()).isEqualTo("invalid_prefix");
    }
    HttpResponse<byte[]> twice = node.get("/objects?prefix=a&prefix=b");
    assertThat(twice.statusCode()).isEqualTo(400);
    assertThat(errorCode(twice)).isEqualTo("invalid_prefix");
  }

  @Test
  void unknownParameterGives400() {
    HttpResponse<byte[]> response = node.get("/objects?prefx=a");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("invalid_parameter");
  }

  private static List<String> paths(HttpResponse<byte[]> response) {
    assertThat(response.statusCode()).isEqualTo(200);
    List<String> paths = new ArrayList<>();
    json(response).path("items").forEach(item -> paths.add(item.path("path").asText()));
    return paths;
  }

  /** Percent-encodes what a path may not carry raw in a URI, keeping '/', '+' and ';'. */
  static String encodePath(String path) {
    StringBuilder out = new StringBuilder();
    for (byte b : path.getBytes(UTF_8)) {
      int c = b & 0xff;
      if (c > 0x20 && c < 0x7f && c != '%' && c != '?' && c != '#') {
        out.append((char) c);
      } else {
        out.append(String.format("%%%02X", c));
      }
    }
    return out.toString();
  }
}
