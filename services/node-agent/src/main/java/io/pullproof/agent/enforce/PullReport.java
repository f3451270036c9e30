package io.pullproof.agent.enforce;

import io.pullproof.credentials.CredentialSource;
import io.pullproof.credentials.ServiceAccountIdentity;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.PodRef;
import io.pullproof.reference.ImageReference;
import java.util.List;
import java.util.Objects;

/**
 * A validated report of the runtime hook: the runtime pulled an image with one credential.
 *
 * @param pod the pod the pull was for, or null
 * @param image the image as written in the pod spec
 * @param reference {@code image} normalised
 * @param imageRef the digest the runtime now holds
 * @param succeeded which credential the pull used
 * @param podCredentials the pod's pull secrets (and node credentials the hook passed), to find
 *     the material of {@code succeeded}
 * @param serviceAccount the pod's service account, needed when it was the credential
 */
public record PullReport(
    PodRef pod, String image, ImageReference reference, String imageRef, Succeeded succeeded,
    List<CredentialSource> podCredentials, ServiceAccountIdentity serviceAccount) {

  public PullReport {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(imageRef, "imageRef");
    Objects.requireNonNull(succeeded, "succeeded");
    podCredentials = List.copyOf(podCredentials);
  }

  /**
   * The credential that succeeded.
   *
   * @param kind SECRET, NODE_CREDENTIAL, SERVICE_ACCOUNT or ANONYMOUS
   * @param secretUid for SECRET: the uid of the pull secret
   * @param registryKey for SECRET and NODE_CREDENTIAL: the entry key as written, or null for the
   *     first entry the keyring selects from that source
   */
  public record Succeeded(CredentialKind kind, String secretUid, String registryKey) {
    public Succeeded {
      Objects.requireNonNull(kind, "kind");
    }
  }
}
