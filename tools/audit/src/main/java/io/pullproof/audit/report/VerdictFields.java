package io.pullproof.audit.report;

/**
 * A verdict as it is compared: outcome, reason and the grant relied on. A recomputation that
 * could not be made (the request was invalid) has {@code verdict} {@code null} and says why in
 * {@code reason}.
 */
public record VerdictFields(String verdict, String reason, String grantId) {
  public boolean sameAs(VerdictFields other) {
    return java.util.Objects.equals(verdict, other.verdict) && java.util.Objects.equals(reason, other.reason)
        && java.util.Objects.equals(grantId, other.grantId);
  }

  @Override
  public String toString() {
    return verdict + " " + reason + (grantId == null ? "" : " " + grantId);
  }
}
