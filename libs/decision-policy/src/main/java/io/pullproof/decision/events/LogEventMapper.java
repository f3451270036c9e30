package io.pullproof.decision.events;

import io.pullproof.decision.Grant;
import io.pullproof.decision.ObjectRef;
import io.pullproof.decision.PullSecret;
import io.pullproof.decision.Revocation;
import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.CredentialRevoked;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.NodeRef;
import io.pullproof.events.SecretRef;
import io.pullproof.events.ServiceAccountRef;
import java.time.Instant;

/**
 * Turns log events into decision-policy values. The ledger validates and dead-letters bad events;
 * here an event that cannot become a grant is reported as {@link IllegalArgumentException} naming
 * the field, and the caller skips it (a grant we cannot read can only cost a REPULL).
 */
public final class LogEventMapper {
  private LogEventMapper() {}

  /** The cluster a node belongs to, as grants record it; {@code null} when the event names none. */
  public static String clusterOf(NodeRef node) {
    String cluster = node.getCluster();
    return cluster == null || cluster.isEmpty() ? null : cluster;
  }

  /** The node key used everywhere in the decision state: {@code cluster/node}. */
  public static String nodeKey(NodeRef node) {
    return node.getCluster() + "/" + node.getNode();
  }

  /**
   * The grant an {@code ImagePulled} proves. A secret or service account lives in the cluster of
   * the node that pulled with it (a pod runs on its own cluster's nodes).
   */
  public static Grant grant(ImagePulled pulled) {
    CredentialIdentity credential = pulled.getCredential();
    Instant verifiedAt = pulled.getOccurredAt();
    String imageRef = pulled.getImageRef();
    String name = pulled.getName();
    return switch (credential.getKind()) {
      case ANONYMOUS -> Grant.anonymous(imageRef, name, verifiedAt);
      case NODE_CREDENTIAL -> Grant.nodeCredential(imageRef, name, required(credential.getHash(), "credential.hash"), verifiedAt);
      case SECRET -> {
        SecretRef secret = required(credential.getSecret(), "credential.secret");
        yield Grant.secret(imageRef, name, PullSecret.of(secret.getNamespace(), secret.getName(), secret.getUid(),
            required(credential.getHash(), "credential.hash")), verifiedAt).inCluster(clusterOf(pulled.getNode()));
      }
      case SERVICE_ACCOUNT -> Grant.serviceAccount(imageRef, name, objectRef(
          required(credential.getServiceAccount(), "credential.serviceAccount")), verifiedAt)
          .inCluster(clusterOf(pulled.getNode()));
    };
  }

  /**
   * The revocation a {@code CredentialRevoked} asks for. A namespace revocation limited to one
   * cluster withdraws the grants of that cluster's namespace on every node of the fleet (see
   * {@link Revocation}); an empty cluster means every cluster.
   */
  public static Revocation revocation(CredentialRevoked revoked) {
    Revocation.Kind kind = switch (revoked.getScope()) {
      case SECRET_UID -> Revocation.Kind.SECRET_UID;
      case CREDENTIAL_HASH -> Revocation.Kind.CREDENTIAL_HASH;
      case SERVICE_ACCOUNT_UID -> Revocation.Kind.SERVICE_ACCOUNT_UID;
      case NAMESPACE -> Revocation.Kind.NAMESPACE;
    };
    String cluster = revoked.getCluster() == null || revoked.getCluster().isEmpty() ? null : revoked.getCluster();
    return new Revocation(kind, revoked.getValue(), revoked.getOccurredAt(), cluster);
  }

  public static ObjectRef objectRef(ServiceAccountRef account) {
    return new ObjectRef(account.getNamespace(), account.getName(), account.getUid());
  }

  private static <T> T required(T value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is missing");
    }
    return value;
  }
}
