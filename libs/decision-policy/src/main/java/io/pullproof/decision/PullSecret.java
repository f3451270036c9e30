package io.pullproof.decision;

import java.util.Objects;

/**
 * A pod pull secret as the agent presents it: the secret's coordinates and the credential hash of
 * the entry that applies to the image. An empty hash (hashing failed) never matches anything.
 */
public record PullSecret(ObjectRef ref, String credentialHash) {
  public PullSecret {
    Objects.requireNonNull(ref, "ref");
    credentialHash = credentialHash == null ? "" : credentialHash;
  }

  public static PullSecret of(String namespace, String name, String uid, String credentialHash) {
    return new PullSecret(new ObjectRef(namespace, name, uid), credentialHash);
  }
}
