package io.pullproof.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OpenApiDocumentTest {
  @Test
  void theServedDocumentDescribesEveryRoute() throws Exception {
    String document;
    try (InputStream in = AgentRoutes.class.getResourceAsStream(AgentRoutes.OPENAPI_RESOURCE)) {
      assertThat(in).as(AgentRoutes.OPENAPI_RESOURCE).isNotNull();
      document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(document).startsWith("openapi: 3");
    for (String path : AgentRoutes.PATHS) {
      assertThat(document).contains("\n  " + path + ":\n");
    }
  }
}
