package io.pullproof.stack.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessPolicyTest {
  private static final ResourceAccess PULL_PUSH_APP = ResourceAccess.parse("repository:team-a/app:pull,push");

  private final AccessPolicy policy = new AccessPolicy();

  @Test
  void rightPasswordAuthenticatesAndWrongOrUnknownDoesNot() {
    policy.addUser("alice", "secret");

    assertThat(policy.authenticate("alice", "secret")).isTrue();
    assertThat(policy.authenticate("alice", "Secret")).isFalse();
    assertThat(policy.authenticate("alice", "")).isFalse();
    assertThat(policy.authenticate("mallory", "secret")).isFalse();
  }

  @Test
  void userGetsOnlyTheGrantedSubsetOfRequestedActions() {
    policy.addUser("alice", "secret");
    policy.grant("alice", "team-a/*", List.of("pull"));

    assertThat(policy.permitted("alice", PULL_PUSH_APP).actions()).containsExactly("pull");
  }

  @Test
  void grantsOfSeveralMatchingPatternsAddUp() {
    policy.addUser("alice", "secret");
    policy.grant("alice", "team-a/*", List.of("pull"));
    policy.grant("alice", "team-a/app", List.of("push"));

    assertThat(policy.permitted("alice", PULL_PUSH_APP).actions()).containsExactly("pull", "push");
  }

  @Test
  void userWithoutGrantGetsTheRepositoryWithNoActions() {
    policy.addUser("bob", "secret");

    assertThat(policy.permitted("bob", PULL_PUSH_APP))
        .isEqualTo(new ResourceAccess("repository", "team-a/app", List.of()));
  }

  @Test
  void anonymousMayPullPublicRepositoriesOnly() {
    policy.makePublic("public/*");

    assertThat(policy.permitted(null, ResourceAccess.parse("repository:public/base:pull,push")).actions())
        .containsExactly("pull");
    assertThat(policy.permitted(null, PULL_PUSH_APP).actions()).isEmpty();
  }

  @Test
  void revokedGrantNoLongerApplies() {
    policy.addUser("alice", "secret");
    policy.grant("alice", "team-a/*", List.of("pull", "push"));
    policy.revokeGrant("alice", "team-a/*");

    assertThat(policy.permitted("alice", PULL_PUSH_APP).actions()).isEmpty();
  }

  @Test
  void nonRepositoryScopesAreNeverGranted() {
    policy.addUser("alice", "secret");
    policy.grant("alice", "*", List.of("pull", "push"));

    assertThat(policy.permitted("alice", ResourceAccess.parse("registry:catalog:*")).actions()).isEmpty();
  }

  @Test
  void grantForUnknownUserOrUnknownActionIsRejected() {
    policy.addUser("alice", "secret");

    assertThatThrownBy(() -> policy.grant("bob", "team-a/*", List.of("pull"))).hasMessageContaining("bob");
    assertThatThrownBy(() -> policy.grant("alice", "team-a/*", List.of("admin"))).hasMessageContaining("admin");
  }

  @Test
  void accessFileSeedsUsersGrantsAndPublicRepositories(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("access.json"), """
        {
          "users": {"alice": "alice-secret", "ci": "ci-secret"},
          "grants": {"alice": {"team-a/*": ["pull", "push"]}, "ci": {"*": ["pull"]}},
          "public": ["library/*"]
        }
        """);

    policy.load(file);

    assertThat(policy.authenticate("ci", "ci-secret")).isTrue();
    assertThat(policy.permitted("alice", PULL_PUSH_APP).actions()).containsExactly("pull", "push");
    assertThat(policy.permitted("ci", PULL_PUSH_APP).actions()).containsExactly("pull");
    assertThat(policy.permitted(null, ResourceAccess.parse("repository:library/alpine:pull")).actions())
        .containsExactly("pull");
  }

  @Test
  void accessFileWithUnknownKeyIsRejected(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("access.json"), "{\"user\": {\"alice\": \"x\"}}");

    assertThatThrownBy(() -> policy.load(file)).hasMessageContaining("user");
  }
}
