package io.pullproof.audit.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Report timestamps: ISO-8601 UTC with exactly three fraction digits, so that text order is time
 * order ({@link Instant#toString()} drops zero fractions, and {@code ...:00Z} sorts after
 * {@code ...:00.004Z}).
 */
public final class Times {
  private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  private Times() {}

  public static String format(Instant instant) {
    return MILLIS.format(instant);
  }
}
