package io.pullproof.stack.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceAccessTest {
  @Test
  void scopeSplitsIntoTypeNameAndActions() {
    assertThat(ResourceAccess.parse("repository:team-a/app:pull,push"))
        .isEqualTo(new ResourceAccess("repository", "team-a/app", List.of("pull", "push")));
  }

  @Test
  void nameMayHoldAColon() {
    assertThat(ResourceAccess.parse("repository:localhost:5000/app:pull").name()).isEqualTo("localhost:5000/app");
  }

  @Test
  void repeatedAndEmptyActionsAreDropped() {
    assertThat(ResourceAccess.parse("repository:app:pull,,pull").actions()).containsExactly("pull");
    assertThat(ResourceAccess.parse("repository:app:").actions()).isEmpty();
  }

  @Test
  void scopeWithoutNameOrActionsIsRejected() {
    for (String malformed : List.of("repository", "repository:app", ":app:pull", "repository::pull")) {
      assertThatThrownBy(() -> ResourceAccess.parse(malformed)).as(malformed)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(malformed);
    }
  }

  @Test
  void scopeStringRoundTrips() {
    assertThat(ResourceAccess.parse("repository:a/b:pull,push").scope()).isEqualTo("repository:a/b:pull,push");
  }
}
