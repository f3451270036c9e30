package io.pullproof.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pullproof.fuzz.SecretValues;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The node agent's local API bodies ({@code POST /v1/container-starts} and {@code POST /v1/pulls}),
 * parsed without a server. Input: the first byte picks the endpoint (even: start, odd: pull), the
 * rest is the body. Every body is accepted or refused with an {@link ApiError} whose field is set
 * and starts its message; no password or token from a pull secret's {@code data} is quoted.
 */
class AgentRequestFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @FuzzTest
  void acceptsOrNamesTheBadField(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] body = java.util.Arrays.copyOfRange(input, 1, input.length);
    try {
      if ((input[0] & 1) == 0) {
        assertThat(RequestParser.startRequest(body).reference()).isNotNull();
      } else {
        assertThat(RequestParser.pullReport(body).imageRef()).isNotNull();
      }
    } catch (ApiError e) {
      assertThat(e.reason()).isIn(ApiError.Reason.MALFORMED_BODY, ApiError.Reason.INVALID_FIELD);
      assertThat(e.field()).isNotEmpty();
      assertThat(e.getMessage()).startsWith(e.field() + ": ").doesNotContain("\n");
      for (String secret : secretsIn(body)) {
        assertThat(e.getMessage()).as("message quotes secret material").doesNotContain(secret);
      }
    }
  }

  /** String values of every base64 {@code data} field (pull secrets and node credentials). */
  private static Set<String> secretsIn(byte[] body) {
    Set<String> secrets = new HashSet<>();
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (Exception e) {
      return secrets;
    }
    List<JsonNode> pending = new ArrayList<>();
    if (root != null) {
      pending.add(root);
    }
    while (!pending.isEmpty()) {
      JsonNode node = pending.remove(pending.size() - 1);
      JsonNode data = node.get("data");
      if (node.isObject() && data != null && data.isTextual()) {
        try {
          secrets.addAll(SecretValues.in(Base64.getDecoder().decode(data.textValue())));
        } catch (IllegalArgumentException e) {
          // not base64: nothing decoded, nothing to leak
        }
      }
      node.elements().forEachRemaining(pending::add);
    }
    // A value that also stands in clear elsewhere in the body (say, as a field name) is no secret of the data.
    String clear = new String(body, java.nio.charset.StandardCharsets.UTF_8);
    secrets.removeIf(clear::contains);
    return secrets;
  }
}
