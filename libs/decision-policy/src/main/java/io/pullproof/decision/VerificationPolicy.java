package io.pullproof.decision;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Which present images need their credentials verified: the kubelet's
 * {@code imagePullCredentialsVerificationPolicy} (KEP-2535), with the same four values.
 */
public enum VerificationPolicy {
  /** Anything present may start; the kubelet before KEP-2535. */
  NEVER_VERIFY,
  /** Images no agent pulled on the node (under the requested name) start unverified. The default. */
  NEVER_VERIFY_PRELOADED_IMAGES,
  /** Images whose normalised name matches the allowlist start unverified, however they got there. */
  NEVER_VERIFY_ALLOWLISTED_IMAGES,
  /** Every start is verified against the grants. */
  ALWAYS_VERIFY;

  /** The kubelet's default, and ours. */
  public static final VerificationPolicy DEFAULT = NEVER_VERIFY_PRELOADED_IMAGES;

  /** The spelling in configuration, as in the kubelet's configuration ({@code NeverVerify}). */
  public String configName() {
    return EnumSpelling.upperCamel(this);
  }

  /**
   * The policy spelled {@code configName}.
   *
   * @throws InvalidPolicyException for any other spelling, listing the valid ones
   */
  public static VerificationPolicy fromConfigName(String configName) {
    VerificationPolicy policy = EnumSpelling.fromUpperCamel(VerificationPolicy.class, configName);
    if (policy != null) {
      return policy;
    }
    throw new InvalidPolicyException("verificationPolicy", configName, "valid options are "
        + Arrays.stream(values()).map(VerificationPolicy::configName).collect(Collectors.joining(", ")));
  }
}
