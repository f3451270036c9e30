package io.pullproof.agent.cri.guard;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fabric8.kubernetes.api.model.Pod;
import io.pullproof.agent.cri.api.PodSandboxMetadata;
import io.pullproof.agent.cri.api.PullImageRequest;
import io.pullproof.agent.cri.kube.PodDirectory;
import io.pullproof.agent.cri.proxy.RuntimeReply;
import io.pullproof.agent.cri.proxy.UnaryHook;
import io.pullproof.agent.enforce.PullReport;
import io.pullproof.agent.enforce.PullReporter;
import io.pullproof.agent.state.NodeStateStore;
import io.pullproof.credentials.CredentialSource;
import io.pullproof.credentials.Keyring;
import io.pullproof.events.PodRef;
import io.pullproof.reference.ImageReference;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PullImage: passed to the runtime unchanged (the kubelet sees the runtime's answer and error
 * text byte for byte); a successful pull becomes an {@code ImagePulled} with the credential the
 * kubelet presented (HMAC of its material, matched to the pod secret or node config holding it),
 * anonymous when it presented none. A pull intent is recorded before forwarding, so an image
 * whose pull could not be attributed (or whose report failed) never passes as preloaded.
 */
public final class PullObserver implements UnaryHook {
  private static final Logger LOG = LoggerFactory.getLogger(PullObserver.class);

  private final PullReporter reporter;
  private final NodeStateStore state;
  private final PodDirectory pods;
  private final PresentImages images;
  private final List<CredentialSource> nodeCredentials;
  private final CriMetrics metrics;
  private final Clock clock;

  public PullObserver(PullReporter reporter, NodeStateStore state, PodDirectory pods, PresentImages images,
      List<CredentialSource> nodeCredentials, CriMetrics metrics, Clock clock) {
    this.reporter = reporter;
    this.state = state;
    this.pods = pods;
    this.images = images;
    this.nodeCredentials = List.copyOf(nodeCredentials);
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public Outcome handle(byte[] request, Forward runtime) {
    PullImageRequest pull;
    ImageReference reference;
    try {
      pull = PullImageRequest.parseFrom(request);
      reference = ImageReference.parse(pull.getImage().getImage());
    } catch (InvalidProtocolBufferException | IllegalArgumentException unreadable) {
      // Not ours to judge: the runtime gives the kubelet its own error for a bad request.
      metrics.pull("unparsed");
      return Outcome.relay(runtime.send(request));
    }
    state.recordIntent(reference.name(), clock.instant());
    RuntimeReply reply = runtime.send(request);
    if (!reply.ok()) {
      metrics.pull("failed");
      return Outcome.relay(reply);
    }
    try {
      metrics.pull(report(pull, reference) ? "reported" : "unattributed");
    } catch (RuntimeException e) {
      // The pull happened; the kubelet gets it. The intent keeps the image from passing as preloaded.
      LOG.error("pull of {} succeeded but could not be reported", reference, e);
      metrics.pull("report_failed");
    }
    return Outcome.relay(reply);
  }

  private boolean report(PullImageRequest pull, ImageReference reference) {
    String image = pull.getImage().getImage();
    Optional<String> digest = images.manifestDigest(image, reference);
    if (digest.isEmpty()) {
      LOG.warn("pulled {} but the runtime lists no manifest digest for {}: not reported", image, reference.name());
      return false;
    }
    PodRef pod = null;
    List<CredentialSource> podSecrets = new ArrayList<>();
    if (pull.hasSandboxConfig() && pull.getSandboxConfig().hasMetadata()) {
      PodSandboxMetadata meta = pull.getSandboxConfig().getMetadata();
      pod = new PodRef(meta.getNamespace(), meta.getName(), meta.getUid());
      Optional<Pod> known = pods.pod(meta.getNamespace(), meta.getName(), meta.getUid());
      known.ifPresent(p -> podSecrets.addAll(pods.pullSecrets(p)));
    }
    List<CredentialSource> sources = new ArrayList<>(podSecrets);
    sources.addAll(nodeCredentials);
    Optional<PullReport.Succeeded> credential = PullCredential.identify(pull.getAuth(),
        Keyring.of(sources).lookup(reference));
    if (credential.isEmpty()) {
      LOG.warn("pull of {} for {} used a credential in none of the pod's pull secrets nor the node config"
          + " (a kubelet credential provider?): not reported, the image stays unverified", image,
          pod == null ? "no pod" : pod.getNamespace() + "/" + pod.getName());
      return false;
    }
    reporter.report(new PullReport(pod, image, reference, digest.get(), credential.get(), podSecrets, null));
    return true;
  }

}
