package io.pullproof.agent.publish;

import io.pullproof.events.ContainerStartObserved;
import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.DecisionSource;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.NodeRef;
import io.pullproof.events.PodRef;
import io.pullproof.events.ServiceAccountRef;
import io.pullproof.events.StartOutcome;
import io.pullproof.events.StartVerdictIssued;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/** Builds this node's events: one place for ids, clock and the node reference. */
public final class AgentEvents {
  private final String cluster;
  private final String node;
  private final Clock clock;

  public AgentEvents(String cluster, String node, Clock clock) {
    this.cluster = cluster;
    this.node = node;
    this.clock = clock;
  }

  public String cluster() {
    return cluster;
  }

  public String node() {
    return node;
  }

  public static String newId() {
    return UUID.randomUUID().toString();
  }

  private NodeRef nodeRef() {
    return new NodeRef(cluster, node);
  }

  private static PodRef copy(PodRef pod) {
    return pod == null ? null : new PodRef(pod.getNamespace(), pod.getName(), pod.getUid());
  }

  /** A successful pull ({@code verification} false) or registry re-verification (true). */
  public ImagePulled imagePulled(PodRef pod, String image, String name, String imageRef, CredentialIdentity credential,
      boolean verification) {
    return ImagePulled.newBuilder()
        .setEventId(newId()).setOccurredAt(clock.instant()).setNode(nodeRef()).setPod(copy(pod))
        .setImage(image).setName(name).setImageRef(imageRef).setCredential(credential)
        .setVerification(verification).build();
  }

  /** The request for a verdict; {@code requestId} is its event id and the correlation id. */
  public ContainerStartRequested startRequested(String requestId, StartRequestFacts facts, int replySlice) {
    return ContainerStartRequested.newBuilder()
        .setEventId(requestId).setOccurredAt(clock.instant()).setNode(nodeRef()).setPod(copy(facts.pod()))
        .setContainer(facts.container()).setImage(facts.image()).setName(facts.name()).setImageRef(facts.imageRef())
        .setPullPolicy(facts.pullPolicy()).setSecrets(facts.secrets()).setServiceAccount(facts.serviceAccount())
        .setNodeCredentialHash(facts.nodeCredentialHash()).setIntentPending(facts.intentPending())
        .setReplySlice(replySlice).build();
  }

  /** What the agent enforced for one start. */
  public ContainerStartObserved startObserved(String requestId, StartRequestFacts facts, StartOutcome outcome,
      DecisionSource source, StartVerdictIssued verdict, CredentialIdentity credential, Integer registryStatus,
      String detail) {
    return ContainerStartObserved.newBuilder()
        .setEventId(newId()).setRequestId(requestId).setOccurredAt(clock.instant()).setNode(nodeRef())
        .setPod(copy(facts.pod())).setContainer(facts.container()).setImage(facts.image()).setName(facts.name())
        .setImageRef(outcome == StartOutcome.STARTED ? facts.imageRef() : null)
        .setOutcome(outcome).setDecisionSource(source)
        .setVerdict(verdict == null ? null : verdict.getVerdict())
        .setReason(verdict == null ? null : verdict.getReason())
        .setCredential(credential).setRegistryStatus(registryStatus).setDetail(detail).build();
  }

  /**
   * What a start request says about the pod and image, computed once per start.
   *
   * @param secrets identities of the pod's matching pull-secret entries, keyring order
   */
  public record StartRequestFacts(
      PodRef pod, String container, String image, String name, String imageRef,
      io.pullproof.events.PullPolicy pullPolicy, List<CredentialIdentity> secrets, ServiceAccountRef serviceAccount,
      String nodeCredentialHash, boolean intentPending) {
    public StartRequestFacts {
      secrets = List.copyOf(secrets);
    }
  }
}
