package io.pullproof.testkit;

import io.pullproof.events.ContainerStartObserved;
import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.CredentialRevoked;
import io.pullproof.events.DecisionSource;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.NodeRef;
import io.pullproof.events.PodRef;
import io.pullproof.events.PullPolicy;
import io.pullproof.events.RecordedGrant;
import io.pullproof.events.RevocationScope;
import io.pullproof.events.SecretRef;
import io.pullproof.events.ServiceAccountRef;
import io.pullproof.events.StartOutcome;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.events.Verdict;
import io.pullproof.events.VerdictReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Builders for every event of the system with valid defaults, so a test states only what it is
 * about: {@code Events.imagePulled().node("c1", "n1").secret("team", "pull", "uid-1", "hmac-sha256:k1:ab").build()}.
 * Each build gets a fresh event id unless one is set.
 */
public final class Events {
  /** A syntactically valid digest for tests: {@code sha256:} and 64 hex digits derived from {@code seed}. */
  public static String digest(String seed) {
    String hex = Integer.toHexString(seed.hashCode());
    return "sha256:" + (hex + "0".repeat(64)).substring(0, 64);
  }

  private Events() {}

  public static ImagePulledBuilder imagePulled() {
    return new ImagePulledBuilder();
  }

  public static StartRequestedBuilder startRequested() {
    return new StartRequestedBuilder();
  }

  public static VerdictBuilder verdictIssued() {
    return new VerdictBuilder();
  }

  public static StartObservedBuilder startObserved() {
    return new StartObservedBuilder();
  }

  public static RevokedBuilder credentialRevoked() {
    return new RevokedBuilder();
  }

  /** Credential identities. */
  public static CredentialIdentity anonymous() {
    return CredentialIdentity.newBuilder().setKind(CredentialKind.ANONYMOUS).build();
  }

  public static CredentialIdentity secret(String namespace, String name, String uid, String hash) {
    return CredentialIdentity.newBuilder().setKind(CredentialKind.SECRET).setHash(hash)
        .setSecret(new SecretRef(namespace, name, uid)).build();
  }

  public static CredentialIdentity serviceAccount(String namespace, String name, String uid) {
    return CredentialIdentity.newBuilder().setKind(CredentialKind.SERVICE_ACCOUNT)
        .setServiceAccount(new ServiceAccountRef(namespace, name, uid)).build();
  }

  public static CredentialIdentity nodeCredential(String hash) {
    return CredentialIdentity.newBuilder().setKind(CredentialKind.NODE_CREDENTIAL).setHash(hash).build();
  }

  /** Fields every event shares. */
  abstract static class Common<B extends Common<B>> {
    String eventId;
    Instant occurredAt = Instant.parse("2026-11-22T10:00:00Z");
    NodeRef node = new NodeRef("cluster-1", "node-1");
    PodRef pod = new PodRef("team-a", "app-0", "pod-uid-0");
    String image = "registry.example/team-a/app:1";
    String name = "registry.example/team-a/app";
    String imageRef = digest("registry.example/team-a/app:1");

    @SuppressWarnings("unchecked")
    B self() {
      return (B) this;
    }

    public B eventId(String eventId) {
      this.eventId = eventId;
      return self();
    }

    public B at(Instant occurredAt) {
      this.occurredAt = occurredAt;
      return self();
    }

    public B node(String cluster, String node) {
      this.node = new NodeRef(cluster, node);
      return self();
    }

    public B pod(String namespace, String name, String uid) {
      this.pod = new PodRef(namespace, name, uid);
      return self();
    }

    /** Image as written, its normalised name and its digest. */
    public B image(String image, String name, String imageRef) {
      this.image = image;
      this.name = name;
      this.imageRef = imageRef;
      return self();
    }

    public B imageRef(String imageRef) {
      this.imageRef = imageRef;
      return self();
    }

    String id() {
      return eventId != null ? eventId : UUID.randomUUID().toString();
    }
  }

