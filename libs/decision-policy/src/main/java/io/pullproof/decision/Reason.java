package io.pullproof.decision;

/**
 * Why a verdict was reached: exactly one per verdict. The order of the constants is the
 * evaluation order of {@link VerdictPolicy}; see {@code package-info.java} for the precedence.
 */
public enum Reason {
  /** {@code pullPolicy: Always}: the kubelet pulls whatever the verification policy says. */
  PULL_POLICY_ALWAYS(Outcome.REPULL),
  /** The image is not on the node (empty image reference): a pull is needed anyway. */
  IMAGE_NOT_PRESENT(Outcome.REPULL),
  /** Verification policy {@code NeverVerify}: anything present may start. */
  POLICY_NEVER_VERIFY(Outcome.ALLOW),
  /** {@code NeverVerifyPreloadedImages} and no agent pulled this name on this node. */
  PRELOADED(Outcome.ALLOW),
  /** {@code NeverVerifyAllowlistedImages} and the normalised name matches the allowlist. */
  ALLOWLISTED(Outcome.ALLOW),
  /** A live grant says the image name was pulled without credentials (public). */
  ANONYMOUS(Outcome.ALLOW),
  /** A live grant was proven with the node credential this request presents. */
  NODE_CREDENTIAL_MATCH(Outcome.ALLOW),
  /** A pod secret's credential hash equals the hash of a live secret grant. */
  SECRET_HASH_MATCH(Outcome.ALLOW),
  /** A pod secret has the coordinates of a live secret grant but a new hash (rotation). */
  SECRET_ROTATED(Outcome.ALLOW),
  /** The pod's service account (namespace, name, uid) has a live grant. */
  SERVICE_ACCOUNT_MATCH(Outcome.ALLOW),
  /** A grant would have matched, but it was revoked. */
  REVOKED(Outcome.REPULL),
  /** A grant would have matched, but it is older than {@code maxGrantAge}. */
  GRANT_EXPIRED(Outcome.REPULL),
  /** Grants exist for this image reference and name, none for the pod's credentials. */
  NO_MATCHING_CREDENTIAL(Outcome.REPULL),
  /** No grant records this image reference under this name. */
  NO_RECORD(Outcome.REPULL);

  private final Outcome outcome;

  Reason(Outcome outcome) {
    this.outcome = outcome;
  }

  public Outcome outcome() {
    return outcome;
  }
}
