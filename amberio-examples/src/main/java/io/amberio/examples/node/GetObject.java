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

import io.amberio.core.BlobContent;
import io.amberio.core.BlobInfo;
import io.amberio.core.BlobStore;
import io.amberio.core.BlobStoreException;
import io.amberio.core.ByteRange;
import io.amberio.core.GetOptions;
import io.amberio.core.PutOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.OptionalLong;
import java.util.Set;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * {@code GET} and {@code HEAD /objects/{path}[?version=N]}: the bytes of the current (or a given)
 * version, with ranges and preconditions.
 *
 * <p>A plain GET opens the bytes at once and takes its headers from that same read. With a range or
 * a precondition, the version's metadata is read first, preconditions and the range are judged
 * against it (preconditions before the range, as RFC 9110 orders them), and the bytes are then
 * opened pinned to that version number. Either way headers and body describe the same version even
 * when a write lands in between. Bytes stream from the store to the socket in small buffers; a
 * chunk that fails its checksum while streaming aborts the connection, so the client sees a short
 * body, never wrong bytes.
 */
final class GetObject implements Endpoint {
  private static final int BUFFER_SIZE = 64 << 10;

  private final BlobStore store;

  GetObject(BlobStore store) {
    this.store = store;
  }

  @Override
  public void handle(Exchange ex) throws Exception {
    String path = ex.objectPath();
    OptionalLong version = ex.query().allowOnly(Set.of("version")).version();
    HttpFields headers = ex.headers();
    ByteRange range = RangeHeader.parse(headers.getValuesList(HttpHeader.RANGE));

    BlobContent content = null;
    BlobInfo info;
    if (!ex.isHead() && range == null && !ConditionalHeaders.present(headers)) {
      // A plain GET: open the bytes directly, one metadata lookup; the headers come from the same
      // read.
      content = store.get(path, new GetOptions(version, ByteRange.all()));
      info = content.info();
    } else {
      info = version.isPresent() ? store.head(path, version.getAsLong()) : store.head(path);
    }
    try {
      answer(ex, path, info, range, content);
    } finally {
      if (content != null) {
        content.close();
      }
    }
  }

  /**
   * Answers for {@code info}; {@code content} is its already opened bytes, or null to open them if
   * needed.
   */
  private void answer(Exchange ex, String path, BlobInfo info, ByteRange range, BlobContent content)
      throws Exception {
    HttpFields headers = ex.headers();
    HttpFields.Mutable out = ex.response().getHeaders();
    switch (ConditionalHeaders.evaluate(headers, info)) {
      case PRECONDITION_FAILED ->
          throw new HttpError(
                  412, "precondition_failed", "the version's ETag is " + ObjectHeaders.etag(info))
              .with("etag", info.etag());
      case NOT_MODIFIED -> {
        ObjectHeaders.describe(out, info);
        ex.sendWithoutBody(304);
        return;
      }
      case PROCEED -> {}
    }
    if (range != null && !ConditionalHeaders.rangeApplies(headers, info)) {
      range = null;
    }
    ByteRange.Resolved part = resolve(range, info);

    ObjectHeaders.describe(out, info);
    out.put(HttpHeader.ACCEPT_RANGES, "bytes");
    out.put(
        HttpHeader.CONTENT_TYPE,
        info.contentType() == null ? PutOptions.DEFAULT_CONTENT_TYPE : info.contentType());
    out.put(HttpHeader.CONTENT_LENGTH, part.length());
    int status = 200;
    if (range != null) {
      status = 206;
      long last = part.offset() + part.length() - 1;
      out.put(HttpHeader.CONTENT_RANGE, "bytes " + part.offset() + "-" + last + "/" + info.size());
    }
    if (ex.isHead()) {
      ex.sendWithoutBody(status);
      return;
    }
    // Without open bytes, open them pinned to the version the headers describe, even if a newer one
    // lands.
    BlobContent bytes =
        content != null
            ? content
            : store.get(
                path,
                GetOptions.version(info.version())
                    .withRange(range == null ? ByteRange.all() : range));
    try {
      ex.response().setStatus(status);
      sendBody(ex, bytes.stream(), part.length());
    } finally {
      if (bytes != content) {
        bytes.close();
      }
    }
  }

  /**
   * Sends {@code length} bytes of {@code in}: a small body in one write, a large one streamed in
   * buffers.
   */
  private static void sendBody(Exchange ex, InputStream in, long length) throws Exception {
    if (length <= BUFFER_SIZE) {
      ex.sendBody(in.readNBytes((int) length));
      return;
    }
    byte[] buffer = new byte[BUFFER_SIZE];
    OutputStream out = ex.bodyStream();
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      out.write(buffer, 0, n);
    }
    // Closed only on success: after a failure nothing more is written and the exchange aborts the
    // connection.
    out.close();
    ex.succeed();
  }

  /**
   * Resolves the range against the version's size. Any range of an empty blob is unsatisfiable (RFC
   * 9110); {@link ByteRange#resolve} cannot tell {@code bytes=0-} from the whole blob, so that case
   * is checked here.
   */
  private static ByteRange.Resolved resolve(ByteRange range, BlobInfo info) {
    try {
      if (range != null && info.size() == 0) {
        throw BlobStoreException.rangeNotSatisfiable(0);
      }
      return (range == null ? ByteRange.all() : range).resolve(info.size());
    } catch (BlobStoreException e) {
      throw StoreErrors.rangeNotSatisfiable(
          info.size(),
          "the range does not overlap the " + info.size() + " bytes of version " + info.version());
    }
  }
}
