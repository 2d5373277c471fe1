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

import io.amberio.core.BlobStoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its answer: what endpoints read (the raw path parameter, query, headers, body)
 * and how they reply. Endpoints run on a Jetty thread and may block. Each one either completes the
 * exchange (a reply, or {@link #succeed()} after streaming) or throws; {@link #fail(Throwable)}
 * then answers with a JSON error, or aborts the connection when the response is already on its way.
 */
final class Exchange {
  private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

  private final Request request;
  private final Response response;
  private final Callback callback;
  private final String pathParam;
  private final AtomicBoolean completed = new AtomicBoolean();
  private QueryParams query;
  private RequestBody body;

  Exchange(Request request, Response response, Callback callback, String pathParam) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.pathParam = pathParam;
  }

  Request request() {
    return request;
  }

  Response response() {
    return response;
  }

  HttpFields headers() {
    return request.getHeaders();
  }

  /**
   * The raw (still percent-encoded) part of the path after the endpoint's prefix, e.g. the object
   * path.
   */
  String pathParam() {
    return pathParam;
  }

  boolean isHead() {
    return HttpMethod.HEAD.is(request.getMethod());
  }

  /** The query parameters, parsed on first use. */
  QueryParams query() {
    if (query == null) {
      query = QueryParams.parse(request.getHttpURI().getQuery());
    }
    return query;
  }

  /**
   * The object path: the path parameter, strictly percent-decoded. The store checks the remaining
   * rules.
   *
   * @throws HttpError 400 {@code invalid_path}
   */
  String objectPath() {
    if (pathParam.isEmpty()) {
      throw HttpError.badRequest("invalid_path", "the path is empty");
    }
    return PercentDecoder.decode(pathParam, "invalid_path", "path");
  }

  /** The request body as a stream that fails past {@code limit} bytes; see {@link RequestBody}. */
  RequestBody body(long limit) {
    body = new RequestBody(Request.asInputStream(request), limit);
    return body;
  }

  /** Replies with a JSON body (headers only for HEAD). */
  void json(int status, Object body) {
    send(status, Json.MEDIA_TYPE, Json.encode(body));
  }

  /** Replies with {@code body} of type {@code contentType} (headers only for HEAD). */
  void send(int status, String contentType, byte[] body) {
    Replies.send(request, response, completion(), status, contentType, body);
  }

  /** Replies with a status and the headers set so far, without a body (304). */
  void sendWithoutBody(int status) {
    response.setStatus(status);
    response.write(true, null, completion());
  }

  /** Writes the whole body (status and headers set before) and completes the exchange. */
  void sendBody(byte[] body) {
    response.write(true, ByteBuffer.wrap(body), completion());
  }

  /** A blocking stream over the response body; call {@link #succeed()} after closing it. */
  OutputStream bodyStream() {
    return Content.Sink.asOutputStream(response);
  }

  /** Completes an exchange whose body was written through {@link #bodyStream()}. */
  void succeed() {
    completion().succeeded();
  }

  /**
   * Answers {@code failure}: an {@link HttpError} as itself, a store failure by its reason,
   * anything else as a logged 500 {@code internal_error}. If the response is already committed the
   * connection is aborted, so the client sees a short body rather than wrong bytes.
   */
  void fail(Throwable failure) {
    HttpError error = toHttpError(failure);
    if (completed.get()) {
      LOG.debug(
          "{} {} failed after it was answered",
          request.getMethod(),
          request.getHttpURI().getPath(),
          failure);
      return;
    }
    if (response.isCommitted()) {
      if (failure instanceof IOException) {
        LOG.debug(
            "{} {}: client went away: {}",
            request.getMethod(),
            request.getHttpURI().getPath(),
            failure.toString());
      } else if (error.status() >= 500 && !(failure instanceof BlobStoreException)) {
        LOG.warn(
            "{} {}: aborted after the response started",
            request.getMethod(),
            request.getHttpURI().getPath(),
            failure);
      }
      completion().failed(failure);
      return;
    }
    response.reset();
    for (Map.Entry<String, String> header : error.headers().entrySet()) {
      response.getHeaders().put(header.getKey(), header.getValue());
    }
    if (hasUnreadBody()) {
      // The rest of the body may still be on its way: close rather than let the client reuse a
      // connection
      // that Jetty may have to drop while skipping it.
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
    json(error.status(), error.body());
  }

  private boolean hasUnreadBody() {
    if (body != null && body.atEnd()) {
      return false;
    }
    return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
  }

  private HttpError toHttpError(Throwable failure) {
    if (failure instanceof HttpError e) {
      return e;
    }
    String what = request.getMethod() + " " + request.getHttpURI().getPath();
    if (failure instanceof BlobStoreException e) {
      if (StoreErrors.isServerFault(e)) {
        LOG.error("{}: store failure {}", what, e.reason(), e);
      }
      return StoreErrors.toHttp(e);
    }
    if (failure instanceof IOException && response.isCommitted()) {
      return new HttpError(500, "internal_error", "the response could not be written");
    }
    LOG.error("{}: unexpected failure", what, failure);
    return new HttpError(
        500, "internal_error", "unexpected server error; the node's log has the details");
  }

  /** The callback, completed at most once whichever path completes it. */
  private Callback completion() {
    return new Callback() {
      @Override
      public void succeeded() {
        if (completed.compareAndSet(false, true)) {
          callback.succeeded();
        }
      }

      @Override
      public void failed(Throwable x) {
        if (completed.compareAndSet(false, true)) {
          callback.failed(x);
        }
      }
    };
  }
}
