package io.pullproof.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pullproof.reference.ImageReference;
import io.pullproof.reference.InvalidReferenceException;
import java.nio.charset.StandardCharsets;

/**
 * Image references come from pod specs. Every input either parses to a canonical reference —
 * parsing its string form gives it back, and that form is a fixed point — or is rejected with
 * {@link InvalidReferenceException} whose message names the input, on one line.
 */
class ImageReferenceFuzzTest {

  @FuzzTest
  void parsesToAFixedPointOrRejects(byte[] bytes) {
    // Raw bytes rather than a String parameter keep the committed seeds plain text files.
    String input = new String(bytes, StandardCharsets.UTF_8);
    ImageReference reference;
    try {
      reference = ImageReference.parse(input);
    } catch (InvalidReferenceException e) {
      assertThat(e.problem()).isNotNull();
      assertThat(e.getMessage()).startsWith("invalid image reference ").doesNotContain("\n", "\r");
      return;
    }
    String canonical = reference.toString();
    ImageReference again = ImageReference.parse(canonical);
    assertThat(again).as("parse(toString()) of %s", canonical).isEqualTo(reference);
    assertThat(again.toString()).isEqualTo(canonical);
    assertThat(reference.name().length()).isLessThanOrEqualTo(255);
    assertThat(reference.tag() != null || reference.digest() != null).isTrue();
    assertThat(reference.path()).isEqualTo(reference.path().toLowerCase(java.util.Locale.ROOT));
    String host = reference.host();
    String port = reference.port();
    assertThat(port == null ? host : host + ":" + port).isEqualTo(reference.domain());
  }
}