  public static final class ImagePulledBuilder extends Common<ImagePulledBuilder> {
    private CredentialIdentity credential = anonymous();
    private boolean verification;
    private boolean withoutPod;

    public ImagePulledBuilder credential(CredentialIdentity credential) {
      this.credential = credential;
      return this;
    }

    public ImagePulledBuilder secret(String namespace, String name, String uid, String hash) {
      return credential(Events.secret(namespace, name, uid, hash));
    }

    public ImagePulledBuilder verification(boolean verification) {
      this.verification = verification;
      return this;
    }

    public ImagePulledBuilder withoutPod() {
      this.withoutPod = true;
      return this;
    }

    public ImagePulled build() {
      return ImagePulled.newBuilder().setEventId(id()).setOccurredAt(occurredAt).setNode(node)
          .setPod(withoutPod ? null : pod).setImage(image).setName(name).setImageRef(imageRef)
          .setCredential(credential).setVerification(verification).build();
    }
  }

  public static final class StartRequestedBuilder extends Common<StartRequestedBuilder> {
    private String container = "app";
    private PullPolicy pullPolicy = PullPolicy.IF_NOT_PRESENT;
    private final List<CredentialIdentity> secrets = new ArrayList<>();
    private ServiceAccountRef serviceAccount;
    private String nodeCredentialHash;
    private int replySlice;

    public StartRequestedBuilder container(String container) {
      this.container = container;
      return this;
    }

    public StartRequestedBuilder pullPolicy(PullPolicy pullPolicy) {
      this.pullPolicy = pullPolicy;
      return this;
    }

    public StartRequestedBuilder secret(String namespace, String name, String uid, String hash) {
      secrets.add(Events.secret(namespace, name, uid, hash));
      return this;
    }

    public StartRequestedBuilder serviceAccount(String namespace, String name, String uid) {
      this.serviceAccount = new ServiceAccountRef(namespace, name, uid);
      return this;
    }

    public StartRequestedBuilder nodeCredentialHash(String hash) {
      this.nodeCredentialHash = hash;
      return this;
    }

    public StartRequestedBuilder replySlice(int replySlice) {
      this.replySlice = replySlice;
      return this;
    }

    public ContainerStartRequested build() {
      return ContainerStartRequested.newBuilder().setEventId(id()).setOccurredAt(occurredAt).setNode(node).setPod(pod)
          .setContainer(container).setImage(image).setName(name).setImageRef(imageRef).setPullPolicy(pullPolicy)
          .setSecrets(List.copyOf(secrets)).setServiceAccount(serviceAccount).setNodeCredentialHash(nodeCredentialHash)
          .setReplySlice(replySlice).build();
    }
  }

  public static final class VerdictBuilder extends Common<VerdictBuilder> {
    private String requestId = UUID.randomUUID().toString();
    private String container = "app";
    private Verdict verdict = Verdict.ALLOW;
    private VerdictReason reason = VerdictReason.SECRET_HASH_MATCH;
    private String grantId;
    private boolean dryRun;
    private String policy = "NeverVerifyPreloadedImages";
    private String decidedBy = "decision-0";
    private RecordedGrant recordedGrant;

    /** Answers this request: copies its id, node, pod, container, name and digest. */
    public VerdictBuilder answering(ContainerStartRequested request) {
      this.requestId = request.getEventId();
      this.node = request.getNode();
      this.pod = request.getPod();
      this.container = request.getContainer();
      this.name = request.getName();
      this.imageRef = request.getImageRef();
      return this;
    }

    public VerdictBuilder requestId(String requestId) {
      this.requestId = requestId;
      return this;
    }

    public VerdictBuilder verdict(Verdict verdict, VerdictReason reason) {
      this.verdict = verdict;
      this.reason = reason;
      return this;
    }

    public VerdictBuilder grantId(String grantId) {
      this.grantId = grantId;
      return this;
    }

    public VerdictBuilder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    public VerdictBuilder policy(String policy) {
      this.policy = policy;
      return this;
    }

