package io.pullproof.ledger.ingest;

import io.pullproof.decision.GrantId;
import io.pullproof.decision.GrantKind;
import io.pullproof.events.ContainerStartObserved;
import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.CredentialRevoked;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.NodeRef;
import io.pullproof.events.PodRef;
import io.pullproof.events.RecordedGrant;
import io.pullproof.events.SecretRef;
import io.pullproof.events.ServiceAccountRef;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.kafka.DeadLetterReason;
import io.pullproof.ledger.model.GrantRecord;
import io.pullproof.ledger.model.RevocationRecord;
import io.pullproof.ledger.model.RevocationScope;
import io.pullproof.ledger.store.LedgerWrites;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns one decoded event into ledger rows, checking on the way every field the ledger relies on.
 * A broken event throws {@link RejectedEventException} naming the field, and nothing of it is added.
 */
final class EventRows {
  private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}");

  private EventRows() {}

  static void add(LedgerWrites writes, Object event) throws RejectedEventException {
    if (event instanceof ImagePulled pulled) {
      addPull(writes, pulled);
    } else if (event instanceof ContainerStartRequested request) {
      addRequest(writes, request);
    } else if (event instanceof StartVerdictIssued verdict) {
      addVerdict(writes, verdict);
    } else if (event instanceof ContainerStartObserved outcome) {
      addOutcome(writes, outcome);
    } else if (event instanceof CredentialRevoked revoked) {
      writes.addRevocation(revocation(revoked));
    } else {
      throw new RejectedEventException(DeadLetterReason.UNSUPPORTED_EVENT,
          "the ledger does not store " + (event == null ? "null" : event.getClass().getName()));
    }
  }

  /** The event id of any event the ledger stores, for logs and de-duplication. */
  static String eventId(Object event) {
    if (event instanceof org.apache.avro.generic.GenericRecord record && record.getSchema().getField("eventId") != null) {
      Object id = record.get("eventId");
      return id == null ? null : id.toString();
    }
    return null;
  }

  private static void addPull(LedgerWrites writes, ImagePulled e) throws RejectedEventException {
    String id = required("eventId", e.getEventId());
    NodeRef node = node(e.getNode());
    String name = required("name", e.getName());
    String imageRef = digest("imageRef", e.getImageRef());
    CredentialIdentity credential = e.getCredential();
    if (credential == null || credential.getKind() == null) {
      throw missing("credential.kind");
    }
    GrantKind kind = GrantKind.valueOf(credential.getKind().name());
    String hash = credential.getHash();
    SecretRef secret = credential.getSecret();
    ServiceAccountRef account = credential.getServiceAccount();
    String key = switch (kind) {
      case SECRET -> {
        required("credential.hash", hash);
        if (secret == null) {
          throw missing("credential.secret");
        }
        yield required("credential.secret.uid", secret.getUid());
      }
      case SERVICE_ACCOUNT -> {
        if (account == null) {
          throw missing("credential.serviceAccount");
        }
        yield required("credential.serviceAccount.uid", account.getUid());
      }
      case NODE_CREDENTIAL -> required("credential.hash", hash);
      case ANONYMOUS -> null;
    };
    Instant at = required("occurredAt", e.getOccurredAt());
    String grantId = GrantId.of(imageRef, name, kind, key);
    PodRef pod = e.getPod();
    GrantRecord grant = new GrantRecord(grantId, imageRef, name, kind.name(),
        kind == GrantKind.SECRET || kind == GrantKind.NODE_CREDENTIAL ? hash : null,
        secret == null ? null : secret.getNamespace(), secret == null ? null : secret.getName(),
        secret == null ? null : secret.getUid(),
        account == null ? null : account.getNamespace(), account == null ? null : account.getName(),
        account == null ? null : account.getUid(),
        node.getCluster(), node.getNode(), at, at, id, null, null);
    writes.addPull(new Object[] {id, at, node.getCluster(), node.getNode(),
        pod == null ? null : pod.getNamespace(), pod == null ? null : pod.getName(), pod == null ? null : pod.getUid(),
        required("image", e.getImage()), name, imageRef, kind.name(), grant.credentialHash(), grant.secretUid(),
        grant.serviceAccountUid(), e.getVerification(), grantId}, grant, node.getCluster(), node.getNode());
  }

  private static void addRequest(LedgerWrites writes, ContainerStartRequested e) throws RejectedEventException {
    NodeRef node = node(e.getNode());
    PodRef pod = pod(e.getPod());
    if (e.getPullPolicy() == null) {
      throw missing("pullPolicy");
    }
    List<String> hashes = e.getSecrets() == null ? List.of()
        : e.getSecrets().stream().map(c -> c.getHash() == null ? "" : c.getHash()).toList();
    writes.addStartRequest(new Object[] {required("eventId", e.getEventId()), required("occurredAt", e.getOccurredAt()),
        node.getCluster(), node.getNode(), pod.getNamespace(), pod.getName(), pod.getUid(),
        required("container", e.getContainer()), required("image", e.getImage()), required("name", e.getName()),
        e.getImageRef() == null ? null : digest("imageRef", e.getImageRef()), e.getPullPolicy().name(), hashes,
        e.getServiceAccount() == null ? null : e.getServiceAccount().getUid(), e.getNodeCredentialHash(),
        e.getIntentPending()});
  }

  private static void addVerdict(LedgerWrites writes, StartVerdictIssued e) throws RejectedEventException {
    if (e.getVerdict() == null) {
      throw missing("verdict");
    }
    if (e.getReason() == null) {
      throw missing("reason");
    }
    GrantRecord recorded = e.getRecordedGrant() == null ? null : recordedGrant(e);
    writes.addStartVerdict(new Object[] {required("eventId", e.getEventId()), required("requestId", e.getRequestId()),
        required("occurredAt", e.getOccurredAt()), e.getVerdict().name(), e.getReason().name(), e.getGrantId(),
        e.getDryRun(), required("policy", e.getPolicy()), required("decidedBy", e.getDecidedBy())});
    if (recorded != null) {
      writes.addRecordedGrant(recorded);
    }
  }

  /**
   * The grant a verdict recorded (a rotated secret's new hash, or a hash match's other
   * coordinates): keyed like a pull's secret grant, in the requesting node's cluster, with the
   * verification time of the grant it derives from.
   */
  private static GrantRecord recordedGrant(StartVerdictIssued e) throws RejectedEventException {
    RecordedGrant recorded = e.getRecordedGrant();
    CredentialIdentity credential = recorded.getCredential();
    if (credential == null || credential.getKind() != CredentialKind.SECRET) {
      throw new RejectedEventException(DeadLetterReason.INVALID_FIELD,
          "recordedGrant.credential.kind: only a SECRET is recorded by a verdict");
    }
    String hash = required("recordedGrant.credential.hash", credential.getHash());
    SecretRef secret = credential.getSecret();
    if (secret == null) {
      throw missing("recordedGrant.credential.secret");
    }
    String uid = required("recordedGrant.credential.secret.uid", secret.getUid());
    String imageRef = digest("imageRef", e.getImageRef());
    String name = required("name", e.getName());
    Instant verifiedAt = required("recordedGrant.verifiedAt", recorded.getVerifiedAt());
    NodeRef node = node(e.getNode());
    return new GrantRecord(GrantId.of(imageRef, name, GrantKind.SECRET, uid), imageRef, name, GrantKind.SECRET.name(), hash,
        required("recordedGrant.credential.secret.namespace", secret.getNamespace()),
        required("recordedGrant.credential.secret.name", secret.getName()), uid, null, null, null,
        node.getCluster(), node.getNode(), verifiedAt, verifiedAt, e.getEventId(), null, null);
  }

  private static void addOutcome(LedgerWrites writes, ContainerStartObserved e) throws RejectedEventException {
    NodeRef node = node(e.getNode());
    PodRef pod = pod(e.getPod());
    if (e.getOutcome() == null) {
      throw missing("outcome");
    }
    if (e.getDecisionSource() == null) {
      throw missing("decisionSource");
    }
    writes.addStartOutcome(new Object[] {required("eventId", e.getEventId()), e.getRequestId(),
        required("occurredAt", e.getOccurredAt()), node.getCluster(), node.getNode(), pod.getNamespace(), pod.getName(),
        required("container", e.getContainer()), required("name", e.getName()),
        e.getImageRef() == null ? null : digest("imageRef", e.getImageRef()), e.getOutcome().name(),
        e.getDecisionSource().name(), e.getVerdict() == null ? null : e.getVerdict().name(),
        e.getReason() == null ? null : e.getReason().name(),
        e.getCredential() == null ? null : e.getCredential().getHash(), e.getRegistryStatus(), e.getDetail()});
  }

  private static RevocationRecord revocation(CredentialRevoked e) throws RejectedEventException {
    if (e.getScope() == null) {
      throw missing("scope");
    }
    RevocationScope scope = RevocationScope.valueOf(e.getScope().name());
    if (e.getCluster() != null && scope != RevocationScope.NAMESPACE) {
      throw new RejectedEventException(DeadLetterReason.INVALID_FIELD, "cluster: only a NAMESPACE revocation has one");
    }
    return new RevocationRecord(required("eventId", e.getEventId()), required("occurredAt", e.getOccurredAt()), scope,
        required("value", e.getValue()), e.getCluster(), required("reason", e.getReason()), required("actor", e.getActor()));
  }

  private static NodeRef node(NodeRef node) throws RejectedEventException {
    if (node == null) {
      throw missing("node");
    }
    required("node.cluster", node.getCluster());
    required("node.node", node.getNode());
    return node;
  }

  private static PodRef pod(PodRef pod) throws RejectedEventException {
    if (pod == null) {
      throw missing("pod");
    }
    required("pod.namespace", pod.getNamespace());
    required("pod.name", pod.getName());
    required("pod.uid", pod.getUid());
    return pod;
  }

  private static String digest(String field, String value) throws RejectedEventException {
    required(field, value);
    if (!DIGEST.matcher(value).matches()) {
      throw new RejectedEventException(DeadLetterReason.INVALID_FIELD,
          field + "='" + abbreviate(value) + "': expected a content digest such as sha256:<hex>");
    }
    return value;
  }

  private static <T> T required(String field, T value) throws RejectedEventException {
    if (value == null || (value instanceof String s && s.isBlank())) {
      throw missing(field);
    }
    return value;
  }

  private static RejectedEventException missing(String field) {
    return new RejectedEventException(DeadLetterReason.MISSING_FIELD, field + " is missing or empty");
  }

  private static String abbreviate(String value) {
    return value.length() <= 80 ? value : value.substring(0, 80) + "...";
  }
}
