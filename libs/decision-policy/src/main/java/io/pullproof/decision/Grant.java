package io.pullproof.decision;

import java.time.Instant;
import java.util.Objects;

/**
 * A proof that a credential pulled an image: the image reference (digest) and normalised
 * repository name it was pulled under, the kind of credential and its identity, and when the
 * registry last confirmed it. A grant proven on one node serves every node of the fleet, except
 * that a node-credential grant only serves requests presenting the same node credential.
 *
 * <p>Exactly the fields of the kind are set: {@code subject} for {@link GrantKind#SECRET} and
 * {@link GrantKind#SERVICE_ACCOUNT}, {@code credentialHash} for {@link GrantKind#SECRET} and
 * {@link GrantKind#NODE_CREDENTIAL}; the others are {@code null}.
 *
 * <p>{@code cluster} is the cluster the secret or service account lives in (the cluster of the
 * node that pulled with it), which a namespace revocation may be limited to; {@code null} when
 * unknown. It is not part of the grant's identity ({@link GrantId}).
 */
public record Grant(
    String imageRef,
    String name,
    GrantKind kind,
    ObjectRef subject,
    String credentialHash,
    Instant verifiedAt,
    String cluster) {

  public Grant {
    ObjectRef.requireText(imageRef, "imageRef");
    ObjectRef.requireText(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(verifiedAt, "verifiedAt");
    boolean hasSubject = kind == GrantKind.SECRET || kind == GrantKind.SERVICE_ACCOUNT;
    boolean hasHash = kind == GrantKind.SECRET || kind == GrantKind.NODE_CREDENTIAL;
    if (hasSubject != (subject != null)) {
      throw new IllegalArgumentException("a " + kind.jsonName() + " grant " + (hasSubject ? "needs" : "has no") + " subject");
    }
    if (hasHash != (credentialHash != null)) {
      throw new IllegalArgumentException("a " + kind.jsonName() + " grant " + (hasHash ? "needs" : "has no") + " credential hash");
    }
    if (cluster != null && cluster.isEmpty()) {
      throw new IllegalArgumentException("cluster must not be empty (null: unknown)");
    }
  }

  /** A grant whose credential's cluster is unknown. */
  public Grant(String imageRef, String name, GrantKind kind, ObjectRef subject, String credentialHash, Instant verifiedAt) {
    this(imageRef, name, kind, subject, credentialHash, verifiedAt, null);
  }

  /** This grant, its credential living in {@code cluster}. */
  public Grant inCluster(String cluster) {
    return new Grant(imageRef, name, kind, subject, credentialHash, verifiedAt, cluster);
  }

  public static Grant anonymous(String imageRef, String name, Instant verifiedAt) {
    return new Grant(imageRef, name, GrantKind.ANONYMOUS, null, null, verifiedAt);
  }

  public static Grant nodeCredential(String imageRef, String name, String nodeCredentialHash, Instant verifiedAt) {
    return new Grant(imageRef, name, GrantKind.NODE_CREDENTIAL, null, nodeCredentialHash, verifiedAt);
  }

  public static Grant secret(String imageRef, String name, PullSecret secret, Instant verifiedAt) {
    return new Grant(imageRef, name, GrantKind.SECRET, secret.ref(), secret.credentialHash(), verifiedAt);
  }

  public static Grant serviceAccount(String imageRef, String name, ObjectRef serviceAccount, Instant verifiedAt) {
    return new Grant(imageRef, name, GrantKind.SERVICE_ACCOUNT, Objects.requireNonNull(serviceAccount, "serviceAccount"), null, verifiedAt);
  }
}
