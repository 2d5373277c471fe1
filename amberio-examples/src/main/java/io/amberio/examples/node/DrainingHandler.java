package io.amberio.examples.node;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's graceful handler with a JSON answer: while the server stops, requests in flight run to completion
 * and new ones on open connections get 503 {@code unavailable} with {@code Connection: close}.
 *
 * <p>During the drain every connection's idle timeout drops to {@link #DRAIN_IDLE_TIMEOUT_MS}: idle keep-alive
 * connections then close within a second instead of holding the stop for the full idle timeout, at the price
 * that a request in flight must keep its bytes flowing (no silence over a second) to finish.
 */
final class DrainingHandler extends GracefulHandler {
  /** The idle timeout of every connection while draining, in milliseconds. */
  static final long DRAIN_IDLE_TIMEOUT_MS = 1000;

  DrainingHandler(Handler handler) {
    super(handler);
    setShutdownIdleTimeout(DRAIN_IDLE_TIMEOUT_MS);
  }

  @Override
  protected void handleShutdownRejection(Request request, Response response, Callback callback) {
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    Replies.error(request, response, callback, 503, "unavailable", "the node is shutting down");
  }
}
