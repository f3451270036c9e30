package io.pullproof.decision;

import java.time.Instant;
import java.util.Objects;

/**
 * Decides a container start: the kubelet's {@code MustAttemptImagePull} (KEP-2535, beta) made
 * fleet-wide. Pure: the verdict depends only on the cluster policy, the state and the request, and
 * nothing is written. A decision allocates the verdict and, when it reads grants, one small
 * {@link GrantMatcher}; never an object per grant.
 *
 * <p>Evaluation order (the first rule that applies gives the verdict; rationale in
 * {@code package-info.java}):
 * <ol>
 *   <li>{@code pullPolicy: Always} → REPULL {@link Reason#PULL_POLICY_ALWAYS};
 *   <li>image not present → REPULL {@link Reason#IMAGE_NOT_PRESENT};
 *   <li>the namespace's verification policy: {@code NeverVerify} → {@link Reason#POLICY_NEVER_VERIFY};
 *       {@code NeverVerifyPreloadedImages} and the name neither pulled nor being pulled on this node
 *       → {@link Reason#PRELOADED}; {@code NeverVerifyAllowlistedImages} and the name allowlisted
 *       → {@link Reason#ALLOWLISTED};
 *   <li>no grant for (image reference, name) → REPULL {@link Reason#NO_RECORD};
 *   <li>a live grant matching the request → ALLOW, the best match by
 *       {@link Reason#ANONYMOUS} &gt; {@link Reason#NODE_CREDENTIAL_MATCH} &gt;
 *       {@link Reason#SECRET_HASH_MATCH} &gt; {@link Reason#SECRET_ROTATED} &gt;
 *       {@link Reason#SERVICE_ACCOUNT_MATCH}, then the most recently verified, then the earliest
 *       recorded;
 *   <li>else a revoked grant matching → REPULL {@link Reason#REVOKED};
 *   <li>else an expired grant matching → REPULL {@link Reason#GRANT_EXPIRED};
 *   <li>else REPULL {@link Reason#NO_MATCHING_CREDENTIAL}.
 * </ol>
 */
public final class VerdictPolicy {

  /**
   * Rotation and the recording of new secret coordinates stop when a name's grants already hold
   * this many secrets: the kubelet's {@code writeRecordWhileMatchingLimit}, which bounds record
   * growth under namespace churn. At the limit the kubelet still allows a hash match (without
   * writing) but no longer allows a rotated secret, and neither do we.
   */
  public static final int SECRET_WRITE_WHILE_MATCHING_LIMIT = 100;

  private static final Verdict PULL_POLICY_ALWAYS = Verdict.of(Reason.PULL_POLICY_ALWAYS);
  private static final Verdict IMAGE_NOT_PRESENT = Verdict.of(Reason.IMAGE_NOT_PRESENT);
  private static final Verdict POLICY_NEVER_VERIFY = Verdict.of(Reason.POLICY_NEVER_VERIFY);
  private static final Verdict PRELOADED = Verdict.of(Reason.PRELOADED);
  private static final Verdict ALLOWLISTED = Verdict.of(Reason.ALLOWLISTED);
  private static final Verdict NO_RECORD = Verdict.of(Reason.NO_RECORD);
  private static final Verdict NO_MATCHING_CREDENTIAL = Verdict.of(Reason.NO_MATCHING_CREDENTIAL);

  private final ClusterPolicy policy;

