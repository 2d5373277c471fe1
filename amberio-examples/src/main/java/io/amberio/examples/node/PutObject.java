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
import io.amberio.core.BlobStore;
import io.amberio.core.PutOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;

/**
 * {@code PUT /objects/{path}[?version=N]}: streams the body into the store as a new version.
 *
 * <p>Everything that can be judged before the body is read is judged first (path, version, content
 * type, a {@code Content-Length} over the maximum), so a bad request costs no upload. The body then
 * streams straight into {@link BlobStore#put}, never held in memory. If the client stops sending
 * (gone, idle, too slow) or a chunked body grows past the maximum, the store sees the stream fail,
 * keeps nothing, and the client gets its 4xx.
 */
final class PutObject implements Endpoint {
  private final BlobStore store;
  private final long maxBlobSize;

  PutObject(BlobStore store, long maxBlobSize) {
    this.store = store;
    this.maxBlobSize = maxBlobSize;
  }

  @Override
  public void handle(Exchange ex) throws Exception {
    String path = ex.objectPath();
    OptionalLong expected = ex.query().allowOnly(Set.of("version")).version();
    PutOptions options = PutOptions.defaults();
    if (expected.isPresent()) {
      options = options.withExpectedVersion(expected.getAsLong());
    }
    String contentType = ex.headers().get(HttpHeader.CONTENT_TYPE);
    if (contentType != null) {
      try {
        options = options.withContentType(contentType.strip());
      } catch (IllegalArgumentException e) {
        throw HttpError.badRequest(
            "invalid_content_type", "Content-Type must be 1 to 255 printable ASCII characters");
      }
    }
    long length = ex.request().getLength();
    if (length > maxBlobSize) {
      throw new HttpError(
              413,
              "too_large",
              "the body of " + length + " bytes is larger than the maximum of " + maxBlobSize)
          .with("maxSize", maxBlobSize)
          .withHeader("Connection", "close");
    }

    RequestBody body = ex.body(maxBlobSize);
    BlobInfo info;
    try {
      info = store.put(path, body, options);
    } catch (RuntimeException e) {
      HttpError clientError = body.clientError();
      throw clientError != null ? clientError : e;
    }

    ObjectHeaders.identify(ex.response().getHeaders(), info);
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("path", info.path());
    reply.put("version", info.version());
    reply.put("blobId", info.blobId().toString());
    reply.put("size", info.size());
    reply.put("etag", info.etag());
    ex.json(201, reply);
  }
}
