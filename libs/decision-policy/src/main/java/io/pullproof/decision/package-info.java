/**
 * The decision function of Pullproof: given the fleet's grants, what agents reported about their
 * nodes and a container start, ALLOW or REPULL with exactly one {@link io.pullproof.decision.Reason}.
 * Pure: no I/O, no Kafka, JDBC or Vert.x.
 *
 * <h2>Semantics</h2>
 * The kubelet's beta implementation of KEP-2535 ({@code pkg/kubelet/images/pullmanager}:
 * {@code PullManager.MustAttemptImagePull} and {@code image_pull_policies.go}), extended
 * fleet-wide (DESIGN.md §3). REPULL is the kubelet's "must attempt pull".
 *
 * <h2>Precedence</h2>
 * {@link io.pullproof.decision.VerdictPolicy} lists the order. The choices and why:
 * <ul>
 *   <li>{@code PULL_POLICY_ALWAYS} before {@code IMAGE_NOT_PRESENT}: the kubelet's
 *       {@code imagePullPrecheck} returns for {@code Always} before it looks the image up.
 *   <li>{@code IMAGE_NOT_PRESENT} before the verification policy: {@code MustAttemptImagePull}
 *       returns true for an empty image reference first thing, even under {@code NeverVerify}.
 *   <li>The verification policy before the grants: the kubelet asks its policy enforcer
 *       ({@code RequireCredentialVerificationForImage}) before reading the credential mapping.
 *       {@code NeverVerifyAllowlistedImages} ignores whether the image was pulled on the node.
 *   <li>Among live matching grants: anonymous and node credential first (the kubelet checks
 *       {@code NodePodsAccessible} before any secret), then secrets, then the service account (the
 *       kubelet's order). Among secrets an equal hash beats a rotation and same coordinates beat
 *       other coordinates: the kubelet's answer there depends on list order; ours prefers the
 *       match that needs no ledger write. Ties go to the most recently verified grant.
 *   <li>{@code REVOKED} before {@code GRANT_EXPIRED} when both kinds of grant would have matched
 *       (or one grant is both): a revocation is an operator's deliberate act, and the fleet must
 *       be able to see that it took effect; expiry is routine and a re-verification cures either.
 *   <li>{@code NO_MATCHING_CREDENTIAL} (grants exist, none for these credentials) versus
 *       {@code NO_RECORD} (no grant for this image reference under this name): the kubelet's
 *       "no pulled record" and "no credential mapping for the name" both give {@code NO_RECORD}.
 * </ul>
 *
 * <h2>Deliberate differences from the kubelet</h2>
 * <ul>
 *   <li>Preloaded is decided by name, not digest (DESIGN.md §3): an image present under a name no
 *       agent pulled on the node is preloaded, even if its digest was pulled there under another
 *       name; the kubelet would verify it because a pulled record exists for the digest.
 *   <li>A pod secret with an empty hash matches nothing; the kubelet accepts it by coordinates.
 *   <li>Node-wide credentials: the kubelet lets every pod of the node use an image its node
 *       credential pulled; fleet-wide, a node-credential grant serves requests presenting the
 *       same node credential hash, and an anonymous grant serves everyone.
 *   <li>Intents and names are compared normalised when the caller normalises them; the kubelet
 *       compares the pod's image string as written.
 * </ul>
 */
package io.pullproof.decision;
