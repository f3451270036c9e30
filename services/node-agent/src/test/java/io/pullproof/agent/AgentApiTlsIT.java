package io.pullproof.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pullproof.agent.api.AgentRoutes;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicLayout;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kafka.TopicProvisioner;
import io.pullproof.kit.config.ConfigSource;
import io.pullproof.kit.config.InvalidConfigException;
import io.pullproof.stack.oci.TlsMaterial;
import io.pullproof.testkit.TestInfrastructure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real agent started from its settings with {@code PULLPROOF_AGENT_API_TLS_CERT_FILE} and
 * {@code PULLPROOF_AGENT_API_TLS_KEY_FILE}: its local API answers HTTPS to a client that trusts the
 * certificate, and nothing else — not plain HTTP, not a client that does not trust it.
 */
class AgentApiTlsIT {
  private static TlsMaterial tls;
  private static Map<String, String> env;
  private static AgentMain.Running agent;

  @BeforeAll
  static void start() throws Exception {
    TestInfrastructure.startKafkaAndRegistry();
    String prefix = TestInfrastructure.newTopicPrefix();
    TopicNames topics = new TopicNames(prefix);
    KafkaClientConfig kafka = new KafkaClientConfig(TestInfrastructure.kafka().bootstrapServers(),
        TestInfrastructure.schemaRegistry().url(), "agent-tls-it");
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      new TopicProvisioner(admin).ensure(TopicLayout.singleBroker().specs(topics).values());
    }
    tls = TlsMaterial.loadOrCreate(Files.createTempDirectory(TestInfrastructure.root(), "agent-api-tls"));
    env = new HashMap<>();
    env.put("PULLPROOF_CLUSTER", "it-cluster");
    env.put("PULLPROOF_NODE_NAME", "node-" + prefix.substring(3, prefix.length() - 1));
    env.put("PULLPROOF_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
    env.put("PULLPROOF_SCHEMA_REGISTRY_URL", kafka.schemaRegistryUrl());
    env.put("PULLPROOF_FLEET_KEY_ID", "fleet-it");
    env.put("PULLPROOF_FLEET_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    env.put("PULLPROOF_AGENT_STATE_DIR", Files.createTempDirectory(TestInfrastructure.root(), "agent-state").toString());
    env.put("PULLPROOF_AGENT_API_PORT", "0");
    env.put("PULLPROOF_HEALTH_PORT", "0");
    env.put("PULLPROOF_TOPIC_PREFIX", topics.prefix());
    env.put("PULLPROOF_AGENT_API_TLS_CERT_FILE", tls.certificatePem().toString());
    env.put("PULLPROOF_AGENT_API_TLS_KEY_FILE", tls.privateKeyPem().toString());
    agent = AgentMain.start(AgentConfig.from(ConfigSource.of(env)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
  }

  @Test
  void theApiAnswersHttpsToAClientThatTrustsItsCertificate() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(tls.sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> openapi = client.send(HttpRequest.newBuilder(uri("https", AgentRoutes.OPENAPI_PATH)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(openapi.statusCode()).isEqualTo(200);
    assertThat(openapi.body()).contains(AgentRoutes.STARTS_PATH);

    // A decision request over TLS reaches the request parser: a bad body is refused naming the field.
    HttpResponse<String> refused = client.send(HttpRequest.newBuilder(uri("https", AgentRoutes.STARTS_PATH))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"pod\": 1}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("\"field\":\"pod\"");
  }

  @Test
  void plainHttpGetsNoAnswer() {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(uri("http", AgentRoutes.OPENAPI_PATH))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsRefused() {
    HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(uri("https", AgentRoutes.OPENAPI_PATH)).build(),
        HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void aCertificateWithoutItsKeyFailsStartUpNamingTheMissingSetting() {
    Map<String, String> half = new HashMap<>(env);
    half.remove("PULLPROOF_AGENT_API_TLS_KEY_FILE");
    assertThatThrownBy(() -> AgentConfig.from(ConfigSource.of(half)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("PULLPROOF_AGENT_API_TLS_KEY_FILE")
        .hasMessageContaining("only PULLPROOF_AGENT_API_TLS_CERT_FILE is set");
  }

  private static URI uri(String scheme, String path) {
    return URI.create(scheme + "://127.0.0.1:" + agent.apiPort() + path);
  }
}
