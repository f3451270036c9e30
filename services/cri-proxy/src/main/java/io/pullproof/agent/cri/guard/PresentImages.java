package io.pullproof.agent.cri.guard;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.pullproof.agent.cri.api.Image;
import io.pullproof.agent.cri.api.ImageServiceGrpc;
import io.pullproof.agent.cri.api.ImageSpec;
import io.pullproof.agent.cri.api.ImageStatusRequest;
import io.pullproof.agent.cri.api.ImageStatusResponse;
import io.pullproof.reference.ImageReference;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Asks the runtime which manifest digest it holds for an image name. The kubelet hands the
 * runtime image ids (containerd: the config digest), but grants and registry checks are about
 * the manifest digest, which the runtime lists among the image's {@code repo_digests}.
 */
public final class PresentImages {
  private final Channel runtime;
  private final Duration timeout;

  public PresentImages(Channel runtime, Duration timeout) {
    this.runtime = runtime;
    this.timeout = timeout;
  }

  /**
   * The manifest digest ({@code sha256:...}) of {@code image} (a name, an id or a digest reference)
   * under the repository {@code reference.name()}, or empty when absent or known under other names only.
   */
  public Optional<String> manifestDigest(String image, ImageReference reference) {
    ImageStatusResponse status;
    try {
      status = ImageServiceGrpc.newBlockingStub(runtime).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
    } catch (StatusRuntimeException e) {
      throw new IllegalStateException("ImageStatus of " + image + " failed: " + e.getStatus(), e);
    }
    if (!status.hasImage()) {
      return Optional.empty();
    }
    return digestFor(status.getImage(), reference);
  }

  static Optional<String> digestFor(Image image, ImageReference reference) {
    String prefix = reference.name() + "@";
    for (String repoDigest : image.getRepoDigestsList()) {
      if (repoDigest.startsWith(prefix)) {
        return Optional.of(repoDigest.substring(prefix.length()));
      }
      // containerd writes Docker Hub names short ("docker.io/library/x@..." vs our "docker.io/library/x").
      if (sameRepository(repoDigest, reference)) {
        return Optional.of(repoDigest.substring(repoDigest.indexOf('@') + 1));
      }
    }
    return Optional.empty();
  }

  private static boolean sameRepository(String repoDigest, ImageReference reference) {
    int at = repoDigest.indexOf('@');
    if (at < 0) {
      return false;
    }
    try {
      return ImageReference.parse(repoDigest.substring(0, at)).name().equals(reference.name());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
