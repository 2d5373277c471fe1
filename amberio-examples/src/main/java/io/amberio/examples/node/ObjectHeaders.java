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
