package io.pullproof.decision;

import java.time.Instant;
import java.util.Objects;

/**
 * An operator's withdrawal of trust in grants, fleet-wide.
 *
 * @param kind what {@code value} identifies
 * @param value the secret uid, credential hash, service account uid or namespace
 * @param revokedAt grants verified after this instant are new proofs and stay valid (a pod
 *     that re-verified against the registry after the revocation is not held back by it);
 *     {@code null} revokes matching grants whenever they were verified
 */
public record Revocation(Kind kind, String value, Instant revokedAt) {
  public Revocation {
    Objects.requireNonNull(kind, "kind");
    ObjectRef.requireText(value, kind.jsonName());
  }

  public static Revocation of(Kind kind, String value) {
    return new Revocation(kind, value, null);
  }

  public enum Kind {
    /** Grants proven by the secret with this uid. */
    SECRET_UID,
    /** Grants proven by this credential hash: pod secrets and node credentials alike. */
    CREDENTIAL_HASH,
    /** Grants proven by the service account with this uid. */
    SERVICE_ACCOUNT_UID,
    /** Grants proven by a secret or service account of this namespace. */
    NAMESPACE;

    /** The spelling in JSON documents ({@code {"secretUid": "…"}}). */
    public String jsonName() {
      return EnumSpelling.lowerCamel(this);
    }
  }

  /** Whether this revocation withdraws a grant with this identity, verified at that time. */
  public boolean covers(GrantKind grantKind, ObjectRef subject, String credentialHash, long verifiedAtMillis) {
    if (revokedAt != null && verifiedAtMillis > revokedAt.toEpochMilli()) {
      return false;
    }
    return switch (kind) {
      case SECRET_UID -> grantKind == GrantKind.SECRET && subject.uid().equals(value);
      case SERVICE_ACCOUNT_UID -> grantKind == GrantKind.SERVICE_ACCOUNT && subject.uid().equals(value);
      case CREDENTIAL_HASH -> value.equals(credentialHash);
      case NAMESPACE -> subject != null && subject.namespace().equals(value);
    };
  }

  public boolean covers(Grant grant) {
    return covers(grant.kind(), grant.subject(), grant.credentialHash(), grant.verifiedAt().toEpochMilli());
  }
}