    /** The pod secret this verdict recorded onto the grants (rotation or other coordinates). */
    public VerdictBuilder recorded(String namespace, String secretName, String uid, String hash, Instant verifiedAt) {
      this.recordedGrant = new RecordedGrant(new CredentialIdentity(CredentialKind.SECRET, hash,
          new SecretRef(namespace, secretName, uid), null, null), verifiedAt);
      return this;
    }

    /** A recorded grant as given, valid or not (for dead-letter tests). */
    public VerdictBuilder recorded(RecordedGrant recordedGrant) {
      this.recordedGrant = recordedGrant;
      return this;
    }

    public StartVerdictIssued build() {
      return StartVerdictIssued.newBuilder().setEventId(id()).setRequestId(requestId).setOccurredAt(occurredAt)
          .setNode(node).setPod(pod).setContainer(container).setName(name).setImageRef(imageRef).setVerdict(verdict)
          .setReason(reason).setGrantId(grantId).setDryRun(dryRun).setPolicy(policy).setDecidedBy(decidedBy)
          .setRecordedGrant(recordedGrant).build();
    }
  }

  public static final class StartObservedBuilder extends Common<StartObservedBuilder> {
    private String requestId;
    private String container = "app";
    private StartOutcome outcome = StartOutcome.STARTED;
    private DecisionSource decisionSource = DecisionSource.VERDICT;
    private Verdict verdict = Verdict.ALLOW;
    private VerdictReason reason = VerdictReason.SECRET_HASH_MATCH;
    private Integer registryStatus;
    private String detail;

    /** The outcome of this request: copies its id, node, pod, container, image and digest. */
    public StartObservedBuilder of(ContainerStartRequested request) {
      this.requestId = request.getEventId();
      this.node = request.getNode();
      this.pod = request.getPod();
      this.container = request.getContainer();
      this.image = request.getImage();
      this.name = request.getName();
      this.imageRef = request.getImageRef();
      return this;
    }

    public StartObservedBuilder requestId(String requestId) {
      this.requestId = requestId;
      return this;
    }

    public StartObservedBuilder outcome(StartOutcome outcome, DecisionSource source) {
      this.outcome = outcome;
      this.decisionSource = source;
      return this;
    }

    public StartObservedBuilder verdict(Verdict verdict, VerdictReason reason) {
      this.verdict = verdict;
      this.reason = reason;
      return this;
    }

    public StartObservedBuilder registry(int status, String detail) {
      this.registryStatus = status;
      this.detail = detail;
      return this;
    }

    public ContainerStartObserved build() {
      return ContainerStartObserved.newBuilder().setEventId(id()).setRequestId(requestId).setOccurredAt(occurredAt)
          .setNode(node).setPod(pod).setContainer(container).setImage(image).setName(name).setImageRef(imageRef)
          .setOutcome(outcome).setDecisionSource(decisionSource).setVerdict(verdict).setReason(reason)
          .setRegistryStatus(registryStatus).setDetail(detail).build();
    }
  }

  public static final class RevokedBuilder extends Common<RevokedBuilder> {
    private RevocationScope scope = RevocationScope.SECRET_UID;
    private String value = "secret-uid-1";
    private String cluster;
    private String reason = "test revocation";
    private String actor = "test";

    public RevokedBuilder scope(RevocationScope scope, String value) {
      this.scope = scope;
      this.value = value;
      return this;
    }

    public RevokedBuilder cluster(String cluster) {
      this.cluster = cluster;
      return this;
    }

    public RevokedBuilder reason(String reason) {
      this.reason = reason;
      return this;
    }

    public RevokedBuilder actor(String actor) {
      this.actor = actor;
      return this;
    }

    public CredentialRevoked build() {
      return CredentialRevoked.newBuilder().setEventId(id()).setOccurredAt(occurredAt).setScope(scope).setValue(value)
          .setCluster(cluster).setReason(reason).setActor(actor).build();
    }
  }
}
