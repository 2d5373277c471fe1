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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PUT, GET, HEAD and DELETE of objects over HTTP: statuses, headers and bodies of the contract. */
class ObjectsApiTest {
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
  void putReturns201WithTheVersionAndEtag() {
    HttpResponse<byte[]> put = node.put("/objects/put/first.txt", "hello");
    assertThat(put.statusCode()).isEqualTo(201);
    JsonNode body = json(put);
    assertThat(body.path("path").asText()).isEqualTo("put/first.txt");
    assertThat(body.path("version").asLong()).isEqualTo(1);
    assertThat(body.path("size").asLong()).isEqualTo(5);
    assertThat(body.path("blobId").asText()).hasSize(26);
    assertThat(put.headers().firstValue("ETag")).hasValue('"' + body.path("etag").asText() + '"');

    HttpResponse<byte[]> second = node.put("/objects/put/first.txt", "hello again");
    assertThat(json(second).path("version").asLong()).isEqualTo(2);
    assertThat(json(second).path("etag").asText()).isNotEqualTo(body.path("etag").asText());
  }

  @Test
  void getReturnsTheBytesWithEveryHeader() {
    JsonNode put =
        json(
            node.send(
                HttpRequest.newBuilder(node.uri("/objects/get/a.txt"))
                    .header("Content-Type", "text/plain; charset=utf-8")
                    .PUT(HttpRequest.BodyPublishers.ofString("contents"))));

    HttpResponse<byte[]> get = node.get("/objects/get/a.txt");
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).asString(UTF_8).isEqualTo("contents");
    assertThat(get.headers().firstValue("Content-Length")).hasValue("8");
    assertThat(get.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    assertThat(get.headers().firstValue("ETag")).hasValue('"' + put.path("etag").asText() + '"');
    assertThat(get.headers().firstValue("X-Amberio-Version")).hasValue("1");
    assertThat(get.headers().firstValue("X-Amberio-Blob-Id")).hasValue(put.path("blobId").asText());
    String lastModified = get.headers().firstValue("Last-Modified").orElseThrow();
    assertThat(lastModified)
        .endsWith(" GMT")
        .matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
    ZonedDateTime.parse(lastModified, DateTimeFormatter.RFC_1123_DATE_TIME);
  }

  @Test
  void contentTypeDefaultsToOctetStream() {
    node.put("/objects/get/untyped", "x");
    assertThat(node.get("/objects/get/untyped").headers().firstValue("Content-Type"))
        .hasValue("application/octet-stream");
  }

