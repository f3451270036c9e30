package io.pullproof.decision.events;

import io.pullproof.decision.Grant;
import io.pullproof.decision.GrantId;
import io.pullproof.decision.ObjectRef;
import io.pullproof.decision.Outcome;
import io.pullproof.decision.Reason;
import io.pullproof.decision.Verdict;
import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.RecordedGrant;
import io.pullproof.events.SecretRef;
import io.pullproof.events.VerdictReason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * How a decision becomes the fields of a {@code StartVerdictIssued}: written once, so the decision
 * service that publishes verdicts and the audit replay that recomputes them spell a verdict alike.
 * Both call these per start, so they avoid per-call lookups that showed in the decision thread's
 * profile (a digest provider lookup per id, an enum name lookup per reason).
 */
public final class VerdictEvents {
  private static final VerdictReason[] REASONS = reasons();
  private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(VerdictEvents::md5);

  private VerdictEvents() {}

  /**
   * The event id of the decision service's verdict for {@code requestId}: derived from the request
   * id, so a request decided twice (a crash between publishing and committing) yields verdicts the
   * agent and the ledger recognise as one. Equal to
   * {@code UUID.nameUUIDFromBytes(("verdict:" + requestId).getBytes(UTF_8))}.
   */
  public static String eventId(String requestId) {
    byte[] hash = MD5.get().digest(("verdict:" + requestId).getBytes(StandardCharsets.UTF_8));
    hash[6] = (byte) (hash[6] & 0x0f | 0x30); // version 3, as nameUUIDFromBytes sets it
    hash[8] = (byte) (hash[8] & 0x3f | 0x80); // IETF variant
    long most = 0;
    long least = 0;
    for (int i = 0; i < 8; i++) {
      most = most << 8 | (hash[i] & 0xff);
      least = least << 8 | (hash[i + 8] & 0xff);
    }
    return new UUID(most, least).toString();
  }

  public static io.pullproof.events.Verdict verdict(Verdict verdict) {
    return verdict.outcome() == Outcome.ALLOW ? io.pullproof.events.Verdict.ALLOW : io.pullproof.events.Verdict.REPULL;
  }

  public static VerdictReason reason(Verdict verdict) {
    return REASONS[verdict.reason().ordinal()];
  }

  /** The id of the grant the verdict relied on, or {@code null}. */
  public static String grantId(Verdict verdict) {
    return verdict.grant() == null ? null : GrantId.of(verdict.grant());
  }

  /**
   * The pod secret the verdict recorded onto the grants (a rotation's new hash, or a hash match's
   * other coordinates), for the ledger; {@code null} when it recorded nothing.
   */
  public static RecordedGrant recordedGrant(Verdict verdict) {
    if (verdict.update() == null) {
      return null;
    }
    Grant grant = verdict.update().grant();
    ObjectRef secret = grant.subject();
    return new RecordedGrant(
        new CredentialIdentity(CredentialKind.SECRET, grant.credentialHash(),
            new SecretRef(secret.namespace(), secret.name(), secret.uid()), null, null),
        grant.verifiedAt());
  }

  private static VerdictReason[] reasons() {
    Reason[] reasons = Reason.values();
    VerdictReason[] out = new VerdictReason[reasons.length];
    for (Reason reason : reasons) {
      out[reason.ordinal()] = VerdictReason.valueOf(reason.name());
    }
    return out;
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5", e);
    }
  }
}
