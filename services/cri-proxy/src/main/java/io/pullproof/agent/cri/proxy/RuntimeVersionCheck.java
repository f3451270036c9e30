package io.pullproof.agent.cri.proxy;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pullproof.agent.cri.api.ImageServiceGrpc;
import io.pullproof.agent.cri.api.ImageSpec;
import io.pullproof.agent.cri.api.ImageStatusRequest;
import io.pullproof.agent.cri.api.RuntimeServiceGrpc;
import io.pullproof.agent.cri.api.VersionRequest;
import io.pullproof.agent.cri.api.VersionResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Start-up check that the runtime behind the proxy speaks CRI {@code runtime.v1} on both services
 * the kubelet uses. A runtime that does not (containerd before 1.6 serves only v1alpha2, or a
 * wrong socket) stops the proxy with the reason, instead of a node that fails pod by pod later.
 */
public final class RuntimeVersionCheck {
  private RuntimeVersionCheck() {}

  /** Returns the runtime's Version answer; throws {@link IllegalStateException} naming the problem. */
  public static VersionResponse require(Channel runtime, Path socket, Duration timeout) {
    if (!java.nio.file.Files.exists(socket)) {
      throw new IllegalStateException("no runtime socket at " + socket + ": is containerd (or CRI-O) running,"
          + " and is PULLPROOF_CRI_RUNTIME_SOCKET its CRI socket?");
    }
    VersionResponse version;
    try {
      version = RuntimeServiceGrpc.newBlockingStub(runtime).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .version(VersionRequest.newBuilder().setVersion("v1").build());
      // ImageStatus of a name that cannot exist: a v1 image service answers "absent", not UNIMPLEMENTED.
      ImageServiceGrpc.newBlockingStub(runtime).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .imageStatus(ImageStatusRequest.newBuilder()
              .setImage(ImageSpec.newBuilder().setImage("pullproof.invalid/startup-probe:v1")).build());
    } catch (StatusRuntimeException e) {
      throw new IllegalStateException(describe(e.getStatus(), socket), e);
    }
    if (!version.getRuntimeApiVersion().equals("v1")) {
      throw new IllegalStateException("the runtime at " + socket + " (" + version.getRuntimeName() + " "
          + version.getRuntimeVersion() + ") reports CRI API " + version.getRuntimeApiVersion() + ", not v1");
    }
    return version;
  }

  private static String describe(Status status, Path socket) {
    if (status.getCode() == Status.Code.UNIMPLEMENTED) {
      return "the runtime at " + socket + " does not serve CRI runtime.v1 (" + status.getCode() + ": "
          + status.getDescription() + "): the kubelet needs a runtime with CRI v1 (containerd >= 1.6, CRI-O >= 1.23)"
          + " and, for containerd, the cri plugin enabled";
    }
    return "the runtime at " + socket + " did not answer the CRI v1 Version/ImageStatus check: " + status.getCode()
        + (status.getDescription() == null ? "" : ": " + status.getDescription());
  }
}
