package io.pullproof.cli.decide;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pullproof.cli.InProcessCli;
import io.pullproof.cli.PullproofCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class DecideCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path EXAMPLES = Path.of(System.getProperty("pullproof.home", "../.."), "docs/examples/decide");
  private static final String STATE = EXAMPLES.resolve("state.json").toString();

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0} → {1} {2}")
  @CsvSource({
      "request-allowed.json,     ALLOW,  SECRET_HASH_MATCH",
      "request-repulled.json,    REPULL, NO_MATCHING_CREDENTIAL",
      "request-revoked.json,     REPULL, REVOKED",
      "request-rotated.json,     ALLOW,  SECRET_ROTATED",
      "request-preloaded.json,   ALLOW,  PRELOADED",
      "request-never-pull.json,  REPULL, NO_MATCHING_CREDENTIAL"})
  void theExamplesDecideAsDocsDecideMdSays(String request, String verdict, String reason) throws IOException {
    InProcessCli run = decide(STATE, example(request));

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode printed = JSON.readTree(run.out());
    assertThat(printed.get("verdict").asText()).isEqualTo(verdict);
    assertThat(printed.get("reason").asText()).isEqualTo(reason);
  }

  @Test
  void aValidRequestPrintsOneObjectWithTheGrantInTheStateShape() throws IOException {
    JsonNode state = JSON.readTree(EXAMPLES.resolve("state.json").toFile());

    InProcessCli run = decide(STATE, example("request-allowed.json"));

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().strip().lines()).hasSize(1);
    ObjectNode expected = JSON.createObjectNode().put("verdict", "ALLOW").put("reason", "SECRET_HASH_MATCH");
    expected.set("grant", state.get("grants").get(0));
    assertThat(JSON.readTree(run.out())).isEqualTo(expected);
    assertThat(run.err()).isEmpty();
  }

  @Test
  void aRepullWithoutAGrantPrintsNull() throws IOException {
    InProcessCli run = decide(STATE, example("request-repulled.json"));

    assertThat(JSON.readTree(run.out()).get("grant").isNull()).isTrue();
  }

  @Test
  void withUpdateSaysThatTheRotatedHashReplacesTheOldOne() throws IOException {
    InProcessCli run = InProcessCli.run("decide", "--state", STATE, "--request", example("request-rotated.json"), "--with-update");

    JsonNode update = JSON.readTree(run.out()).get("update");
    JsonNode request = JSON.readTree(EXAMPLES.resolve("request-rotated.json").toFile());
    assertThat(update.get("kind").asText()).isEqualTo("REPLACE_CREDENTIAL_HASH");
    assertThat(update.get("grant").get("secret")).isEqualTo(request.get("secrets").get(0));
    assertThat(update.get("grant").get("verifiedAt").asText()).as("matching is no verification").isEqualTo("2026-11-20T00:00:00Z");
  }

  @ParameterizedTest(name = "namespace team-a revoked in cluster {0} → {1}")
  @CsvSource({"prod, REVOKED", "dev, SECRET_HASH_MATCH"})
  void aNamespaceRevocationLimitedToAClusterRevokesOnlyThatClustersGrants(String revokedCluster, String reason)
      throws IOException {
    InProcessCli run = decideChanged(state -> {
      ((ObjectNode) state.get("grants").get(0)).put("cluster", "prod");
      ((ArrayNode) state.get("revocations")).addObject().put("namespace", "team-a").put("cluster", revokedCluster);
    }, request -> { });

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode printed = JSON.readTree(run.out());
    assertThat(printed.get("reason").asText()).isEqualTo(reason);
    assertThat(printed.get("grant").get("cluster").asText()).isEqualTo("prod");
  }

  @ParameterizedTest(name = "registry {0} with maxGrantAgeSeconds {1} → {2}")
  @CsvSource({"registry.io, 86400, GRANT_EXPIRED", "registry.io, 604800, SECRET_HASH_MATCH", "docker.io, 86400, SECRET_HASH_MATCH"})
  void aRegistrysMaxGrantAgeExpiresTheGrantsOfItsImages(String registry, long seconds, String reason) throws IOException {
    InProcessCli run = decideChanged(state -> ((ObjectNode) state.get("policy")).putObject("registries")
        .putObject(registry).put("maxGrantAgeSeconds", seconds), request -> { });

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(JSON.readTree(run.out()).get("reason").asText()).isEqualTo(reason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badInputExits2NamingTheFileFieldAndValue(String description, Consumer<ObjectNode> changeState,
      Consumer<ObjectNode> changeRequest, List<String> expected) throws IOException {
    InProcessCli run = decideChanged(changeState, changeRequest);

    assertThat(run.exitCode()).isEqualTo(PullproofCommand.EXIT_BAD_INPUT);
    assertThat(run.err()).contains(expected);
    assertThat(run.out()).isEmpty();
  }

  static Stream<Arguments> badInputs() {
    Consumer<ObjectNode> same = node -> { };
    return Stream.of(
        badState("a missing grant field", state -> ((ObjectNode) state.get("grants").get(1).get("secret")).remove("uid"),
            "state.json: grants[1].secret.uid: missing"),
        badState("a bad allowlist entry", state -> {
          ObjectNode policy = (ObjectNode) state.get("policy");
          policy.put("verificationPolicy", "NeverVerifyAllowlistedImages");
          policy.putArray("allowlist").add("registry.io/team/*").add("registry.io/*/app");
        }, "state.json: policy.allowlist[1]: \"registry.io/*/app\"", "only a trailing '/*' is allowed"),
        badState("an allowlist with another policy", state -> ((ObjectNode) state.get("policy")).putArray("allowlist").add("registry.io/*"),
            "state.json: policy.allowlist:", "NeverVerifyAllowlistedImages"),
        badState("an unknown verification policy", state -> ((ObjectNode) state.get("policy")).put("verificationPolicy", "Never"),
            "state.json: policy.verificationPolicy: \"Never\"", "NeverVerifyPreloadedImages"),
        badState("a misspelt optional field", state -> ((ObjectNode) state.get("policy")).put("maxGrantAgeSecond", 60),
            "state.json: policy.maxGrantAgeSecond: unknown field"),
        badState("a name that is not normalised", state -> ((ObjectNode) state.get("grants").get(3)).put("name", "nginx"),
            "state.json: grants[3].name: \"nginx\"", "docker.io/library/nginx"),
        badState("a revocation naming two things",
            state -> ((ArrayNode) state.get("revocations")).addObject().put("secretUid", "a").put("namespace", "b"),
            "state.json: revocations[1]: names both secretUid and namespace"),
        badState("a cluster on a grant that has no secret or service account",
            state -> ((ObjectNode) state.get("grants").get(3)).put("cluster", "prod"),
            "state.json: grants[3].cluster: not allowed in a grant of kind"),
        badState("a cluster on a revocation other than a namespace's",
            state -> ((ObjectNode) state.get("revocations").get(0)).put("cluster", "prod"),
            "state.json: revocations[0].cluster: only limits a namespace revocation"),
        badState("a registry that is not a domain",
            state -> ((ObjectNode) state.get("policy")).putObject("registries").putObject("registry.io/team")
                .put("maxGrantAgeSeconds", 60),
            "state.json: policy.registries: \"registry.io/team\" is rejected: a registry is the domain"),
        Arguments.of("a missing request field", same, (Consumer<ObjectNode>) request -> request.remove("imageRef"),
            List.of("request.json: imageRef: missing")),
        Arguments.of("an unknown pull policy", same, (Consumer<ObjectNode>) request -> request.put("pullPolicy", "Sometimes"),
            List.of("request.json: pullPolicy: \"Sometimes\" is not one of Always, IfNotPresent, Never")),
        Arguments.of("a bad image", same, (Consumer<ObjectNode>) request -> request.put("image", "Registry.io/Team/App:1"),
            List.of("request.json: image: ", "Registry.io/Team/App:1")),
        Arguments.of("a bad timestamp", same, (Consumer<ObjectNode>) request -> request.put("now", "yesterday"),
            List.of("request.json: now: \"yesterday\" is not an ISO-8601 instant")));
  }

  private static Arguments badState(String description, Consumer<ObjectNode> changeState, String... expected) {
    return Arguments.of(description, changeState, (Consumer<ObjectNode>) request -> { }, List.of(expected));
  }

  @Test
  void invalidJsonExits2WithItsPosition() throws IOException {
    Path state = Files.writeString(dir.resolve("state.json"), "{\"policy\": ");

    InProcessCli run = decide(state.toString(), example("request-allowed.json"));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(state + ": not valid JSON at line 1");
  }

  @Test
  void aMissingFileExits2NamingIt() {
    InProcessCli run = decide(dir.resolve("nope.json").toString(), example("request-allowed.json"));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("nope.json: no such file");
  }

  private static String example(String name) {
    return EXAMPLES.resolve(name).toString();
  }

  private static InProcessCli decide(String state, String request) {
    return InProcessCli.run("decide", "--state", state, "--request", request);
  }

  /** Decides the example state and allowed request, each changed first. */
  private InProcessCli decideChanged(Consumer<ObjectNode> changeState, Consumer<ObjectNode> changeRequest) throws IOException {
    ObjectNode state = (ObjectNode) JSON.readTree(EXAMPLES.resolve("state.json").toFile());
    ObjectNode request = (ObjectNode) JSON.readTree(EXAMPLES.resolve("request-allowed.json").toFile());
    changeState.accept(state);
    changeRequest.accept(request);
    Path statePath = Files.writeString(dir.resolve("state.json"), JSON.writeValueAsString(state));
    Path requestPath = Files.writeString(dir.resolve("request.json"), JSON.writeValueAsString(request));
    return decide(statePath.toString(), requestPath.toString());
  }
}
