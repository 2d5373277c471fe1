package io.amberio.examples.node;

/** Serves one method of one route. Runs on a Jetty thread and may block; see {@link Exchange}. */
@FunctionalInterface
interface Endpoint {
  /** Answers the exchange, or throws to have {@link Exchange#fail(Throwable)} answer it. */
  void handle(Exchange exchange) throws Exception;
}
