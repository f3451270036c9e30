package io.pullproof.ledger.model;

import java.util.Map;

/** Counts over the whole ledger, for the fleet statistics endpoint. */
public record FleetStats(long grants, long revokedGrants, Map<String, Long> grantsByKind, long nodePulls,
    long pullEvents, long startRequests, Map<String, Long> verdicts, Map<String, Long> outcomes,
    long revocations, long deadLetters, long clusters, long nodes) {

  public FleetStats {
    grantsByKind = Map.copyOf(grantsByKind);
    verdicts = Map.copyOf(verdicts);
    outcomes = Map.copyOf(outcomes);
  }
}
