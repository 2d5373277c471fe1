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

import io.amberio.core.BlobInfo;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/** The response headers that describe a version of an object. */
final class ObjectHeaders {
  /** The version number of the object in the response. */
  static final String VERSION = "X-Amberio-Version";

  /** The blob id of the object in the response. */
  static final String BLOB_ID = "X-Amberio-Blob-Id";

  private ObjectHeaders() {}

  /** The {@code ETag} header value: the version's entity tag in quotes (a strong tag). */
  static String etag(BlobInfo info) {
    return '"' + info.etag() + '"';
  }

  /** Sets ETag, X-Amberio-Version and X-Amberio-Blob-Id. */
  static void identify(HttpFields.Mutable headers, BlobInfo info) {
    headers.put(HttpHeader.ETAG, etag(info));
    headers.put(VERSION, Long.toString(info.version()));
    headers.put(BLOB_ID, info.blobId().toString());
  }

  /** Sets the identifying headers plus Last-Modified, as reads return them (also on 304). */
  static void describe(HttpFields.Mutable headers, BlobInfo info) {
    identify(headers, info);
    headers.put(HttpHeader.LAST_MODIFIED, HttpDates.format(info.lastModified()));
  }
}
