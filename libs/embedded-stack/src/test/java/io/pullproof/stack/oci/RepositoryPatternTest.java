package io.pullproof.stack.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RepositoryPatternTest {
  @Test
  void exactPatternMatchesOnlyItsName() {
    var pattern = new RepositoryPattern("base/alpine");

    assertThat(pattern.matches("base/alpine")).isTrue();
    assertThat(pattern.matches("base/alpine2")).isFalse();
    assertThat(pattern.matches("base")).isFalse();
  }

  @Test
  void prefixPatternMatchesEverythingBelowItsPrefix() {
    var pattern = new RepositoryPattern("team-a/*");

    assertThat(pattern.matches("team-a/app")).isTrue();
    assertThat(pattern.matches("team-a/sub/app")).isTrue();
    assertThat(pattern.matches("team-a")).isFalse();
    assertThat(pattern.matches("team-ab/app")).isFalse();
  }

  @Test
  void loneStarMatchesEveryRepository() {
    assertThat(new RepositoryPattern("*").matches("any/thing")).isTrue();
  }

  @Test
  void starAnywhereElseIsRejected() {
    for (String bad : List.of("team-*", "team/*/app", "/*", "team*", " ")) {
      assertThatThrownBy(() -> new RepositoryPattern(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
