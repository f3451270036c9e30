package io.pullproof.agent.enforce;

import io.pullproof.credentials.CredentialSource;
import io.pullproof.credentials.ServiceAccountIdentity;
import io.pullproof.events.PodRef;
import io.pullproof.events.PullPolicy;
import io.pullproof.reference.ImageReference;
import java.util.List;
import java.util.Objects;

/**
 * A validated request of the runtime hook to start a container (the local API builds it).
 *
 * @param pod the pod
 * @param container container name
 * @param image the image as written in the pod spec (the kubelet's messages quote it)
 * @param reference {@code image} normalised
 * @param imageRef digest of the image present on the node (the manifest digest); null when absent
 * @param pullPolicy the container's imagePullPolicy
 * @param podCredentials the pod's pull secrets, in {@code imagePullSecrets} order, plus node
 *     credentials the hook passed; the agent appends its configured node config
 * @param serviceAccount the pod's service account when it may pull images (KEP-4412), or null
 */
public record StartContext(
    PodRef pod, String container, String image, ImageReference reference, String imageRef,
    PullPolicy pullPolicy, List<CredentialSource> podCredentials, ServiceAccountIdentity serviceAccount) {

  public StartContext {
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(pullPolicy, "pullPolicy");
    podCredentials = List.copyOf(podCredentials);
  }
}
