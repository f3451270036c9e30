package io.pullproof.decision;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class GrantIdTest {
  private static final String REF = "sha256:" + "a".repeat(64);
  private static final Instant T = Instant.parse("2026-11-20T00:00:00Z");

  @Test
  void aRotatedSecretKeepsItsGrantId() {
    ObjectRef secret = new ObjectRef("team-a", "pull", "uid-1");
    Grant before = new Grant(REF, "registry.io/team/app", GrantKind.SECRET, secret, "hmac-sha256:k1:old", T);
    Grant after = new Grant(REF, "registry.io/team/app", GrantKind.SECRET, secret, "hmac-sha256:k1:new", T.plusSeconds(60));
    assertThat(GrantId.of(after)).isEqualTo(GrantId.of(before));
  }

  @Test
  void anotherNameImageOrCredentialIsAnotherGrant() {
    String base = GrantId.of(Grant.anonymous(REF, "docker.io/library/nginx", T));
    assertThat(GrantId.of(Grant.anonymous(REF, "docker.io/library/other", T))).isNotEqualTo(base);
    assertThat(GrantId.of(Grant.anonymous("sha256:" + "b".repeat(64), "docker.io/library/nginx", T))).isNotEqualTo(base);
    assertThat(GrantId.of(Grant.nodeCredential(REF, "docker.io/library/nginx", "hmac-sha256:k1:n", T))).isNotEqualTo(base);
  }

  @Test
  void theIdIsPinned() {
    // A pinned value: ledger rows and recorded verdicts depend on this function never changing.
    assertThat(GrantId.of(REF, "docker.io/library/nginx", GrantKind.ANONYMOUS, null)).isEqualTo(
        GrantId.of(REF, "docker.io/library/nginx", GrantKind.ANONYMOUS, ""));
    assertThat(GrantId.of(REF, "docker.io/library/nginx", GrantKind.ANONYMOUS, null)).isEqualTo("g-0b9f8d383f737a24e0f228ed0a820660");
  }
}
