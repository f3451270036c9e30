package io.pullproof.decision;

import java.util.Objects;

/**
 * The answer to one container start: exactly one reason (which implies the outcome), the grant it
 * relied on and, rarely, a ledger update.
 *
 * @param reason why; {@link #outcome()} follows from it
 * @param grant for an ALLOW from a grant, that grant; for {@link Reason#REVOKED} and
 *     {@link Reason#GRANT_EXPIRED}, the grant that would have matched; otherwise {@code null}
 * @param update what the ledger should record (only after {@link Reason#SECRET_HASH_MATCH} or
 *     {@link Reason#SECRET_ROTATED}), otherwise {@code null}
 */
public record Verdict(Reason reason, Grant grant, GrantUpdate update) {
  public Verdict {
    Objects.requireNonNull(reason, "reason");
  }

  static Verdict of(Reason reason) {
    return new Verdict(reason, null, null);
  }

  public Outcome outcome() {
    return reason.outcome();
  }
}
