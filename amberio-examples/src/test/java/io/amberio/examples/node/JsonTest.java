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

import com.fasterxml.jackson.databind.ObjectMapper;
import io.amberio.core.BlobId;
import io.amberio.core.BlobInfo;
import io.amberio.core.ListPage;
import io.amberio.core.VersionState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The hand-written parts of the JSON replies match what they replace exactly: the ISO-8601 format
 * of listings matches {@link Instant#toString}, and a listing page matches Jackson's bytes.
 */
class JsonTest {
  private static final String BLOB_ID = "01JEXAMPKE0000000000000000";

  /** A string of random characters, with controls, quotes, backslashes and every UTF-8 length. */
  private static String randomString(SplittableRandom rnd) {
    StringBuilder b = new StringBuilder();
    int n = rnd.nextInt(0, 24);
    for (int i = 0; i < n; i++) {
      switch (rnd.nextInt(7)) {
        case 0 -> b.append((char) rnd.nextInt(0, 0x20));
        case 1 -> b.append("\"\\/\u007f".charAt(rnd.nextInt(4)));
        case 2 -> b.append((char) rnd.nextInt(0x80, 0x800));
        case 3 -> b.append((char) rnd.nextInt(0x800, 0xD800));
        case 4 -> b.appendCodePoint(rnd.nextInt(0x10000, 0x110000));
        case 5 -> b.append((char) rnd.nextInt(0xE000, 0x10000));
        default -> b.append((char) rnd.nextInt(0x20, 0x7f));
      }
    }
    return b.toString();
  }

  private static ListPage page(SplittableRandom rnd, int items, boolean cursor) {
    List<BlobInfo> list = new ArrayList<>();
    VersionState[] states = VersionState.values();
    for (int i = 0; i < items; i++) {
      list.add(
          new BlobInfo(
              randomString(rnd),
              rnd.nextLong(1, Long.MAX_VALUE),
              BlobId.parse(BLOB_ID),
              states[rnd.nextInt(states.length)],
              rnd.nextLong(0, 1L << 40),
              "e" + Long.toHexString(rnd.nextLong()),
              null,
              Instant.ofEpochMilli(rnd.nextLong(0, 253_402_300_799_000L))));
    }
    return new ListPage(list, cursor ? randomString(rnd) : null);
  }

  @Test
  void aListingPageIsTheBytesJacksonWrites() throws Exception {
    SplittableRandom rnd = new SplittableRandom(11);
    ObjectMapper mapper = new ObjectMapper();
    for (int i = 0; i < 2_000; i++) {
      ListPage page = page(rnd, rnd.nextInt(0, 6), rnd.nextBoolean());
      boolean withState = rnd.nextBoolean();
      byte[] ours = Json.listPage(page, withState);
      assertThat(new String(ours, StandardCharsets.UTF_8))
          .isEqualTo(new String(Json.listPageWithJackson(page, withState), StandardCharsets.UTF_8));
      assertThat(mapper.readTree(ours).get("items").size()).isEqualTo(page.items().size());
    }
  }

  @Test
  void charactersOutsideTheBmpAreOneUtf8SequenceInEveryReply() {
    String path = "emoji/\uD83D\uDE00"; // U+1F600
    byte[] utf8 = path.getBytes(StandardCharsets.UTF_8);
    assertThat(utf8).endsWith((byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80);
    assertThat(Json.encode(java.util.Map.of("path", path)))
        .isEqualTo(("{\"path\":\"" + path + "\"}").getBytes(StandardCharsets.UTF_8));
    BlobInfo info =
        new BlobInfo(
            path, 1, BlobId.parse(BLOB_ID), VersionState.LIVE, 1, "e1", null, Instant.EPOCH);
    String listed =
        new String(Json.listPage(new ListPage(List.of(info), null), false), StandardCharsets.UTF_8);
    assertThat(listed).contains("\"path\":\"" + path + "\"");
  }

  @Test
  void aPathThatIsNotValidUtf16GoesThroughJackson() {
    BlobInfo lone =
        new BlobInfo(
            "a\uD800b", 1, BlobId.parse(BLOB_ID), VersionState.LIVE, 1, "e1", null, Instant.EPOCH);
    ListPage page = new ListPage(List.of(lone), null);
    assertThat(Json.listPage(page, false)).isEqualTo(Json.listPageWithJackson(page, false));
  }

  @Test
  void isoInstantIsInstantToString() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      long millis = rnd.nextLong(-62_200_000_000_000L, 253_500_000_000_000L);
      if (i % 3 == 0) {
        millis -= Math.floorMod(millis, 1000); // whole seconds: no fraction
      }
      Instant t = Instant.ofEpochMilli(millis);
      assertThat(Json.isoInstant(t)).as("%d", millis).isEqualTo(t.toString());
    }
    for (Instant t :
        new Instant[] {
          Instant.EPOCH,
          Instant.parse("0000-01-01T00:00:00Z"),
          Instant.parse("9999-12-31T23:59:59.999Z"),
          Instant.parse("2024-02-29T12:00:00.010Z"),
          Instant.ofEpochSecond(5, 123_456_789), // not whole milliseconds
          Instant.MAX,
          Instant.MIN
        }) {
      assertThat(Json.isoInstant(t)).isEqualTo(t.toString());
    }
  }
}
