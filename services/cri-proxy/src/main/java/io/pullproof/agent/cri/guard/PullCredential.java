package io.pullproof.agent.cri.guard;

import io.pullproof.agent.cri.api.AuthConfig;
import io.pullproof.agent.enforce.PullReport;
import io.pullproof.credentials.CredentialSource;
import io.pullproof.credentials.KeyringMatch;
import io.pullproof.credentials.RegistryCredential;
import io.pullproof.events.CredentialKind;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Which credential a PullImage carried. The kubelet sends one keyring entry per attempt as an
 * {@link AuthConfig} (its material, never where it came from); the source is found by comparing
 * that material with the keyring matches of the pod's pull secrets and the node's config, in
 * keyring order. The first equal entry wins, as it was the first the kubelet tried.
 */
public final class PullCredential {
  private PullCredential() {}

  /** True when the kubelet sent no credential at all: an anonymous pull. */
  public static boolean anonymous(AuthConfig auth) {
    return auth.getUsername().isEmpty() && auth.getPassword().isEmpty() && auth.getAuth().isEmpty()
        && auth.getIdentityToken().isEmpty() && auth.getRegistryToken().isEmpty();
  }

  /** The {@link PullReport.Succeeded} for this material, or empty when no known source holds it. */
  public static Optional<PullReport.Succeeded> identify(AuthConfig auth, List<KeyringMatch> matches) {
    if (anonymous(auth)) {
      return Optional.of(new PullReport.Succeeded(CredentialKind.ANONYMOUS, null, null));
    }
    String[] userPass = userAndPassword(auth);
    for (KeyringMatch match : matches) {
      RegistryCredential entry = match.credential();
      boolean same = entry.username().equals(userPass[0]) && entry.password().equals(userPass[1])
          && entry.identityToken().equals(auth.getIdentityToken())
          && entry.registryToken().equals(auth.getRegistryToken());
      if (!same) {
        continue;
      }
      if (match.source() instanceof CredentialSource.PullSecret secret) {
        return Optional.of(new PullReport.Succeeded(CredentialKind.SECRET, secret.secret().uid(), match.entry().key()));
      }
      return Optional.of(new PullReport.Succeeded(CredentialKind.NODE_CREDENTIAL, null, match.entry().key()));
    }
    return Optional.empty();
  }

  /** Username and password; from {@code auth} (base64 "user:password") when the fields are empty. */
  static String[] userAndPassword(AuthConfig auth) {
    if (!auth.getUsername().isEmpty() || auth.getAuth().isEmpty()) {
      return new String[] {auth.getUsername(), auth.getPassword()};
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(auth.getAuth()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return new String[] {"", ""};
    }
    int colon = decoded.indexOf(':');
    return colon < 0 ? new String[] {decoded, ""} : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
  }
}
