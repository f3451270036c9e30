package io.pullproof.ledger.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One grant: a credential proved access to an image under a name. Coordinates and hashes only,
 * never secret material.
 *
 * @param kind SECRET, SERVICE_ACCOUNT, NODE_CREDENTIAL or ANONYMOUS
 * @param cluster cluster where the ledger first saw it proven
 * @param node node where the ledger first saw it proven
 * @param firstVerifiedAt when the ledger first recorded it; never changes afterwards
 * @param revokedAt set while a revocation newer than the last verification matches it
 */
public record GrantRecord(
    String grantId,
    String imageRef,
    String name,
    String kind,
    String credentialHash,
    String secretNamespace,
    String secretName,
    String secretUid,
    String serviceAccountNamespace,
    String serviceAccountName,
    String serviceAccountUid,
    String cluster,
    String node,
    Instant firstVerifiedAt,
    Instant lastVerifiedAt,
    String lastEventId,
    Instant revokedAt,
    String revocationId) {

  public GrantRecord {
    Objects.requireNonNull(grantId, "grantId");
    Objects.requireNonNull(imageRef, "imageRef");
    Objects.requireNonNull(kind, "kind");
  }

  public boolean revoked() {
    return revokedAt != null;
  }
}
