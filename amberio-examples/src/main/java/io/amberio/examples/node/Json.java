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

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amberio.core.BlobInfo;
import io.amberio.core.ListPage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON encoding of response bodies. Bodies are small maps and lists; blob bytes never go through
 * here.
 */
final class Json {
  /** The media type of every JSON body. */
  static final String MEDIA_TYPE = "application/json";

  // Replies are written with jackson-core's streaming generator: building an ObjectMapper loads
  // databind, a tenth of a second of the node's start before its first /health could answer.
  // Characters outside the BMP go out as one 4-byte UTF-8 sequence: by default jackson-core writes
  // each half of a surrogate pair as its own 3-byte sequence (CESU-8), which strict UTF-8 decoders
  // refuse, and paths are UTF-8.
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

  private Json() {}

  /** Encodes {@code value} (maps, lists, strings, numbers, booleans, null) as UTF-8 JSON. */
  static byte[] encode(Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      write(g, value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a response body", e);
    }
    return out.toByteArray();
  }

  private static void write(JsonGenerator g, Object value) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof CharSequence cs) {
      g.writeString(cs.toString());
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      g.writeNumber(((Number) value).longValue());
    } else if (value instanceof Double d) {
      g.writeNumber(d);
    } else if (value instanceof Float f) {
      g.writeNumber(f);
    } else if (value instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (value instanceof Iterable<?> items) {
      g.writeStartArray();
      for (Object item : items) {
        write(g, item);
      }
      g.writeEndArray();
    } else {
      Databind.MAPPER.writeValue(g, value); // anything else: as Jackson databind writes it
    }
  }

  private static final class Databind {
    static final ObjectMapper MAPPER = new ObjectMapper(); // loaded on first use only
  }

  /**
   * A listing page, {@code {"items": [...], "nextCursor": ...}}, each item with the fields of
   * {@link #version} (and its {@code state} when {@code withState}). Written straight into bytes
   * (see {@link PageWriter}): a page holds up to 10,000 items, and building a map per item, or
   * escaping each string through a general generator, costs more than the rest of the listing.
   */
  static byte[] listPage(ListPage page, boolean withState) {
    PageWriter out = new PageWriter(64 + 160 * page.items().size());
    out.ascii("{\"items\":[");
    boolean first = true;
    for (BlobInfo info : page.items()) {
      out.ascii(first ? "{\"path\":" : ",{\"path\":");
      first = false;
      if (!out.string(info.path())) {
        return listPageWithJackson(page, withState);
      }
      out.ascii(",\"version\":");
      out.ascii(Long.toString(info.version()));
      out.ascii(",\"size\":");
      out.ascii(Long.toString(info.size()));
      out.ascii(",\"etag\":");
      if (!out.string(info.etag())) {
        return listPageWithJackson(page, withState);
      }
      out.ascii(",\"blobId\":\"");
      out.ascii(info.blobId().toString());
      out.ascii("\",\"lastModified\":\"");
      out.ascii(isoInstant(info.lastModified()));
      if (withState) {
        out.ascii("\",\"state\":\"");
        out.ascii(info.state().wireName());
      }
      out.ascii("\"}");
    }
    out.ascii("],\"nextCursor\":");
    if (page.nextCursor() == null) {
      out.ascii("null");
    } else if (!out.string(page.nextCursor())) {
      return listPageWithJackson(page, withState);
    }
    out.ascii("}");
    return out.toByteArray();
  }

  /**
   * {@link #listPage} as Jackson's generator writes it: the same bytes (JsonTest compares them),
   * and what a page with a string that is not well-formed UTF-16 falls back to.
   */
  static byte[] listPageWithJackson(ListPage page, boolean withState) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 160 * page.items().size());
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("items");
      for (BlobInfo info : page.items()) {
        g.writeStartObject();
        g.writeStringField("path", info.path());
        g.writeNumberField("version", info.version());
        g.writeNumberField("size", info.size());
        g.writeStringField("etag", info.etag());
        g.writeStringField("blobId", info.blobId().toString());
        g.writeStringField("lastModified", isoInstant(info.lastModified()));
        if (withState) {
          g.writeStringField("state", info.state().wireName());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeStringField("nextCursor", page.nextCursor());
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a listing", e);
    }
    return out.toByteArray();
  }

  /**
   * The bytes of a listing page, written by hand: a profile of listings over HTTP had a third of
   * the node's CPU in Jackson's per-character string escaping. Strings are escaped as Jackson
   * escapes them ({@code \"}, {@code \\}, the short escapes of {@code \b \f \n \r \t}, {@code
   * \}{@code u00XX} for other control characters, everything else as UTF-8).
   */
  private static final class PageWriter {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private byte[] buf;
    private int len;

    PageWriter(int capacity) {
      buf = new byte[capacity];
    }

    private void ensure(int more) {
      if (len + more > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
      }
    }

    /** Appends {@code s}, which holds only ASCII characters that need no escaping. */
    void ascii(String s) {
      int n = s.length();
      ensure(n);
      byte[] b = buf;
      int at = len;
      for (int i = 0; i < n; i++) {
        b[at++] = (byte) s.charAt(i);
      }
      len = at;
    }

    /** Appends {@code s} as a JSON string; false (and nothing usable) if it is not valid UTF-16. */
    boolean string(String s) {
      int n = s.length();
      ensure(6 * n + 2); // the longest escape of one char is 6 bytes
      byte[] b = buf;
      int at = len;
      b[at++] = '"';
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          if (c >= 0x20 && c != '"' && c != '\\') {
            b[at++] = (byte) c;
            continue;
          }
          b[at++] = '\\';
          switch (c) {
            case '"' -> b[at++] = '"';
            case '\\' -> b[at++] = '\\';
            case '\b' -> b[at++] = 'b';
            case '\f' -> b[at++] = 'f';
            case '\n' -> b[at++] = 'n';
            case '\r' -> b[at++] = 'r';
            case '\t' -> b[at++] = 't';
            default -> {
              b[at++] = 'u';
              b[at++] = '0';
              b[at++] = '0';
              b[at++] = HEX[c >> 4];
              b[at++] = HEX[c & 0xF];
            }
          }
        } else if (c < 0x800) {
          b[at++] = (byte) (0xC0 | (c >> 6));
          b[at++] = (byte) (0x80 | (c & 0x3F));
        } else if (!Character.isSurrogate(c)) {
          b[at++] = (byte) (0xE0 | (c >> 12));
          b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
          b[at++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          b[at++] = (byte) (0xF0 | (cp >> 18));
          b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          b[at++] = (byte) (0x80 | (cp & 0x3F));
        } else {
          return false;
        }
      }
      b[at++] = '"';
      len = at;
      return true;
    }

    byte[] toByteArray() {
      return java.util.Arrays.copyOf(buf, len);
    }
  }

  /**
   * {@code t.toString()} (ISO-8601, UTC: {@code 2026-12-07T22:29:25.123Z}, the fraction only when
   * not zero), written by hand for instants of whole milliseconds in years 0 to 9999, which is what
   * the store keeps; others go to {@link Instant#toString}. A listing formats one per item.
   */
  static String isoInstant(Instant t) {
    long sec = t.getEpochSecond();
    int nanos = t.getNano();
    if (nanos % 1_000_000 != 0 || sec < MIN_FAST || sec > MAX_FAST) {
      return t.toString();
    }
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(sec, 86_400));
    int time = (int) Math.floorMod(sec, 86_400);
    int millis = nanos / 1_000_000;
    byte[] b = new byte[millis == 0 ? 20 : 24];
    digits(b, 0, date.getYear(), 4);
    b[4] = '-';
    digits(b, 5, date.getMonthValue(), 2);
    b[7] = '-';
    digits(b, 8, date.getDayOfMonth(), 2);
    b[10] = 'T';
    digits(b, 11, time / 3600, 2);
    b[13] = ':';
    digits(b, 14, time / 60 % 60, 2);
    b[16] = ':';
    digits(b, 17, time % 60, 2);
    if (millis != 0) {
      b[19] = '.';
      digits(b, 20, millis, 3);
    }
    b[b.length - 1] = 'Z';
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  // 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z
  private static final long MIN_FAST = -62_167_219_200L;
  private static final long MAX_FAST = 253_402_300_799L;

  private static void digits(byte[] b, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      b[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

  /**
   * The fields of a version as the API shows it: path, version, size, etag (unquoted), blobId and
   * lastModified (ISO-8601, UTC).
   */
  static Map<String, Object> version(BlobInfo info) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("path", info.path());
    item.put("version", info.version());
    item.put("size", info.size());
    item.put("etag", info.etag());
    item.put("blobId", info.blobId().toString());
    item.put("lastModified", isoInstant(info.lastModified()));
    return item;
  }
}
