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
package io.amberio.examples.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The listing rows: each subject that lists gets {@value #KEYS} keys ({@code --quick}: {@value
 * #QUICK_KEYS}) of {@value #VALUE} bytes under {@code list/} and a fifth as many under {@code
 * lisu/} (loaded by 8 threads, not timed), then lists the whole {@code list/} prefix over and over,
 * one thread, in pages of {@value #PAGE}, in rounds that alternate the subjects. A row's ops are
 * whole listings; a listing that does not return exactly the keys loaded fails the row.
 * (peer-bench's {@code list} workload is the same shape, with etcd and a single SQLite table beside
 * it.)
 */
final class ListingSection {
  /** Keys per listing page, as peer-bench and the HTTP API's default. */
  static final int PAGE = 1000;

  static final int KEYS = 10_000;

  /** Keys listed by a {@code --quick} run. */
  static final int QUICK_KEYS = 500;

  static final int VALUE = 256;
  private static final String PREFIX = "list/";

  private ListingSection() {}

  /** Runs the rows for every subject in {@code open} that lists. */
  static List<Measurement> run(BenchOptions options, Map<String, Subject> open, PrintStream err) {
    Map<String, Subject> listing = new LinkedHashMap<>();
    Map<String, String> failures = new LinkedHashMap<>();
    for (Map.Entry<String, Subject> e : open.entrySet()) {
      if (e.getValue().lists()) {
        try {
          long started = System.nanoTime();
          load(e.getValue(), options.listKeys());
          err.printf(
              Locale.ROOT,
              "listing: loaded %d + %d keys of %d B into %s in %.1f s%n",
              options.listKeys(),
              options.listKeys() / 5,
              VALUE,
              e.getKey(),
              (System.nanoTime() - started) / 1e9);
          listing.put(e.getKey(), e.getValue());
        } catch (Exception x) {
          failures.put(e.getKey(), "loading failed: " + x);
        }
      }
    }
    Map<String, List<long[]>> latencies = new LinkedHashMap<>();
    Map<String, long[]> totals = new LinkedHashMap<>(); // ops, elapsed nanos
    Duration perRound = options.duration().dividedBy(options.rounds());
    for (int round = 0; round < options.rounds(); round++) {
      for (Map.Entry<String, Subject> e : listing.entrySet()) {
        String name = e.getKey();
        if (failures.containsKey(name)) {
          continue;
        }
        try (Subject.Session session = e.getValue().open(0)) {
          if (round == 0 && !options.warmup().isZero()) {
            listFor(session, options.listKeys(), options.warmup(), 0, new ArrayList<>());
          }
          List<Long> lat = new ArrayList<>();
          long cap = options.ops() == 0 ? 0 : Math.max(1, options.ops() / options.rounds());
          long elapsed = listFor(session, options.listKeys(), perRound, cap, lat);
          long[] t = totals.computeIfAbsent(name, k -> new long[2]);
          t[0] += lat.size();
          t[1] += elapsed;
          latencies
              .computeIfAbsent(name, k -> new ArrayList<>())
              .add(lat.stream().mapToLong(Long::longValue).toArray());
          err.printf(
              Locale.ROOT,
              "listing %s round %d/%d: %d listings of %d keys in %.2f s%n",
              name,
              round + 1,
              options.rounds(),
              lat.size(),
              options.listKeys(),
              elapsed / 1e9);
        } catch (Exception x) {
          failures.put(name, x.toString());
        }
      }
    }
    List<Measurement> rows = new ArrayList<>();
    for (String name : open.keySet()) {
      if (!open.get(name).lists()) {
        continue;
      }
      String failure = failures.get(name);
      long[] t = totals.get(name);
      if (failure != null || t == null || t[0] == 0) {
        rows.add(
            Measurement.failed(name, Op.LIST, VALUE, 1, failure == null ? "not run" : failure));
        continue;
      }
      long[] all = latencies.get(name).stream().flatMapToLong(Arrays::stream).sorted().toArray();
      rows.add(
          new Measurement(
              name,
              Op.LIST,
              VALUE,
              1,
              t[0],
              t[1],
              Latencies.percentile(all, 0.50),
              Latencies.percentile(all, 0.99),
              null));
    }
    return rows;
  }

  /**
   * Lists the prefix until {@code time} has passed (or {@code maxOps} listings, when not 0);
   * returns the elapsed nanoseconds.
   */
  private static long listFor(
      Subject.Session session, int keys, Duration time, long maxOps, List<Long> latencies)
      throws IOException {
    long start = System.nanoTime();
    long end = start + time.toNanos();
    long now = start;
    do {
      long n = session.list(PREFIX);
      long after = System.nanoTime();
      if (n != keys) {
        throw new IOException("a listing of " + PREFIX + " returned " + n + " keys, not " + keys);
      }
      latencies.add(after - now);
      now = after;
    } while (now < end && (maxOps == 0 || latencies.size() < maxOps));
    return now - start;
  }

  private static void load(Subject subject, int keys) throws Exception {
    byte[] value = new byte[VALUE];
    Arrays.fill(value, (byte) 'v');
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        int worker = w;
        done.add(
            pool.submit(
                () -> {
                  try (Subject.Session s = subject.open(worker)) {
                    for (int i = worker; i < keys + keys / 5; i += threads) {
                      String key =
                          i < keys
                              ? String.format(Locale.ROOT, "%sk%05d", PREFIX, i)
                              : String.format(Locale.ROOT, "lisu/k%05d", i - keys);
                      s.put(key, new ByteArrayInputStream(value), VALUE);
                    }
                  }
                  return null;
                }));
      }
      for (Future<Void> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** How many times {@code needle} occurs in {@code text}. */
  static int count(String text, String needle) {
    int n = 0;
    for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
      n++;
    }
    return n;
  }

  /** The {@code nextCursor} of a listing's JSON body, or null on the last page. */
  static String nextCursor(String body) {
    String key = "\"nextCursor\":";
    int at = body.lastIndexOf(key);
    if (at < 0) {
      throw new IllegalArgumentException(
          "no nextCursor in the listing: " + body.substring(0, Math.min(200, body.length())));
    }
    int i = at + key.length();
    while (Character.isWhitespace(body.charAt(i))) {
      i++;
    }
    if (body.startsWith("null", i)) {
      return null;
    }
    int end = body.indexOf('"', i + 1);
    return body.substring(i + 1, end);
  }
}
