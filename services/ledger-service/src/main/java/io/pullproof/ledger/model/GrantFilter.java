package io.pullproof.ledger.model;

import java.time.Instant;

/**
 * Which grants to list; every field is optional, null means "any". {@code since}/{@code until}
 * select grants verified at some time in the window: last verification at or after {@code since},
 * first verification before {@code until}.
 */
public record GrantFilter(String imageRef, String name, String namespace, String secretName, String secretUid,
    String serviceAccountName, String serviceAccountUid, String credentialHash, String cluster, String node,
    Boolean revoked, Instant since, Instant until) {

  public GrantFilter {
    if (since != null && until != null && !since.isBefore(until)) {
      throw new InvalidFieldException("until", "must be after since");
    }
  }

  public static GrantFilter forImageRef(String imageRef) {
    return new GrantFilter(imageRef, null, null, null, null, null, null, null, null, null, null, null, null);
  }
}
