package io.pullproof.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad values fail at install time, naming what is wrong, instead of rendering pods that crash.
 * Each file in src/test/resources/bad-values starts with {@code # expect: TEXT}, a fragment of
 * Helm's error (the offending key, or the chart's own message).
 */
class ValuesSchemaTest {
  static Stream<Path> badValues() throws IOException {
    Path dir = Repository.file("charts/src/test/resources/bad-values");
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("badValues")
  void badValuesAreRejectedNamingTheProblem(Path values) {
    String expected = expectation(values);
    assertThatThrownBy(() -> ChartRendering.render(List.of(values)))
        .as(values.getFileName().toString())
        .hasMessageContaining(expected);
  }

  @Test
  void valuesAtTheLimitsAreAccepted() {
    // The schema must not reject what the services accept: the edges of each rule above.
    Path limits = Repository.file("charts/src/test/resources/good-values/at-the-limits.yaml");
    assertThat(ChartRendering.render(List.of(limits))).isNotEmpty();
  }

  private static String expectation(Path values) {
    try {
      String first = Files.readAllLines(values).get(0);
      if (!first.startsWith("# expect: ")) {
        throw new IllegalStateException(values + ": first line must be '# expect: TEXT'");
      }
      return first.substring("# expect: ".length()).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
