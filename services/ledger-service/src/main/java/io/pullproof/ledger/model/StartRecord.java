package io.pullproof.ledger.model;

import java.time.Instant;
import java.util.List;

/**
 * One container start as the audit trail holds it: the request, the verdict given to it and the
 * outcome the agent enforced (either may be missing: not answered yet, or never reported).
 */
public record StartRecord(
    String requestId,
    Instant occurredAt,
    String cluster,
    String node,
    String podNamespace,
    String podName,
    String podUid,
    String container,
    String image,
    String name,
    String imageRef,
    String pullPolicy,
    List<String> secretHashes,
    String serviceAccountUid,
    Verdict verdict,
    Outcome outcome) {

  public StartRecord {
    secretHashes = List.copyOf(secretHashes);
  }

  /** The (latest) verdict for the request. */
  public record Verdict(String verdictId, Instant occurredAt, String verdict, String reason, String grantId,
      boolean dryRun, String policy, String decidedBy) {}

  /** The (latest) outcome reported for the request. */
  public record Outcome(String outcomeId, Instant occurredAt, String outcome, String decisionSource,
      String credentialHash, Integer registryStatus, String detail) {}
}
