package io.pullproof.decision.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.decision.Grant;
import io.pullproof.decision.GrantUpdate;
import io.pullproof.decision.PullSecret;
import io.pullproof.decision.Reason;
import io.pullproof.decision.Verdict;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.RecordedGrant;
import io.pullproof.events.SecretRef;
import io.pullproof.events.VerdictReason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class VerdictEventsTest {

  @Test
  void theVerdictEventIdIsTheNameBasedUuidOfTheRequestId() {
    for (String requestId : new String[] {"r-1", "6b1f7c2e-0d4a-4c8e-9f3b-2a5d8e1c7f40", "é-ü", ""}) {
      assertThat(VerdictEvents.eventId(requestId)).isEqualTo(
          UUID.nameUUIDFromBytes(("verdict:" + requestId).getBytes(StandardCharsets.UTF_8)).toString());
    }
  }

  @Test
  void aVerdictThatUpdatedAGrantCarriesThePodSecretAndTheProofsTimeAndOtherVerdictsNothing() {
    Instant proven = Instant.parse("2026-11-20T00:00:00Z");
    Grant relied = Grant.secret("sha256:" + "a".repeat(64), "registry.io/team/app",
        PullSecret.of("team-a", "pull", "uid-1", "hmac-sha256:k1:old"), proven);
    Grant rotated = Grant.secret(relied.imageRef(), relied.name(),
        PullSecret.of("team-a", "pull", "uid-1", "hmac-sha256:k1:new"), proven);
    Verdict verdict = new Verdict(Reason.SECRET_ROTATED, relied,
        new GrantUpdate(GrantUpdate.Kind.REPLACE_CREDENTIAL_HASH, rotated));

    RecordedGrant recorded = VerdictEvents.recordedGrant(verdict);

    assertThat(recorded.getCredential().getKind()).isEqualTo(CredentialKind.SECRET);
    assertThat(recorded.getCredential().getHash()).isEqualTo("hmac-sha256:k1:new");
    assertThat(recorded.getCredential().getSecret()).isEqualTo(new SecretRef("team-a", "pull", "uid-1"));
    assertThat(recorded.getVerifiedAt()).isEqualTo(proven);
    assertThat(VerdictEvents.recordedGrant(new Verdict(Reason.SECRET_HASH_MATCH, relied, null))).isNull();
    assertThat(VerdictEvents.recordedGrant(new Verdict(Reason.NO_RECORD, null, null))).isNull();
  }

  @Test
  void everyDecisionReasonHasTheEventReasonOfTheSameName() {
    for (Reason reason : Reason.values()) {
      assertThat(VerdictReason.valueOf(reason.name())).isNotNull();
    }
  }
}
