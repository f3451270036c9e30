package io.pullproof.decision.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.decision.Reason;
import io.pullproof.events.VerdictReason;
import java.nio.charset.StandardCharsets;
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
  void everyDecisionReasonHasTheEventReasonOfTheSameName() {
    for (Reason reason : Reason.values()) {
      assertThat(VerdictReason.valueOf(reason.name())).isNotNull();
    }
  }
}
