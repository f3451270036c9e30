package io.pullproof.decisionservice.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.decisionservice.DecisionMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StartRequestHandlerTest {

  @Test
  void theVerdictEventIdIsTheNameBasedUuidOfTheRequestId() {
    StartRequestHandler handler = new StartRequestHandler(null, null, null, false, "test", Clock.systemUTC(),
        DecisionMetrics.noop());
    for (String requestId : new String[] {"r-1", "6b1f7c2e-0d4a-4c8e-9f3b-2a5d8e1c7f40", "é-ü"}) {
      assertThat(handler.verdictEventId(requestId)).isEqualTo(
          UUID.nameUUIDFromBytes(("verdict:" + requestId).getBytes(StandardCharsets.UTF_8)).toString());
    }
  }
}
