package io.pullproof.decision;

import java.util.Objects;

/**
 * What the ledger should record after an ALLOW that matched a secret grant by one half of its
 * identity, as the kubelet writes its pull record while matching. {@code grant} is the grant to
 * upsert (keyed by image reference, name and secret coordinates). It keeps the {@code verifiedAt}
 * of the grant it derives from: matching is not a registry verification, so it never extends a
 * grant's life.
 */
public record GrantUpdate(Kind kind, Grant grant) {
  public GrantUpdate {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(grant, "grant");
  }

  public enum Kind {
    /** {@link Reason#SECRET_HASH_MATCH} from a secret with other coordinates: record them too. */
    RECORD_SECRET_COORDINATES,
    /** {@link Reason#SECRET_ROTATED}: the new hash replaces the old one for these coordinates. */
    REPLACE_CREDENTIAL_HASH
  }
}
