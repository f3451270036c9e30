package io.pullproof.ledger.model;

import java.time.Instant;
import java.util.Objects;

/** A revocation as stored: grants matching {@code scope}/{@code value} stop counting. */
public record RevocationRecord(String revocationId, Instant occurredAt, RevocationScope scope, String value,
    String cluster, String reason, String actor) {

  public RevocationRecord {
    Objects.requireNonNull(revocationId, "revocationId");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(value, "value");
  }
}
