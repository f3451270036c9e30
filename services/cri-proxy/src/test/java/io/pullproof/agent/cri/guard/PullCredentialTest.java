package io.pullproof.agent.cri.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.agent.cri.api.AuthConfig;
import io.pullproof.agent.enforce.PullReport;
import io.pullproof.credentials.CredentialSource;
import io.pullproof.credentials.DockerConfig;
import io.pullproof.credentials.Keyring;
import io.pullproof.credentials.KeyringMatch;
import io.pullproof.credentials.SecretCoordinates;
import io.pullproof.events.CredentialKind;
import io.pullproof.reference.ImageReference;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class PullCredentialTest {
  private static final ImageReference IMAGE = ImageReference.parse("registry.example:5000/team/app:1");

  private static DockerConfig config(String user, String password) {
    return DockerConfig.parseDockerConfigJson(("{\"auths\":{\"registry.example:5000\":{\"username\":\"" + user
        + "\",\"password\":\"" + password + "\"}}}").getBytes(StandardCharsets.UTF_8));
  }

  private static List<KeyringMatch> matches() {
    return Keyring.of(List.of(
        new CredentialSource.PullSecret(new SecretCoordinates("team-a", "first", "uid-first"), config("alice", "one")),
        new CredentialSource.PullSecret(new SecretCoordinates("team-a", "second", "uid-second"), config("bob", "two")),
        new CredentialSource.NodeCredentials("/var/lib/kubelet/config.json", config("node", "three")))).lookup(IMAGE);
  }

  @Test
  void anEmptyAuthConfigIsAnAnonymousPull() {
    assertThat(PullCredential.identify(AuthConfig.getDefaultInstance(), matches()))
        .contains(new PullReport.Succeeded(CredentialKind.ANONYMOUS, null, null));
  }

  @Test
  void theSecretHoldingTheSameMaterialIsTheCredential() {
    AuthConfig auth = AuthConfig.newBuilder().setUsername("bob").setPassword("two").build();
    assertThat(PullCredential.identify(auth, matches()))
        .contains(new PullReport.Succeeded(CredentialKind.SECRET, "uid-second", "registry.example:5000"));
  }

  @Test
  void nodeConfigMaterialIsANodeCredentialPull() {
    AuthConfig auth = AuthConfig.newBuilder().setUsername("node").setPassword("three").build();
    assertThat(PullCredential.identify(auth, matches()))
        .contains(new PullReport.Succeeded(CredentialKind.NODE_CREDENTIAL, null, "registry.example:5000"));
  }

  @Test
  void theAuthFieldIsReadWhenUsernameAndPasswordAreEmpty() {
    AuthConfig auth = AuthConfig.newBuilder()
        .setAuth(Base64.getEncoder().encodeToString("alice:one".getBytes(StandardCharsets.UTF_8))).build();
    assertThat(PullCredential.identify(auth, matches()))
        .contains(new PullReport.Succeeded(CredentialKind.SECRET, "uid-first", "registry.example:5000"));
  }

  @Test
  void materialNoSourceHoldsIsNotAttributed() {
    AuthConfig auth = AuthConfig.newBuilder().setUsername("alice").setPassword("wrong").build();
    assertThat(PullCredential.identify(auth, matches())).isEmpty();
  }
}
