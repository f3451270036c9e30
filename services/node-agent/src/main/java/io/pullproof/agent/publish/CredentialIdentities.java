package io.pullproof.agent.publish;

import io.pullproof.credentials.CredentialHasher;
import io.pullproof.credentials.CredentialSource;
import io.pullproof.credentials.KeyringMatch;
import io.pullproof.credentials.SecretCoordinates;
import io.pullproof.credentials.ServiceAccountIdentity;
import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.SecretRef;
import io.pullproof.events.ServiceAccountRef;
import java.util.List;

/**
 * Turns the credentials the keyring selected into what may leave the node: fleet HMAC hashes,
 * secret coordinates and entry keys. Raw material goes in, never out.
 */
public final class CredentialIdentities {
  private final CredentialHasher hasher;

  public CredentialIdentities(CredentialHasher hasher) {
    this.hasher = hasher;
  }

  /** A pod secret entry (SECRET) or a node config entry (NODE_CREDENTIAL). */
  public CredentialIdentity of(KeyringMatch match) {
    CredentialIdentity.Builder identity = CredentialIdentity.newBuilder()
        .setHash(hasher.hash(match.credential()).toString())
        .setRegistryKey(match.entry().key())
        .setSecret(null)
        .setServiceAccount(null);
    if (match.source() instanceof CredentialSource.PullSecret secret) {
      SecretCoordinates at = secret.secret();
      return identity.setKind(CredentialKind.SECRET)
          .setSecret(new SecretRef(at.namespace(), at.name(), at.uid())).build();
    }
    return identity.setKind(CredentialKind.NODE_CREDENTIAL).build();
  }

  /** The pod's pull-secret matches, in keyring order. */
  public List<CredentialIdentity> podSecrets(List<KeyringMatch> matches) {
    return matches.stream().filter(m -> m.source() instanceof CredentialSource.PullSecret).map(this::of).toList();
  }

  /** The hash of the first node-credential match, or null when the node has none for the image. */
  public String nodeCredentialHash(List<KeyringMatch> matches) {
    return matches.stream().filter(m -> m.source() instanceof CredentialSource.NodeCredentials)
        .findFirst().map(m -> hasher.hash(m.credential()).toString()).orElse(null);
  }

  public static CredentialIdentity anonymous() {
    return CredentialIdentity.newBuilder().setKind(CredentialKind.ANONYMOUS).setHash(null).setSecret(null)
        .setServiceAccount(null).setRegistryKey(null).build();
  }

  public static CredentialIdentity serviceAccount(ServiceAccountIdentity account) {
    return CredentialIdentity.newBuilder().setKind(CredentialKind.SERVICE_ACCOUNT).setHash(null).setSecret(null)
        .setServiceAccount(serviceAccountRef(account)).setRegistryKey(null).build();
  }

  public static ServiceAccountRef serviceAccountRef(ServiceAccountIdentity account) {
    return account == null ? null : new ServiceAccountRef(account.namespace(), account.name(), account.uid());
  }
}
