package io.pullproof.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyTextTest {
  @Test
  void fieldsAreEscapedForCopyTextFormat() {
    String text = CopyText.rows(List.<Object[]>of(new Object[] {"a\tb", null, "back\\slash\nline", Instant.parse("2026-11-22T10:00:00Z"), true, 7}));
    assertThat(text).isEqualTo("a\\tb\t\\N\tback\\\\slash\\nline\t2026-11-22T10:00:00Z\ttrue\t7\n");
  }

  @Test
  void arraysBecomeQuotedArrayLiterals() {
    assertThat(CopyText.arrayLiteral(List.of("x", "say \"hi\"", "a\\b"))).isEqualTo("{\"x\",\"say \\\"hi\\\"\",\"a\\\\b\"}");
    assertThat(CopyText.rows(List.<Object[]>of(new Object[] {List.of("a\\b")}))).isEqualTo("{\"a\\\\\\\\b\"}\n");
  }
}
