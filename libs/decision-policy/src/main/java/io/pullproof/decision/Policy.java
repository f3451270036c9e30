package io.pullproof.decision;

import java.time.Duration;
import java.util.Objects;

/**
 * The decision settings of a cluster or of one namespace in it.
 *
 * @param verificationPolicy which present images need verification
 * @param allowlist used by {@link VerificationPolicy#NEVER_VERIFY_ALLOWLISTED_IMAGES} only; must
 *     be empty with any other policy, as the kubelet's configuration validation requires
 * @param maxGrantAge grants verified longer ago than this no longer allow a start;
 *     {@code null} means grants do not expire
 */
public record Policy(VerificationPolicy verificationPolicy, Allowlist allowlist, Duration maxGrantAge) {

  /** The kubelet's default: preloaded images start unverified, grants never expire. */
  public static final Policy DEFAULT = new Policy(VerificationPolicy.DEFAULT, Allowlist.empty(), null);

  /**
   * @throws InvalidPolicyException when an allowlist comes with a policy other than
   *     {@code NeverVerifyAllowlistedImages}, or {@code maxGrantAge} is not positive
   */
  public Policy {
    Objects.requireNonNull(verificationPolicy, "verificationPolicy");
    allowlist = allowlist == null ? Allowlist.empty() : allowlist;
    if (!allowlist.isEmpty() && verificationPolicy != VerificationPolicy.NEVER_VERIFY_ALLOWLISTED_IMAGES) {
      throw new InvalidPolicyException("allowlist", allowlist.toString(), "an allowlist is only allowed with verificationPolicy "
          + VerificationPolicy.NEVER_VERIFY_ALLOWLISTED_IMAGES.configName() + ", not " + verificationPolicy.configName());
    }
    if (maxGrantAge != null && (maxGrantAge.isZero() || maxGrantAge.isNegative())) {
      throw new InvalidPolicyException("maxGrantAge", maxGrantAge.toString(), "must be positive");
    }
  }

  /**
   * This policy with a namespace's overrides applied; {@code null} arguments inherit. An
   * inherited allowlist is kept only when the resulting policy is
   * {@code NeverVerifyAllowlistedImages}, so a namespace can switch to {@code AlwaysVerify}
   * without repeating anything.
   */
  public Policy overriddenBy(VerificationPolicy policy, Allowlist list, Duration maxAge) {
    VerificationPolicy effective = policy == null ? verificationPolicy : policy;
    Allowlist effectiveList = list != null ? list
        : effective == VerificationPolicy.NEVER_VERIFY_ALLOWLISTED_IMAGES ? allowlist : Allowlist.empty();
    return new Policy(effective, effectiveList, maxAge == null ? maxGrantAge : maxAge);
  }

  /** {@link #maxGrantAge} in milliseconds, {@link Long#MAX_VALUE} when grants do not expire. */
  long maxGrantAgeMillis() {
    return maxGrantAge == null ? Long.MAX_VALUE : millis(maxGrantAge);
  }

  /** {@code age} in milliseconds, {@link Long#MAX_VALUE} when longer than that can say. */
  static long millis(Duration age) {
    try {
      return age.toMillis();
    } catch (ArithmeticException longerThanMillisCanSay) {
      return Long.MAX_VALUE;
    }
  }
}
