package io.pullproof.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pullproof.agent.enforce.KubeletMessages;
import io.pullproof.events.ContainerStartObserved;
import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.CredentialRevoked;
import io.pullproof.events.DecisionSource;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.RevocationScope;
import io.pullproof.events.StartOutcome;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicLayout;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kafka.TopicProvisioner;
import io.pullproof.kit.config.ConfigSource;
import io.pullproof.oci.RegistryClient;
import io.pullproof.oci.RegistryCredentials;
import io.pullproof.stack.oci.ImagePusher;
import io.pullproof.stack.oci.OciRegistry;
import io.pullproof.stack.oci.TokenIssuer;
import io.pullproof.testkit.TestInfrastructure;
import io.pullproof.testkit.TopicRecorder;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole agent (AgentMain) against REAL servers: Kafka, the schema registry, and the token-auth
 * OCI registry with per-repository grants. Calls go through the agent's local HTTP API. Without a
 * decision service every start times out into registry verification (the fallback); containers
 * named {@code verdict-*} are answered by {@link TestDecisionResponder} over the real broker.
 */
class NodeAgentIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String OWNER_PASSWORD = "owner-" + UUID.randomUUID();

  static String id;
  static OciRegistry registry;
  static TokenIssuer issuer;
  static String privateImage;
  static String privateDigest;
  static String publicImage;
  static String publicDigest;
  static TopicNames topics;
  static KafkaClientConfig kafka;
  static AgentMain.Running agent;
  static TestDecisionResponder responder;
  static TopicRecorder recorder;
  static Path stateDir;

  @BeforeAll
  static void startEverything() throws Exception {
    TestInfrastructure.startKafkaAndRegistry();
    issuer = TestInfrastructure.tokenIssuer();
    registry = TestInfrastructure.tokenRegistry();
    String prefix = TestInfrastructure.newTopicPrefix();
    id = prefix.substring(3, prefix.length() - 1);
    issuer.addUser(id + "-owner", OWNER_PASSWORD);
    issuer.addUser(id + "-stranger", "stranger-pass");
    issuer.grant(id + "-owner", id + "/*", "pull", "push");
    issuer.grant(id + "-owner", id + "-public/*", "pull", "push");
    issuer.makePublic(id + "-public/*");
    RegistryClient owner = new RegistryClient(registry.baseUri(), registry.sslContext(),
        new RegistryCredentials(id + "-owner", OWNER_PASSWORD));
    privateDigest = new ImagePusher(owner).push(id + "/app", "1");
    publicDigest = new ImagePusher(owner).push(id + "-public/base", "1");
    privateImage = registry.hostPort() + "/" + id + "/app:1";
    publicImage = registry.hostPort() + "/" + id + "-public/base:1";

    topics = new TopicNames(prefix);
    kafka = new KafkaClientConfig(TestInfrastructure.kafka().bootstrapServers(), TestInfrastructure.schemaRegistry().url(),
        "agent-it");
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      new TopicProvisioner(admin).ensure(TopicLayout.singleBroker().specs(topics).values());
    }
    stateDir = Files.createTempDirectory(TestInfrastructure.root(), "agent-state");
    agent = AgentMain.start(AgentConfig.from(ConfigSource.of(agentEnv())));
    responder = new TestDecisionResponder(kafka, topics);
    recorder = new TopicRecorder(kafka, topics.all().stream().filter(t -> !t.endsWith("dead-letters")).toList());
  }

  static Map<String, String> agentEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("PULLPROOF_CLUSTER", "it-cluster");
    env.put("PULLPROOF_NODE_NAME", "node-" + id);
    env.put("PULLPROOF_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
    env.put("PULLPROOF_SCHEMA_REGISTRY_URL", kafka.schemaRegistryUrl());
    env.put("PULLPROOF_FLEET_KEY_ID", "fleet-it");
    env.put("PULLPROOF_FLEET_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    env.put("PULLPROOF_AGENT_STATE_DIR", stateDir.toString());
    env.put("PULLPROOF_AGENT_API_PORT", "0");
    env.put("PULLPROOF_HEALTH_PORT", "0");
    env.put("PULLPROOF_HEALTH_HOST", "127.0.0.1");
    env.put("PULLPROOF_TOPIC_PREFIX", topics.prefix());
    env.put("PULLPROOF_AGENT_VERDICT_TIMEOUT", "1500ms");
    env.put("PULLPROOF_REGISTRY_CA_FILE", registry.caCertificatePem().toString());
    env.put("PULLPROOF_REGISTRY_CONNECT_TIMEOUT", "1s");
    return env;
  }

  @AfterAll
  static void stop() throws Exception {
    if (recorder != null) {
      recorder.close();
    }
    if (responder != null) {
      responder.close();
    }
    if (agent != null) {
      agent.close();
    }
  }

  // ---- registry verification after a decision-service timeout (no verdict for plain containers)

  @Test
  void grantedUserStartsAfterTheDecisionServiceTimesOut() throws Exception {
    JsonNode decision = start("app", privateImage, privateDigest, "IfNotPresent", secret("s-owner", id + "-owner", OWNER_PASSWORD));

    assertThat(decision.path("action").asText()).isEqualTo("START");
    assertThat(decision.path("decisionSource").asText()).isEqualTo("REGISTRY_FALLBACK");
    assertThat(decision.path("registryStatus").asInt()).isEqualTo(200);
    String requestId = decision.path("requestId").asText();
    ContainerStartRequested request = recorder.await(ContainerStartRequested.class, r -> r.getEventId().equals(requestId));
    assertThat(request.getSecrets()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo(CredentialKind.SECRET);
      assertThat(s.getHash()).startsWith("hmac-sha256:fleet-it:");
      assertThat(s.getSecret().getUid()).isEqualTo("s-owner");
    });
    assertThat(request.getReplySlice()).isEqualTo(agent.replySlice());
    ContainerStartObserved observed = recorder.await(ContainerStartObserved.class, o -> requestId.equals(o.getRequestId()));
    assertThat(observed.getOutcome()).isEqualTo(StartOutcome.STARTED);
    assertThat(observed.getDecisionSource()).isEqualTo(DecisionSource.REGISTRY_FALLBACK);
    ImagePulled proof = recorder.await(ImagePulled.class, p -> p.getVerification() && p.getPod() != null
        && p.getPod().getUid().equals("uid-app"));
    assertThat(proof.getImageRef()).isEqualTo(privateDigest);
    assertThat(proof.getCredential().getHash()).isEqualTo(request.getSecrets().get(0).getHash());
    assertThat(recorder.rawValues()).noneSatisfy(bytes ->
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).contains(OWNER_PASSWORD));
  }

  @Test
  void validUserWithoutAGrantIsBlocked() throws Exception {
    JsonNode decision = start("stranger", privateImage, privateDigest, "IfNotPresent",
        secret("s-stranger", id + "-stranger", "stranger-pass"));
    assertBlocked(decision, "BLOCKED_ERR_IMAGE_PULL", "ErrImagePull");
    assertThat(decision.path("message").asText()).startsWith("Failed to pull image \"" + privateImage + "\": denied");
  }

  @Test
  void wrongPasswordIsBlocked() throws Exception {
    JsonNode decision = start("wrongpw", privateImage, privateDigest, "IfNotPresent",
        secret("s-wrong", id + "-owner", "not-the-password"));
    assertBlocked(decision, "BLOCKED_ERR_IMAGE_PULL", "ErrImagePull");
    assertThat(decision.path("message").asText()).contains("unauthorized").doesNotContain("not-the-password");
  }

  @Test
  void noCredentialsForAPrivateRepositoryIsBlocked() throws Exception {
    JsonNode decision = start("nocreds", privateImage, privateDigest, "IfNotPresent", null);
    assertBlocked(decision, "BLOCKED_ERR_IMAGE_PULL", "ErrImagePull");
  }

  @Test
  void publicRepositoryStartsAnonymously() throws Exception {
    JsonNode decision = start("public", publicImage, publicDigest, "IfNotPresent", null);
    assertThat(decision.path("action").asText()).isEqualTo("START");
    assertThat(decision.path("decisionSource").asText()).isEqualTo("REGISTRY_FALLBACK");
    ImagePulled proof = recorder.await(ImagePulled.class, p -> p.getPod() != null && p.getPod().getUid().equals("uid-public"));
    assertThat(proof.getCredential().getKind()).isEqualTo(CredentialKind.ANONYMOUS);
  }

  @Test
  void registryDownIsBlockedWithItsOwnReason() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String image = "127.0.0.1:" + closedPort + "/" + id + "/app:1";
    JsonNode decision = start("down", image, privateDigest, "IfNotPresent", secret("s-down", id + "-owner", OWNER_PASSWORD));
    assertBlocked(decision, "BLOCKED_REGISTRY_UNREACHABLE", "ErrImagePull");
    assertThat(decision.path("message").asText()).contains("registry unreachable");
    ContainerStartObserved observed = recorder.await(ContainerStartObserved.class,
        o -> decision.path("requestId").asText().equals(o.getRequestId()));
    assertThat(observed.getOutcome()).isEqualTo(StartOutcome.BLOCKED_REGISTRY_UNREACHABLE);
  }

  // ---- verdicts from the (stand-in) decision service

  @Test
  void repullUnderPullPolicyNeverIsTheKubeletsImageNotPresentError() throws Exception {
    JsonNode decision = start("verdict-repull-never", privateImage, privateDigest, "Never",
        secret("s-owner", id + "-owner", OWNER_PASSWORD));
    assertBlocked(decision, "BLOCKED_ERR_IMAGE_NEVER_PULL", "ErrImageNeverPull");
    assertThat(decision.path("decisionSource").asText()).isEqualTo("VERDICT");
    assertThat(decision.path("message").asText())
        .isEqualTo("Container image \"" + privateImage + "\" is not present with pull policy of Never")
        .isEqualTo(KubeletMessages.neverPull(privateImage));
  }

  @Test
  void repullVerdictIsVerifiedWithThePodsOwnCredentials() throws Exception {
    JsonNode granted = start("verdict-repull-owner", privateImage, privateDigest, "IfNotPresent",
        secret("s-owner", id + "-owner", OWNER_PASSWORD));
    assertThat(granted.path("action").asText()).isEqualTo("START");
    assertThat(granted.path("decisionSource").asText()).isEqualTo("REGISTRY_VERIFICATION");
    assertThat(granted.path("verdict").asText()).isEqualTo("REPULL");

    JsonNode refused = start("verdict-repull-stranger", privateImage, privateDigest, "IfNotPresent",
        secret("s-stranger", id + "-stranger", "stranger-pass"));
    assertBlocked(refused, "BLOCKED_ERR_IMAGE_PULL", "ErrImagePull");
    assertThat(refused.path("decisionSource").asText()).isEqualTo("REGISTRY_VERIFICATION");
  }

  @Test
  void dryRunVerdictStartsAndIsReportedAsDryRun() throws Exception {
    JsonNode decision = start("verdict-dryrun", privateImage, privateDigest, "IfNotPresent", null);
    assertThat(decision.path("action").asText()).isEqualTo("START");
    assertThat(decision.path("decisionSource").asText()).isEqualTo("DRY_RUN");
    ContainerStartObserved observed = recorder.await(ContainerStartObserved.class,
        o -> decision.path("requestId").asText().equals(o.getRequestId()));
    assertThat(observed.getDecisionSource()).isEqualTo(DecisionSource.DRY_RUN);
  }

  @Test
  void allowIsCachedUntilARevocationFlushesIt() throws Exception {
    String container = "verdict-allow-cache";
    JsonNode first = start(container, privateImage, privateDigest, "IfNotPresent", secret("s-c", "cache-user", "p"));
    assertThat(first.path("decisionSource").asText()).isEqualTo("VERDICT");
    JsonNode second = start(container, privateImage, privateDigest, "IfNotPresent", secret("s-c", "cache-user", "p"));
    assertThat(second.path("decisionSource").asText()).isEqualTo("CACHED_VERDICT");
    assertThat(second.path("requestId").asText()).isEqualTo(first.path("requestId").asText());

    try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(kafka.producerProperties())) {
      producer.send(new ProducerRecord<>(topics.revocations(), "s-c", CredentialRevoked.newBuilder()
          .setEventId(UUID.randomUUID().toString()).setOccurredAt(Instant.now()).setScope(RevocationScope.SECRET_UID)
          .setValue("s-c").setCluster(null).setReason("test").setActor("it").build())).get();
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    JsonNode after;
    do {
      after = start(container, privateImage, privateDigest, "IfNotPresent", secret("s-c", "cache-user", "p"));
    } while (after.path("decisionSource").asText().equals("CACHED_VERDICT") && System.nanoTime() < deadline);
    assertThat(after.path("decisionSource").asText()).isEqualTo("VERDICT");
  }

  // ---- the local API itself

  @Test
  void absentImageAsksTheRuntimeToPullAndRecordsAnIntent() throws Exception {
    JsonNode decision = start("absent", privateImage, null, "IfNotPresent", null);
    assertThat(decision.path("action").asText()).isEqualTo("PULL");
    JsonNode never = start("absent-never", privateImage, null, "Never", null);
    assertBlocked(never, "BLOCKED_ERR_IMAGE_NEVER_PULL", "ErrImageNeverPull");
    assertThat(never.path("message").asText()).isEqualTo(KubeletMessages.neverPull(privateImage));
  }

  @Test
  void aReportedPullIsPublishedWithTheCredentialIdentity() throws Exception {
    String body = "{\"pod\":" + pod("reported") + ",\"image\":\"" + privateImage + "\",\"imageRef\":\"" + privateDigest
        + "\",\"credential\":{\"kind\":\"SECRET\",\"secretUid\":\"s-rep\"},\"pullSecrets\":["
        + secret("s-rep", id + "-owner", OWNER_PASSWORD) + "]}";
    HttpResponse<String> response = post("/v1/pulls", body);
    assertThat(response.statusCode()).isEqualTo(202);
    String eventId = JSON.readTree(response.body()).path("eventId").asText();
    ImagePulled pulled = recorder.await(ImagePulled.class, p -> p.getEventId().equals(eventId));
    assertThat(pulled.getVerification()).isFalse();
    assertThat(pulled.getCredential().getSecret().getUid()).isEqualTo("s-rep");
    assertThat(pulled.getCredential().getRegistryKey()).isEqualTo(registry.hostPort());

    HttpResponse<String> unmatched = post("/v1/pulls", body.replace("\"secretUid\":\"s-rep\"", "\"secretUid\":\"other\""));
    assertThat(unmatched.statusCode()).isEqualTo(422);
    assertThat(JSON.readTree(unmatched.body()).path("field").asText()).isEqualTo("credential.secretUid");
  }

  @Test
  void badRequestsGetA4xxNamingTheField() throws Exception {
    HttpResponse<String> missing = post("/v1/container-starts", "{\"pod\":{\"namespace\":\"a\",\"name\":\"b\"}}");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(JSON.readTree(missing.body()).path("field").asText()).isEqualTo("pod.uid");
    assertThat(post("/v1/container-starts", "not json").statusCode()).isEqualTo(400);
    assertThat(post("/v1/nothing", "{}").statusCode()).isEqualTo(404);
    HttpResponse<String> openapi = HTTP.send(HttpRequest.newBuilder(api("/openapi.yaml")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(openapi.statusCode()).isEqualTo(200);
    assertThat(openapi.body()).contains("/v1/container-starts");
  }

  // ---- helpers

  private static void assertBlocked(JsonNode decision, String outcome, String reason) {
    assertThat(decision.path("action").asText()).as(decision.toString()).isEqualTo("BLOCK");
    assertThat(decision.path("outcome").asText()).as(decision.toString()).isEqualTo(outcome);
    assertThat(decision.path("reason").asText()).isEqualTo(reason);
  }

  private static JsonNode start(String container, String image, String imageRef, String policy, String secret)
      throws Exception {
    String body = "{\"pod\":" + pod(container) + ",\"container\":\"" + container + "\",\"image\":\"" + image + "\","
        + (imageRef == null ? "" : "\"imageRef\":\"" + imageRef + "\",") + "\"pullPolicy\":\"" + policy + "\","
        + "\"pullSecrets\":[" + (secret == null ? "" : secret) + "]}";
    HttpResponse<String> response = post("/v1/container-starts", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static String pod(String name) {
    return "{\"namespace\":\"team-" + id + "\",\"name\":\"" + name + "\",\"uid\":\"uid-" + name + "\"}";
  }

  private static String secret(String uid, String user, String password) {
    String config = "{\"auths\":{\"" + registry.hostPort() + "\":{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}}}";
    return "{\"name\":\"regcred-" + uid + "\",\"uid\":\"" + uid + "\",\"type\":\"kubernetes.io/dockerconfigjson\",\"data\":\""
        + Base64.getEncoder().encodeToString(config.getBytes(StandardCharsets.UTF_8)) + "\"}";
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(api(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI api(String path) {
    return URI.create("http://127.0.0.1:" + agent.apiPort() + path);
  }
}