  @Test
  void headReturnsTheHeadersWithoutABody() {
    node.put("/objects/head/a", "twelve bytes");
    HttpResponse<byte[]> head = node.head("/objects/head/a");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Length")).hasValue("12");
    assertThat(head.headers().firstValue("ETag")).isPresent();
    assertThat(head.headers().firstValue("X-Amberio-Version")).hasValue("1");

    TestNode.Raw raw =
        node.raw("HEAD /objects/head/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.body()).isEmpty();
    assertThat(raw.header("Content-Length")).isEqualTo("12");
  }

  @Test
  void getOfAVersionReadsThatVersion() {
    node.put("/objects/versions/a", "one");
    node.put("/objects/versions/a", "two");
    assertThat(node.get("/objects/versions/a?version=1").body()).asString().isEqualTo("one");
    assertThat(node.get("/objects/versions/a?version=2").body()).asString().isEqualTo("two");
    assertThat(node.get("/objects/versions/a").body()).asString().isEqualTo("two");
    HttpResponse<byte[]> missing = node.get("/objects/versions/a?version=3");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(errorCode(missing)).isEqualTo("not_found");
  }

  @Test
  void missingPathIsNotFound() {
    HttpResponse<byte[]> get = node.get("/objects/never/written");
    assertThat(get.statusCode()).isEqualTo(404);
    assertThat(errorCode(get)).isEqualTo("not_found");
    HttpResponse<byte[]> head = node.head("/objects/never/written");
    assertThat(head.statusCode()).isEqualTo(404);
    assertThat(head.body()).isEmpty();
    HttpResponse<byte[]> delete = node.delete("/objects/never/written");
    assertThat(delete.statusCode()).isEqualTo(404);
    assertThat(errorCode(delete)).isEqualTo("not_found");
  }

  @Test
  void deleteWritesAMarkerAndThePathReadsAsDeleted() {
    node.put("/objects/del/a", "v1");
    HttpResponse<byte[]> delete = node.delete("/objects/del/a");
    assertThat(delete.statusCode()).isEqualTo(200);
    JsonNode body = json(delete);
    assertThat(body.path("path").asText()).isEqualTo("del/a");
    assertThat(body.path("version").asLong()).isEqualTo(2);
    assertThat(body.path("deleted").asBoolean()).isTrue();

    HttpResponse<byte[]> get = node.get("/objects/del/a");
    assertThat(get.statusCode()).isEqualTo(404);
    assertThat(errorCode(get)).isEqualTo("deleted");
    assertThat(node.get("/objects/del/a?version=1").body()).asString().isEqualTo("v1");
    HttpResponse<byte[]> marker = node.get("/objects/del/a?version=2");
    assertThat(marker.statusCode()).isEqualTo(404);
    assertThat(errorCode(marker)).isEqualTo("deleted");

    assertThat(json(node.put("/objects/del/a", "v3")).path("version").asLong()).isEqualTo(3);
    assertThat(node.get("/objects/del/a").body()).asString().isEqualTo("v3");
  }

  @Test
  void deleteOfAVersionTombstonesItAndThePreviousBecomesCurrent() {
    node.put("/objects/tomb/a", "v1");
    node.put("/objects/tomb/a", "v2");
    HttpResponse<byte[]> delete = node.delete("/objects/tomb/a?version=2");
    assertThat(delete.statusCode()).isEqualTo(200);
    assertThat(json(delete).path("version").asLong()).isEqualTo(2);
    assertThat(json(delete).path("deleted").asBoolean()).isTrue();

    HttpResponse<byte[]> current = node.get("/objects/tomb/a");
    assertThat(current.body()).asString().isEqualTo("v1");
    assertThat(current.headers().firstValue("X-Amberio-Version")).hasValue("1");
    HttpResponse<byte[]> tombstoned = node.get("/objects/tomb/a?version=2");
    assertThat(tombstoned.statusCode()).isEqualTo(404);
    assertThat(errorCode(tombstoned)).isEqualTo("deleted");

    HttpResponse<byte[]> never = node.delete("/objects/tomb/a?version=9");
    assertThat(never.statusCode()).isEqualTo(404);
    assertThat(errorCode(never)).isEqualTo("not_found");

    node.delete("/objects/tomb/a?version=1");
    HttpResponse<byte[]> none = node.get("/objects/tomb/a");
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(errorCode(none)).isEqualTo("deleted");
    assertThat(json(node.put("/objects/tomb/a", "v3")).path("version").asLong()).isEqualTo(3);
  }

  @Test
  void conditionalPutSucceedsOnlyForTheNextVersion() {
    HttpResponse<byte[]> first = node.put("/objects/cas/a?version=1", "one");
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(json(first).path("version").asLong()).isEqualTo(1);

    HttpResponse<byte[]> stale = node.put("/objects/cas/a?version=1", "again");
    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(errorCode(stale)).isEqualTo("version_conflict");
    assertThat(json(stale).path("latest").asLong()).isEqualTo(1);

    HttpResponse<byte[]> ahead = node.put("/objects/cas/a?version=5", "ahead");
    assertThat(ahead.statusCode()).isEqualTo(409);
    assertThat(json(ahead).path("latest").asLong()).isEqualTo(1);

    assertThat(node.put("/objects/cas/a?version=2", "two").statusCode()).isEqualTo(201);
    assertThat(node.get("/objects/cas/a").body()).asString().isEqualTo("two");

    HttpResponse<byte[]> fresh = node.put("/objects/cas/new?version=2", "x");
    assertThat(fresh.statusCode()).isEqualTo(409);
    assertThat(json(fresh).path("latest").asLong()).isZero();
  }

  @Test
  void rangesGive206WithContentRange() {
    node.put("/objects/range/a", "0123456789");
    assertRange("bytes=2-5", 206, "2345", "bytes 2-5/10");
    assertRange("bytes=7-", 206, "789", "bytes 7-9/10");
    assertRange("bytes=-3", 206, "789", "bytes 7-9/10");
    assertRange("bytes=5-100", 206, "56789", "bytes 5-9/10");
    assertRange("bytes=-100", 206, "0123456789", "bytes 0-9/10");
    assertRange("bytes=0-0", 206, "0", "bytes 0-0/10");
  }

  @Test
  void rangesSpanningChunksReadTheRightBytes() {
    byte[] data = new byte[300_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31 + i / 256);
    }
    node.put("/objects/range/big", data);
    HttpResponse<byte[]> part =
        node.send(
            HttpRequest.newBuilder(node.uri("/objects/range/big"))
                .header("Range", "bytes=65530-200009"));
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(data, 65530, 200010));
    assertThat(node.get("/objects/range/big").body()).isEqualTo(data);
  }

  @Test
  void unsatisfiableRangeGives416WithTheSize() {
    node.put("/objects/range/b", "0123456789");
    for (String range : new String[] {"bytes=10-", "bytes=10-20", "bytes=-0", "bytes=99999-"}) {
      HttpResponse<byte[]> response = withRange("/objects/range/b", range);
      assertThat(response.statusCode()).as(range).isEqualTo(416);
      assertThat(response.headers().firstValue("Content-Range")).as(range).hasValue("bytes */10");
      assertThat(errorCode(response)).isEqualTo("range_not_satisfiable");
    }
    node.put("/objects/range/empty", "");
    assertThat(withRange("/objects/range/empty", "bytes=0-").statusCode()).isEqualTo(416);
    assertThat(node.get("/objects/range/empty").statusCode()).isEqualTo(200);
  }

  @Test
  void malformedRangeGives400() {
    node.put("/objects/range/c", "0123456789");
    for (String range :
        new String[] {
          "bytes=5-2",
          "bytes=a-b",
          "bytes=1-2,4-5",
          "items=0-1",
          "bytes",
          "bytes=",
          "bytes=-",
          "bytes=--1",
          "bytes=99999999999999999999-",
          "bytes=0-99999999999999999999",
          "bytes=-99999999999999999999",
          "bytes= 1 - 2"
        }) {
      HttpResponse<byte[]> response = withRange("/objects/range/c", range);
      assertThat(response.statusCode()).as(range).isEqualTo(400);
      assertThat(errorCode(response)).as(range).isEqualTo("invalid_range");
    }
  }

  @Test
  void ifNoneMatchGives304AndIfMatchGives412() {
    String etag = json(node.put("/objects/cond/a", "data")).path("etag").asText();
    String quoted = '"' + etag + '"';
    for (String header : new String[] {quoted, "*", "\"other\", " + quoted, "W/" + quoted}) {
      HttpResponse<byte[]> response = withHeader("/objects/cond/a", "If-None-Match", header);
      assertThat(response.statusCode()).as(header).isEqualTo(304);
      assertThat(response.body()).isEmpty();
      assertThat(response.headers().firstValue("ETag")).hasValue(quoted);
    }
    assertThat(withHeader("/objects/cond/a", "If-None-Match", "\"other\"").statusCode())
        .isEqualTo(200);

    for (String header : new String[] {"\"other\"", "W/" + quoted}) {
      HttpResponse<byte[]> response = withHeader("/objects/cond/a", "If-Match", header);
      assertThat(response.statusCode()).as(header).isEqualTo(412);
      assertThat(errorCode(response)).isEqualTo("precondition_failed");
    }
    for (String header : new String[] {quoted, "*", "\"other\", " + quoted}) {
      HttpResponse<byte[]> response = withHeader("/objects/cond/a", "If-Match", header);
      assertThat(response.statusCode()).as(header).isEqualTo(200);
      assertThat(response.body()).asString().isEqualTo("data");
    }

    node.put("/objects/cond/a", "newer");
    assertThat(withHeader("/objects/cond/a", "If-None-Match", quoted).statusCode()).isEqualTo(200);
    assertThat(withHeader("/objects/cond/a", "If-Match", quoted).statusCode()).isEqualTo(412);
    HttpResponse<byte[]> pinned =
        node.send(
            HttpRequest.newBuilder(node.uri("/objects/cond/a?version=1"))
                .header("If-None-Match", quoted));
    assertThat(pinned.statusCode()).isEqualTo(304);
  }

  @Test
  void ifNoneMatchIsJudgedBeforeTheRange() {
    String etag = json(node.put("/objects/cond/b", "data")).path("etag").asText();
    HttpResponse<byte[]> response =
        node.send(
            HttpRequest.newBuilder(node.uri("/objects/cond/b"))
                .header("If-None-Match", '"' + etag + '"')
                .header("Range", "bytes=100-"));
    assertThat(response.statusCode()).isEqualTo(304);
  }

  @Test
  void ifRangeWithAnotherEtagGivesTheWholeBlob() {
    String etag = json(node.put("/objects/cond/c", "0123456789")).path("etag").asText();
    HttpResponse<byte[]> same =
        node.send(
            HttpRequest.newBuilder(node.uri("/objects/cond/c"))
                .header("If-Range", '"' + etag + '"')
                .header("Range", "bytes=0-1"));
    assertThat(same.statusCode()).isEqualTo(206);
    HttpResponse<byte[]> other =
        node.send(
            HttpRequest.newBuilder(node.uri("/objects/cond/c"))
                .header("If-Range", "\"other\"")
                .header("Range", "bytes=0-1"));
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.body()).asString().isEqualTo("0123456789");
  }

  @Test
  void badVersionParameterGives400() {
    node.put("/objects/badversion/a", "x");
    for (String version :
        new String[] {
          "0",
          "-1",
          "abc",
          "1.5",
          "",
          "+1",
          " 1",
          "99999999999999999999999",
          "9223372036854775808",
          "0x10",
          "1e3"
        }) {
      String query = "?version=" + URLEncoder.encode(version, UTF_8);
      for (HttpResponse<byte[]> response :
          List.of(
              node.get("/objects/badversion/a" + query),
              node.put("/objects/badversion/a" + query, "y"),
              node.delete("/objects/badversion/a" + query))) {
        assertThat(response.statusCode()).as("version=%s", version).isEqualTo(400);
        assertThat(errorCode(response)).as("version=%s", version).isEqualTo("invalid_version");
      }
    }
    HttpResponse<byte[]> twice = node.get("/objects/badversion/a?version=1&version=1");
    assertThat(twice.statusCode()).isEqualTo(400);
    assertThat(errorCode(twice)).isEqualTo("invalid_version");
    assertThat(node.get("/objects/badversion/a").body()).asString().isEqualTo("x");
    assertThat(node.get("/objects/badversion/a?version=9223372036854775807").statusCode())
        .isEqualTo(404);
  }

  @Test
  void unknownQueryParameterGives400AndChangesNothing() {
    node.put("/objects/params/a", "x");
    HttpResponse<byte[]> typo = node.delete("/objects/params/a?verison=1");
    assertThat(typo.statusCode()).isEqualTo(400);
    assertThat(errorCode(typo)).isEqualTo("invalid_parameter");
    assertThat(node.get("/objects/params/a").statusCode()).isEqualTo(200);
  }

  @Test
  void invalidContentTypeGives400() {
    HttpResponse<byte[]> response =
        node.send(
            HttpRequest.newBuilder(node.uri("/objects/ct/a"))
                .header("Content-Type", "x".repeat(300))
                .PUT(HttpRequest.BodyPublishers.ofString("x")));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("invalid_content_type");
    assertThat(node.get("/objects/ct/a").statusCode()).isEqualTo(404);
  }

  @Test
  void wrongMethodGives405WithAllow() {
    HttpResponse<byte[]> post =
        node.send(
            HttpRequest.newBuilder(node.uri("/objects/a"))
                .POST(HttpRequest.BodyPublishers.ofString("x")));
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(errorCode(post)).isEqualTo("method_not_allowed");
    assertThat(post.headers().firstValue("Allow")).hasValue("DELETE, GET, HEAD, PUT");

    HttpResponse<byte[]> putList = node.put("/objects", "x");
    assertThat(putList.statusCode()).isEqualTo(405);
    assertThat(putList.headers().firstValue("Allow")).hasValue("GET, HEAD");
    HttpResponse<byte[]> deleteHealth = node.delete("/health");
    assertThat(deleteHealth.statusCode()).isEqualTo(405);
    assertThat(errorCode(deleteHealth)).isEqualTo("method_not_allowed");
  }

  @Test
  void unknownEndpointGives404Json() {
    for (String path :
        new String[] {
          "/", "/nope", "/objectsx", "/health/", "/Objects/a", "//objects/a", "/slots"
        }) {
      HttpResponse<byte[]> response = node.get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(errorCode(response)).as(path).isEqualTo("unknown_endpoint");
    }
  }

  private static void assertRange(String range, int status, String body, String contentRange) {
    HttpResponse<byte[]> response = withRange("/objects/range/a", range);
    assertThat(response.statusCode()).as(range).isEqualTo(status);
    assertThat(response.body()).as(range).asString().isEqualTo(body);
    assertThat(response.headers().firstValue("Content-Range")).as(range).hasValue(contentRange);
    assertThat(response.headers().firstValue("Content-Length"))
        .as(range)
        .hasValue(Integer.toString(body.length()));
  }

  private static HttpResponse<byte[]> withRange(String path, String range) {
    return withHeader(path, "Range", range);
  }

  private static HttpResponse<byte[]> withHeader(String path, String name, String value) {
    return node.send(HttpRequest.newBuilder(node.uri(path)).header(name, value));
  }
}
