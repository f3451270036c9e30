package io.pullproof.ledger.model;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Objects;

/**
 * Keyset position after the last row of a page: the (time, id) pair every listing is ordered by.
 * The next page asks for rows strictly after it, so rows written meanwhile never shift a page
 * boundary: nothing is skipped or repeated (offset pagination would do both).
 */
public record PageCursor(Instant time, String id) {

  public PageCursor {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(id, "id");
  }

  /** Opaque to clients: base64url of {@code <ISO instant>|<id>}. */
  public String encode() {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((time + "|" + id).getBytes(StandardCharsets.UTF_8));
  }

  /** @throws InvalidFieldException naming {@code cursor} when the text is not one of ours */
  public static PageCursor decode(String text) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      int bar = plain.indexOf('|');
      if (bar <= 0 || bar == plain.length() - 1) {
        throw new InvalidFieldException("cursor", "is not a cursor this API returned");
      }
      return new PageCursor(Instant.parse(plain.substring(0, bar)), plain.substring(bar + 1));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new InvalidFieldException("cursor", "is not a cursor this API returned");
    }
  }
}
