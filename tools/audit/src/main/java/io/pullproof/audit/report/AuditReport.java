package io.pullproof.audit.report;

import java.util.List;
import java.util.Map;

/**
 * The result of one replay. Everything is sorted (by time, then event id) and holds no wall-clock
 * value, so the same log and query give the same report, byte for byte, in every format.
 *
 * @param events events read in the replayed range (all topics, before filtering)
 * @param startsReplayed start requests in the window and filters, each re-decided
 * @param timelinesByImage start entries per normalised image name
 * @param timelinesByTenant start entries per pod namespace
 * @param withinPropagation mismatches explained by an event still on its way (not findings)
 * @param notes counts that are not findings (undecodable records, verdicts without a request, ...)
 */
public record AuditReport(
    AuditScope scope,
    long events,
    long startsReplayed,
    List<Divergence> divergences,
    List<Bypass> bypasses,
    List<StaleAllow> revokedOrExpiredAllows,
    List<Fallback> fallbacks,
    List<PropagationLag> withinPropagation,
    Map<String, List<StartEntry>> timelinesByImage,
    Map<String, List<StartEntry>> timelinesByTenant,
    Map<String, Long> notes) {

  /** The finding categories, as {@code --fail-on} names them. */
  public enum Category {
    DIVERGENCES, BYPASSES, REVOKED_OR_EXPIRED_ALLOWS, FALLBACKS;

    public String optionName() {
      return switch (this) {
        case DIVERGENCES -> "divergences";
        case BYPASSES -> "bypasses";
        case REVOKED_OR_EXPIRED_ALLOWS -> "revokedOrExpiredAllows";
        case FALLBACKS -> "fallbacks";
      };
    }
  }

  public int count(Category category) {
    return switch (category) {
      case DIVERGENCES -> divergences.size();
      case BYPASSES -> bypasses.size();
      case REVOKED_OR_EXPIRED_ALLOWS -> revokedOrExpiredAllows.size();
      case FALLBACKS -> fallbacks.size();
    };
  }
}
