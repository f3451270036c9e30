package io.pullproof.agent.cri.guard;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.grpc.Status;
import io.pullproof.agent.cri.api.ContainerConfig;
import io.pullproof.agent.cri.api.CreateContainerRequest;
import io.pullproof.agent.cri.api.PodSandboxMetadata;
import io.pullproof.agent.cri.kube.PodDirectory;
import io.pullproof.agent.cri.proxy.UnaryHook;
import io.pullproof.agent.enforce.Enforcer;
import io.pullproof.agent.enforce.StartContext;
import io.pullproof.agent.enforce.StartDecision;
import io.pullproof.credentials.CredentialSource;
import io.pullproof.events.PodRef;
import io.pullproof.events.PullPolicy;
import io.pullproof.reference.ImageReference;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CreateContainer: the last CRI call before a container exists, and the first that names both
 * the pod and the image. The pod's pull policy and pull secrets come from the API (the CRI does
 * not carry them); the node agent's {@link Enforcer} decides; START forwards the call unchanged,
 * BLOCK answers it with the kubelet's own message for the case (docs/adr/0006).
 */
public final class StartGuard implements UnaryHook {
  private static final Logger LOG = LoggerFactory.getLogger(StartGuard.class);

  private final Enforcer enforcer;
  private final PodDirectory pods;
  private final PresentImages images;
  private final CriMetrics metrics;

  public StartGuard(Enforcer enforcer, PodDirectory pods, PresentImages images, CriMetrics metrics) {
    this.enforcer = enforcer;
    this.pods = pods;
    this.images = images;
    this.metrics = metrics;
  }

  @Override
  public Outcome handle(byte[] request, Forward runtime) {
    CreateContainerRequest create;
    try {
      create = CreateContainerRequest.parseFrom(request);
    } catch (InvalidProtocolBufferException unreadable) {
      metrics.start("unparsed");
      return Outcome.relay(runtime.send(request));
    }
    Optional<Status> refusal = decide(create);
    if (refusal.isPresent()) {
      metrics.start("blocked");
      return Outcome.refuse(refusal.get());
    }
    metrics.start("forwarded");
    return Outcome.relay(runtime.send(request));
  }

  /** Empty: let it start; otherwise the status to answer the kubelet with. */
  Optional<Status> decide(CreateContainerRequest create) {
    PodSandboxMetadata meta = create.getSandboxConfig().getMetadata();
    ContainerConfig config = create.getConfig();
    String containerName = config.getMetadata().getName();
    Optional<Pod> pod = pods.pod(meta.getNamespace(), meta.getName(), meta.getUid());
    Optional<ContainerSpec> spec = pod.flatMap(p -> ContainerSpec.of(p, containerName));
    // A static pod has no API object: its image and (default) policy come from what the kubelet sent.
    String image = spec.map(ContainerSpec::image).orElse(
        config.getImage().getUserSpecifiedImage().isEmpty() ? config.getImage().getImage()
            : config.getImage().getUserSpecifiedImage());
    ImageReference reference;
    try {
      reference = ImageReference.parse(image);
    } catch (IllegalArgumentException e) {
      // An image id without a name: nothing to decide by name; the runtime resolves it.
      LOG.warn("container {} of {}/{}: image {} is not a name ({}): forwarded", containerName, meta.getNamespace(),
          meta.getName(), image, e.getMessage());
      return Optional.empty();
    }
    PullPolicy policy = spec.map(ContainerSpec::policy).orElse(defaultPolicy(reference));
    if (policy == PullPolicy.ALWAYS) {
      // The kubelet pulled with the pod's credentials through this proxy a moment ago: that pull,
      // reported by PullObserver, was the verification.
      return Optional.empty();
    }
    Optional<String> digest = images.manifestDigest(config.getImage().getImage(), reference);
    List<CredentialSource> secrets = pod.map(pods::pullSecrets).orElse(List.of());
    StartContext start = new StartContext(new PodRef(meta.getNamespace(), meta.getName(), meta.getUid()),
        containerName, image, reference, digest.orElse(null), policy, secrets, null);
    StartDecision decision = enforcer.start(start);
    if (decision.action() != StartDecision.Action.BLOCK) {
      return Optional.empty();
    }
    // FAILED_PRECONDITION: the kubelet shows the message as is and retries with back-off, so the
    // pod starts once it has a credential that works.
    return Optional.of(Status.FAILED_PRECONDITION.withDescription(decision.message()));
  }

  /** The API server's default when a pod has none: Always for :latest or no tag, else IfNotPresent. */
  static PullPolicy defaultPolicy(ImageReference reference) {
    return reference.digest() == null && "latest".equals(reference.tag()) ? PullPolicy.ALWAYS : PullPolicy.IF_NOT_PRESENT;
  }

  /** The pod spec's image and pull policy of one container (regular, init or ephemeral). */
  record ContainerSpec(String image, PullPolicy policy) {
    static Optional<ContainerSpec> of(Pod pod, String name) {
      Stream<Container> regular = Stream.concat(
          pod.getSpec().getInitContainers() == null ? Stream.empty() : pod.getSpec().getInitContainers().stream(),
          pod.getSpec().getContainers() == null ? Stream.empty() : pod.getSpec().getContainers().stream());
      Optional<ContainerSpec> found = regular.filter(c -> name.equals(c.getName())).findFirst()
          .map(c -> new ContainerSpec(c.getImage(), policy(c.getImagePullPolicy(), c.getImage())));
      if (found.isPresent() || pod.getSpec().getEphemeralContainers() == null) {
        return found;
      }
      return pod.getSpec().getEphemeralContainers().stream().filter(c -> name.equals(c.getName())).findFirst()
          .map((EphemeralContainer c) -> new ContainerSpec(c.getImage(), policy(c.getImagePullPolicy(), c.getImage())));
    }

    private static PullPolicy policy(String value, String image) {
      if (value == null || value.isEmpty()) {
        return defaultPolicy(ImageReference.parse(image));
      }
      return switch (value) {
        case "Always" -> PullPolicy.ALWAYS;
        case "Never" -> PullPolicy.NEVER;
        default -> PullPolicy.IF_NOT_PRESENT;
      };
    }
  }
}
