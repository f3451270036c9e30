package io.pullproof.oci;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ManifestCheckTest {
  @Test
  void aTokenRealmRefusingTheCredentialsIsUnauthorizedNotUnreachable() {
    assertThat(ManifestCheck.tokenRefused(401, "wrong password").result()).isEqualTo(ManifestCheck.Result.UNAUTHORIZED);
    assertThat(ManifestCheck.tokenRefused(403, "refused").result()).isEqualTo(ManifestCheck.Result.DENIED);
    assertThat(ManifestCheck.tokenRefused(503, "down").result()).isEqualTo(ManifestCheck.Result.REGISTRY_ERROR);
  }

  @Test
  void noAnswerAtAllIsUnreachable() {
    ManifestCheck check = ManifestCheck.unreachable("connection refused");
    assertThat(check.result()).isEqualTo(ManifestCheck.Result.UNREACHABLE);
    assertThat(check.status()).isZero();
    assertThat(check.found()).isFalse();
  }
}
