package io.amberio.examples.bench;

/** What a cell does. */
enum Op {
  PUT,
  GET
}
