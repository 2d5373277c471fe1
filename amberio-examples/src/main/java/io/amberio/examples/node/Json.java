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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amberio.core.BlobInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON encoding of response bodies. Bodies are small maps and lists; blob bytes never go through
 * here.
 */
final class Json {
  /** The media type of every JSON body. */
  static final String MEDIA_TYPE = "application/json";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** Encodes {@code value} (maps, lists, strings, numbers, booleans, null) as UTF-8 JSON. */
  static byte[] encode(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a response body", e);
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
    item.put("lastModified", info.lastModified().toString());
    return item;
  }
}
