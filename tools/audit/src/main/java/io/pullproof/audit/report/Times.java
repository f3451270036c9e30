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
    if (instant.getNano() % 1_000_000 == 0 && instant.getEpochSecond() >= 0 && instant.getEpochSecond() < 253_402_300_800L) {
      // Event times are Avro timestamp-millis: Instant.toString gives "...:ssZ" or "...:ss.SSSZ",
      // several times faster than the formatter; only the whole second needs its ".000".
      String text = instant.toString();
      return instant.getNano() == 0 ? text.substring(0, text.length() - 1) + ".000Z" : text;
    }
    return MILLIS.format(instant);
  }
}
