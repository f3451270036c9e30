package io.pullproof.decision.events;

import io.pullproof.decision.GrantId;
import io.pullproof.decision.Outcome;
import io.pullproof.decision.Verdict;
import io.pullproof.events.VerdictReason;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * How a decision becomes the fields of a {@code StartVerdictIssued}: written once, so the decision
 * service that publishes verdicts and the audit replay that recomputes them spell a verdict alike.
 */
public final class VerdictEvents {
  private VerdictEvents() {}

  /**
   * The event id of the decision service's verdict for {@code requestId}: derived from the request
   * id, so a request decided twice (a crash between publishing and committing) yields verdicts the
   * agent and the ledger recognise as one.
   */
  public static String eventId(String requestId) {
    return UUID.nameUUIDFromBytes(("verdict:" + requestId).getBytes(StandardCharsets.UTF_8)).toString();
  }

  public static io.pullproof.events.Verdict verdict(Verdict verdict) {
    return verdict.outcome() == Outcome.ALLOW ? io.pullproof.events.Verdict.ALLOW : io.pullproof.events.Verdict.REPULL;
  }

  public static VerdictReason reason(Verdict verdict) {
    return VerdictReason.valueOf(verdict.reason().name());
  }

  /** The id of the grant the verdict relied on, or {@code null}. */
  public static String grantId(Verdict verdict) {
    return verdict.grant() == null ? null : GrantId.of(verdict.grant());
  }
}
