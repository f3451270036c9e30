package io.pullproof.ledger.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pullproof.ledger.model.InvalidFieldException;
import io.pullproof.ledger.model.PageCursor;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PageCursorTest {
  @Test
  void aCursorRoundTripsIncludingMicrosecondsAndBarsInTheId() {
    PageCursor cursor = new PageCursor(Instant.parse("2026-11-22T10:00:00.123456Z"), "g-1|odd");
    assertThat(PageCursor.decode(cursor.encode())).isEqualTo(cursor);
  }

  @Test
  void garbageIsRejectedNamingTheCursorParameter() {
    for (String bad : new String[] {"bm9wZQ", "!!!", "MjAyNnw"}) {
      assertThatThrownBy(() -> PageCursor.decode(bad)).isInstanceOf(InvalidFieldException.class)
          .extracting(e -> ((InvalidFieldException) e).field()).isEqualTo("cursor");
    }
  }
}
