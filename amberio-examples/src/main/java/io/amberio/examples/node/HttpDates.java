package io.amberio.examples.node;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** HTTP dates (RFC 9110, section 5.6.7): written as IMF-fixdate, read in that form or RFC 1123's. */
final class HttpDates {
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  private HttpDates() {}

  /** Formats {@code instant} as an IMF-fixdate, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
  static String format(Instant instant) {
    return IMF_FIXDATE.format(instant);
  }

  /** Parses an HTTP date, or returns {@code null} if {@code text} is not one (the header is then ignored). */
  static Instant parse(String text) {
    try {
      return ZonedDateTime.parse(text.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** {@code instant} at the one-second precision of HTTP dates. */
  static Instant truncate(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS);
  }
}