  public VerdictPolicy(ClusterPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  public ClusterPolicy policy() {
    return policy;
  }

  /** The verdict for {@code request}. */
  public Verdict decide(DecisionState state, StartRequest request) {
    if (request.pullPolicy() == PullPolicy.ALWAYS) {
      return PULL_POLICY_ALWAYS;
    }
    if (!request.imagePresent()) {
      return IMAGE_NOT_PRESENT;
    }
    Policy namespacePolicy = policy.forNamespace(request.podNamespace());
    VerificationPolicy verification = namespacePolicy.verificationPolicy();
    if (verification == VerificationPolicy.NEVER_VERIFY) {
      return POLICY_NEVER_VERIFY;
    }
    if (verification == VerificationPolicy.NEVER_VERIFY_ALLOWLISTED_IMAGES
        && namespacePolicy.allowlist().matches(request.imageName())) {
      return ALLOWLISTED;
    }
    // The grants are looked up before the node pulls, although a preloaded image needs no grant:
    // with a million grants both lookups usually miss the CPU caches, in unrelated memory, and
    // issued back to back the CPU waits for the two at once rather than one after the other
    // (docs/BENCHMARKS.md, JMH of 2026-11-23: NeverVerifyPreloadedImages ran at 0.81-0.94x of
    // AlwaysVerify's rate in four runs before, at 1.01-1.12x in four runs after).
    GrantIndex grants = state.grants();
    int first = grants.first(request.imageRef(), request.imageName());
    if (verification == VerificationPolicy.NEVER_VERIFY_PRELOADED_IMAGES
        && !state.pulledOnNode(request.node(), request.imageName())
        && !state.pullIntentPending(request.node(), request.image())) {
      return PRELOADED;
    }
    return verify(grants, first, request, policy.maxGrantAgeMillis(namespacePolicy, request.imageName()));
  }

  private static Verdict verify(GrantIndex grants, int first, StartRequest request, long maxAgeMillis) {
    if (first == GrantIndex.NONE) {
      return NO_RECORD;
    }
    GrantMatcher matcher = new GrantMatcher(grants, first, request, maxAgeMillis);
    matcher.match();
    if (matcher.live != GrantIndex.NONE) {
      return allow(grants, matcher, request);
    }
    if (matcher.revoked != GrantIndex.NONE) {
      return new Verdict(Reason.REVOKED, grant(grants, matcher.revoked, request), null);
    }
    if (matcher.expired != GrantIndex.NONE) {
      return new Verdict(Reason.GRANT_EXPIRED, grant(grants, matcher.expired, request), null);
    }
    return NO_MATCHING_CREDENTIAL;
  }

  private static Verdict allow(GrantIndex grants, GrantMatcher matcher, StartRequest request) {
    Grant relied = grant(grants, matcher.live, request);
    int match = matcher.liveMatch;
    switch (match >>> 16) {
      case GrantMatcher.RANK_ANONYMOUS:
        return new Verdict(Reason.ANONYMOUS, relied, null);
      case GrantMatcher.RANK_NODE_CREDENTIAL:
        return new Verdict(Reason.NODE_CREDENTIAL_MATCH, relied, null);
      case GrantMatcher.RANK_SECRET_HASH_SAME_COORDINATES:
        return new Verdict(Reason.SECRET_HASH_MATCH, relied, null);
      case GrantMatcher.RANK_SECRET_HASH_OTHER_COORDINATES: {
        // The kubelet records the new coordinates only below the limit.
        GrantUpdate update = matcher.belowWriteLimit()
            ? new GrantUpdate(GrantUpdate.Kind.RECORD_SECRET_COORDINATES, derived(relied, request, match))
            : null;
        return new Verdict(Reason.SECRET_HASH_MATCH, relied, update);
      }
      case GrantMatcher.RANK_SECRET_ROTATED:
        return new Verdict(Reason.SECRET_ROTATED, relied,
            new GrantUpdate(GrantUpdate.Kind.REPLACE_CREDENTIAL_HASH, derived(relied, request, match)));
      case GrantMatcher.RANK_SERVICE_ACCOUNT:
        return new Verdict(Reason.SERVICE_ACCOUNT_MATCH, relied, null);
      default:
        throw new IllegalStateException("unknown match rank " + (match >>> 16));
    }
  }

  /**
   * Materialises a grant of the request's group: every grant there has the request's image
   * reference and name, so those strings are reused instead of rebuilt from the index.
   */
  private static Grant grant(GrantIndex grants, int grant, StartRequest request) {
    return new Grant(request.imageRef(), request.imageName(), grants.kind(grant), grants.subject(grant),
        grants.credentialHash(grant), Instant.ofEpochMilli(grants.verifiedAtMillis(grant)), grants.cluster(grant));
  }

  /** The pod secret as a grant with the proof (and age) of the grant it matched. */
  private static Grant derived(Grant relied, StartRequest request, int match) {
    PullSecret secret = request.secrets().get(match & 0xFFFF);
    return Grant.secret(relied.imageRef(), relied.name(), secret, relied.verifiedAt());
  }
}
