package io.pullproof.decision;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A container start to decide: which image, where, with which credentials, and when.
 *
 * <p>Names are compared as given: the caller normalises them (distribution reference grammar,
 * {@code nginx} → {@code docker.io/library/nginx:latest}) before building the request, so that
 * the decision stays free of parsing and allocation.
 *
 * @param node the node the container starts on
 * @param image the container's image as the agent records pull intents for it (normalised
 *     reference with tag or digest, e.g. {@code registry.io/team/app:1})
 * @param imageName the normalised repository name, without tag or digest
 *     ({@code registry.io/team/app}): what grants, node pulls and the allowlist are keyed by
 * @param imageRef the image reference (digest) of the image present on the node; empty when the
 *     image is not present
 * @param pullPolicy the container's {@code imagePullPolicy}
 * @param podNamespace selects the namespace override of the cluster policy
 * @param secrets the pod's pull secrets that apply to the image, possibly empty
 * @param serviceAccount the pod's service account when its token is used for pulls, else
 *     {@code null}
 * @param nodeCredentialHash the hash of the node credential that applies to the image on this
 *     node, empty when there is none
 * @param now the decision time: grants are aged against it
 */
public record StartRequest(
    String node,
    String image,
    String imageName,
    String imageRef,
    PullPolicy pullPolicy,
    String podNamespace,
    List<PullSecret> secrets,
    ObjectRef serviceAccount,
    String nodeCredentialHash,
    Instant now) {

  /** More pull secrets than any pod has; the decision numbers them in 16 bits. */
  public static final int MAX_SECRETS = 0xFFFF;

  public StartRequest {
    ObjectRef.requireText(node, "node");
    ObjectRef.requireText(image, "image");
    ObjectRef.requireText(imageName, "imageName");
    imageRef = imageRef == null ? "" : imageRef;
    Objects.requireNonNull(pullPolicy, "pullPolicy");
    ObjectRef.requireText(podNamespace, "podNamespace");
    secrets = secrets == null ? List.of() : List.copyOf(secrets);
    if (secrets.size() > MAX_SECRETS) {
      throw new IllegalArgumentException("at most " + MAX_SECRETS + " pull secrets, got " + secrets.size());
    }
    nodeCredentialHash = nodeCredentialHash == null ? "" : nodeCredentialHash;
    Objects.requireNonNull(now, "now");
  }

  /** Whether the image is on the node. */
  public boolean imagePresent() {
    return !imageRef.isEmpty();
  }
}
