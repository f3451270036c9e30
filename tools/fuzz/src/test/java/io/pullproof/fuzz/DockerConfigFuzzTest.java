package io.pullproof.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pullproof.credentials.DockerConfig;
import io.pullproof.credentials.DockerConfigEntry;
import io.pullproof.credentials.DockerConfigException;

/**
 * Pull-secret bytes come from the API server, i.e. from anyone who may create a Secret. Whatever
 * they are, the parser either returns a config or throws {@link DockerConfigException}; its message
 * never quotes a secret value; and what it returns survives a write-and-read-back unchanged.
 */
class DockerConfigFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @FuzzTest
  void parsesOrRejectsWithoutLeaking(byte[] input) {
    for (int format = 0; format < 3; format++) {
      DockerConfig config;
      try {
        config = switch (format) {
          case 0 -> DockerConfig.parse(input);
          case 1 -> DockerConfig.parseDockerConfigJson(input);
          default -> DockerConfig.parseDockercfg(input);
        };
      } catch (DockerConfigException e) {
        assertThat(e.getMessage()).startsWith("docker config");
        assertThat(e.getMessage()).doesNotContain("\n");
        for (String secret : SecretValues.in(input)) {
          assertThat(e.getMessage()).as("message quotes a value of the input").doesNotContain(secret);
        }
        continue;
      }
      assertThat(DockerConfig.parseDockerConfigJson(write(config)).entries())
          .as("write and read back").isEqualTo(config.entries());
    }
  }

  /** config.json form with every field written out (no "auth"), so reading it back is the identity. */
  private static byte[] write(DockerConfig config) {
    ObjectNode auths = JSON.createObjectNode();
    for (DockerConfigEntry entry : config.entries()) {
      auths.putObject(entry.key()).put("username", entry.username()).put("password", entry.password())
          .put("email", entry.email()).put("identitytoken", entry.identityToken())
          .put("registrytoken", entry.registryToken());
    }
    ObjectNode root = JSON.createObjectNode();
    root.set("auths", auths);
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }
}
