package io.pullproof.decision;

import java.time.Instant;
import java.util.Objects;

/**
 * An operator's withdrawal of trust in grants. It takes effect fleet-wide: a withdrawn grant
 * serves no node of any cluster.
 *
 * <p>A namespace belongs to one cluster ({@code team-a} of cluster {@code prod} and {@code team-a}
 * of cluster {@code dev} are different tenants), so a namespace revocation may name its cluster:
 * it then withdraws the grants proven by that cluster's secrets and service accounts of the
 * namespace, on every node of the fleet, and leaves the same-named namespace of other clusters
 * alone. A grant whose cluster is unknown is withdrawn (fail safe: a REPULL, never a wrong ALLOW).
 * Secret uids, service account uids and credential hashes name one credential fleet-wide, so
 * {@code cluster} does not narrow those kinds.
 *
 * @param kind what {@code value} identifies
 * @param value the secret uid, credential hash, service account uid or namespace
 * @param revokedAt grants verified after this instant are new proofs and stay valid (a pod
 *     that re-verified against the registry after the revocation is not held back by it);
 *     {@code null} revokes matching grants whenever they were verified
 * @param cluster for {@link Kind#NAMESPACE}: the cluster whose namespace is revoked; {@code null}
 *     for the namespace of that name in every cluster. Ignored for the other kinds
 */
public record Revocation(Kind kind, String value, Instant revokedAt, String cluster) {
  public Revocation {
    Objects.requireNonNull(kind, "kind");
    ObjectRef.requireText(value, kind.jsonName());
    if (cluster != null && cluster.isEmpty()) {
      throw new IllegalArgumentException("cluster must not be empty (null: every cluster)");
    }
  }

  /** A revocation of the namespace {@code value} of every cluster, or of any other kind. */
  public Revocation(Kind kind, String value, Instant revokedAt) {
    this(kind, value, revokedAt, null);
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

  /**
   * Whether this revocation withdraws a grant with this identity, verified at that time, whose
   * secret or service account belongs to {@code subjectCluster} ({@code null}: unknown).
   */
  public boolean covers(GrantKind grantKind, ObjectRef subject, String credentialHash, long verifiedAtMillis,
      String subjectCluster) {
    if (revokedAt != null && verifiedAtMillis > revokedAt.toEpochMilli()) {
      return false;
    }
    return switch (kind) {
      case SECRET_UID -> grantKind == GrantKind.SECRET && subject.uid().equals(value);
      case SERVICE_ACCOUNT_UID -> grantKind == GrantKind.SERVICE_ACCOUNT && subject.uid().equals(value);
      case CREDENTIAL_HASH -> value.equals(credentialHash);
      case NAMESPACE -> subject != null && subject.namespace().equals(value)
          && (cluster == null || subjectCluster == null || cluster.equals(subjectCluster));
    };
  }

  public boolean covers(Grant grant) {
    return covers(grant.kind(), grant.subject(), grant.credentialHash(), grant.verifiedAt().toEpochMilli(),
        grant.cluster());
  }
}
