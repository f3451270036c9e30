package io.pullproof.agent.cri;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pullproof.agent.cri.api.AuthConfig;
import io.pullproof.agent.cri.api.ContainerConfig;
import io.pullproof.agent.cri.api.ContainerMetadata;
import io.pullproof.agent.cri.api.CreateContainerRequest;
import io.pullproof.agent.cri.api.ImageServiceGrpc;
import io.pullproof.agent.cri.api.ImageSpec;
import io.pullproof.agent.cri.api.ImageStatusRequest;
import io.pullproof.agent.cri.api.ImageStatusResponse;
import io.pullproof.agent.cri.api.PodSandboxConfig;
import io.pullproof.agent.cri.api.PodSandboxMetadata;
import io.pullproof.agent.cri.api.PullImageRequest;
import io.pullproof.agent.cri.api.RuntimeServiceGrpc;
import io.pullproof.agent.enforce.KubeletMessages;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drives a CRI endpoint the way the kubelet starts a container (pkg/kubelet/images and
 * kuberuntime_container.go): ImageStatus; PullImage when the policy is Always or the image is
 * absent, trying each keyring credential in order (none: one anonymous attempt); ErrImageNeverPull
 * when absent under Never; then CreateContainer with the image id the runtime reported.
 */
final class KubeletClient {
  private final ImageServiceGrpc.ImageServiceBlockingStub images;
  private final RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime;

  KubeletClient(Channel endpoint) {
    this.images = ImageServiceGrpc.newBlockingStub(endpoint);
    this.runtime = RuntimeServiceGrpc.newBlockingStub(endpoint);
  }

  /** How a start ended: which step, and the status the last CRI call returned. */
  record Start(String step, Status status, String reason, String message, int pullAttempts) {
    /** CreateContainer reached the runtime (containerd answered it, whatever it answered). */
    boolean reachedRuntime() {
      return step.equals("CreateContainer") && status.getCode() != Status.Code.FAILED_PRECONDITION;
    }

    boolean refusedByProxy() {
      return step.equals("CreateContainer") && status.getCode() == Status.Code.FAILED_PRECONDITION;
    }
  }

  Start start(PodSandboxConfig sandbox, String container, String image, String pullPolicy, List<AuthConfig> credentials) {
    ImageStatusResponse status = images.withDeadlineAfter(30, TimeUnit.SECONDS)
        .imageStatus(ImageStatusRequest.newBuilder().setImage(spec(image)).build());
    boolean present = status.hasImage();
    int attempts = 0;
    if (pullPolicy.equals("Always") || !present) {
      if (pullPolicy.equals("Never")) {
        return new Start("ImageStatus", Status.OK, KubeletMessages.ERR_IMAGE_NEVER_PULL, KubeletMessages.neverPull(image), 0);
      }
      List<AuthConfig> tries = credentials.isEmpty() ? List.of(AuthConfig.getDefaultInstance()) : credentials;
      StatusRuntimeException last = null;
      boolean pulled = false;
      for (AuthConfig auth : tries) {
        attempts++;
        try {
          images.withDeadlineAfter(60, TimeUnit.SECONDS).pullImage(PullImageRequest.newBuilder()
              .setImage(spec(image)).setAuth(auth).setSandboxConfig(sandbox).build());
          pulled = true;
          break;
        } catch (StatusRuntimeException e) {
          last = e;
        }
      }
      if (!pulled) {
        return new Start("PullImage", last.getStatus(), KubeletMessages.ERR_IMAGE_PULL,
            KubeletMessages.pullFailed(image, last.getMessage()), attempts);
      }
      status = images.imageStatus(ImageStatusRequest.newBuilder().setImage(spec(image)).build());
    }
    String imageId = status.getImage().getId();
    try {
      runtime.withDeadlineAfter(30, TimeUnit.SECONDS).createContainer(CreateContainerRequest.newBuilder()
          // No sandbox can run in this test machine (see CriProxyIT): containerd answers NotFound for it.
          .setPodSandboxId("sandbox-of-" + sandbox.getMetadata().getUid())
          .setConfig(ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(container))
              .setImage(ImageSpec.newBuilder().setImage(imageId).setUserSpecifiedImage(image)))
          .setSandboxConfig(sandbox).build());
      return new Start("CreateContainer", Status.OK, null, null, attempts);
    } catch (StatusRuntimeException e) {
      return new Start("CreateContainer", e.getStatus(), "CreateContainerError", e.getStatus().getDescription(), attempts);
    }
  }

  static PodSandboxConfig sandbox(String namespace, String name, String uid) {
    return PodSandboxConfig.newBuilder().setMetadata(PodSandboxMetadata.newBuilder()
        .setNamespace(namespace).setName(name).setUid(uid)).build();
  }

  static AuthConfig auth(String username, String password) {
    return AuthConfig.newBuilder().setUsername(username).setPassword(password).build();
  }

  private static ImageSpec spec(String image) {
    return ImageSpec.newBuilder().setImage(image).build();
  }
}
