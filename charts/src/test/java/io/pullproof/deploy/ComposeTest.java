package io.pullproof.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml, checked without a Docker engine: the services the issue asks for, every
 * Pullproof setting declared by (and accepted by) the service's config class, addresses that name
 * compose services on ports they listen on, health checks on the health port, start order by
 * health, and containers that run unprivileged.
 */
class ComposeTest {
  private final ComposeFile compose = ComposeFile.read();

  @Test
  void runsTheWholeSystem() {
    Set<String> names = new HashSet<>();
    compose.services().fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactlyInAnyOrder("kafka", "postgres", "schema-registry", "ledger", "decision", "fleet-sim");
    assertThat(compose.environment("kafka")).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller");
  }

  @Test
  void everyImageIsPinnedOrBuiltHere() {
    compose.services().fields().forEachRemaining(e -> {
      JsonNode service = e.getValue();
      if (service.has("build")) {
        assertThat(Repository.file(service.at("/build/dockerfile").asText())).as(e.getKey()).isRegularFile();
      } else {
        String image = service.path("image").asText();
        assertThat(image).as("%s image tag", e.getKey()).matches(".+:[0-9][^:]*").doesNotEndWith(":latest");
      }
    });
  }

  @Test
  void everySettingIsDeclaredAndAcceptedByItsService() {
    ComposeFile.PULLPROOF_SERVICES.forEach((name, service) -> {
      Map<String, String> env = compose.environment(name);
      assertThat(service.names()).as("%s: settings its config class declares", name).containsAll(env.keySet());
      assertThat(env.keySet()).as("%s: required settings", name).containsAll(service.requiredNames());
      assertThatCode(() -> service.parse(env)).as("%s accepts its settings", name).doesNotThrowAnyException();
    });
  }

  @Test
  void addressesNameComposeServicesOnPortsTheyListenOn() {
    for (String name : ComposeFile.PULLPROOF_SERVICES.keySet()) {
      Map<String, String> env = compose.environment(name);
      for (String broker : env.get("PULLPROOF_KAFKA_BOOTSTRAP").split(",")) {
        URI address = ComposeFile.hostPort(broker);
        assertThat(compose.environment(address.getHost()).get("KAFKA_ADVERTISED_LISTENERS"))
            .as("%s bootstrap %s", name, broker).contains("://" + broker);
      }
      URI registry = URI.create(env.get("PULLPROOF_SCHEMA_REGISTRY_URL"));
      assertThat(registry.getHost()).isEqualTo("schema-registry");
      assertThat(compose.containerPorts("schema-registry")).contains(registry.getPort());
      String db = env.entrySet().stream().filter(e -> e.getKey().endsWith("_DB_URL")).findFirst().orElseThrow().getValue();
      URI database = URI.create(db.substring("jdbc:".length()));
      assertThat(database.getHost()).as(name).isEqualTo("postgres");
      assertThat(database.getPort()).as("PostgreSQL's port").isEqualTo(5432);
      assertThat(database.getPath()).isEqualTo("/" + compose.environment("postgres").get("POSTGRES_DB"));
    }
  }

  @Test
  void servicesPublishTheirPortsAndHealthChecksProbeTheHealthPort() {
    ComposeFile.PULLPROOF_SERVICES.forEach((name, service) -> {
      Map<String, String> env = compose.environment(name);
      int health = service.healthPort(env);
      assertThat(compose.containerPorts(name)).as(name).contains(health);
      String check = String.join(" ", textList(compose.service(name).at("/healthcheck/test")));
      assertThat(check).as(name).contains("/dev/tcp/127.0.0.1/" + health + " ").contains("GET /health/ready ");
    });
    assertThat(compose.containerPorts("ledger")).contains(Integer.parseInt(compose.environment("ledger").get("PULLPROOF_LEDGER_HTTP_PORT")));
    compose.services().fields().forEachRemaining(e -> {
      if (!e.getKey().equals("fleet-sim")) {
        assertThat(e.getValue().path("healthcheck").path("test").isMissingNode()).as("%s health check", e.getKey()).isFalse();
      }
    });
  }

  @Test
  void servicesStartOnlyWhenWhatTheyNeedIsHealthy() {
    assertThat(dependencies("ledger")).containsExactlyInAnyOrder("kafka", "schema-registry", "postgres");
    assertThat(dependencies("decision")).containsExactly("ledger");
    assertThat(dependencies("fleet-sim")).containsExactlyInAnyOrder("decision", "ledger");
    compose.services().fields().forEachRemaining(e -> e.getValue().path("depends_on").fields().forEachRemaining(d ->
        assertThat(d.getValue().path("condition").asText()).as("%s waits for %s", e.getKey(), d.getKey()).isEqualTo("service_healthy")));
  }

  private List<String> dependencies(String name) {
    List<String> names = new ArrayList<>();
    compose.service(name).path("depends_on").fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void simulatedFleetTalksToTheSameKafkaRegistryAndLedger() {
    List<String> args = compose.command("fleet-sim");
    assertThat(args.get(0)).isEqualTo("sim");
    // Parsed by the real `pullproof sim` command: an unknown flag or a bad value fails here, so
    // the compose file cannot drift from the simulator's options.
    picocli.CommandLine sim = new picocli.CommandLine(new io.pullproof.cli.sim.SimCommand());
    picocli.CommandLine.ParseResult parsed = sim.parseArgs(args.subList(1, args.size()).toArray(String[]::new));
    assertThat(parsed.unmatched()).isEmpty();
    Map<String, String> ledger = compose.environment("ledger");
    assertThat(parsed.matchedOptionValue("--bootstrap", "")).isEqualTo(ledger.get("PULLPROOF_KAFKA_BOOTSTRAP"));
    assertThat(parsed.matchedOptionValue("--schema-registry", "")).isEqualTo(ledger.get("PULLPROOF_SCHEMA_REGISTRY_URL"));
    assertThat(parsed.matchedOptionValue("--ledger-url", "")).isEqualTo("http://ledger:" + ledger.get("PULLPROOF_LEDGER_HTTP_PORT"));
    assertThat(parsed.matchedOptionValue("--topic-prefix", "pullproof."))
        .isEqualTo(ledger.getOrDefault("PULLPROOF_TOPIC_PREFIX", "pullproof."));
  }

  @Test
  void aFlagTheSimulatorDoesNotHaveIsCaught() {
    // The check above is only worth something if the real parser refuses what it does not know.
    picocli.CommandLine sim = new picocli.CommandLine(new io.pullproof.cli.sim.SimCommand());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> sim.parseArgs("--nodes-per-cluster", "20"))
        .isInstanceOf(picocli.CommandLine.UnmatchedArgumentException.class);
  }

  @Test
  void documentedDevelopmentTokenIsAnAdminToken() throws Exception {
    // README and docs/deploy.md tell compose users to call the API with "dev-admin-token".
    byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
        .digest("dev-admin-token".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String hash = java.util.HexFormat.of().formatHex(digest);
    assertThat(compose.environment("ledger").get("PULLPROOF_LEDGER_TOKENS").split(";"))
        .anyMatch(entry -> entry.strip().matches("\\S+ admin " + hash));
    assertThat(Files.readString(Repository.file("docker-compose.yml"))).contains("Bearer dev-admin-token");
  }

  @Test
  void containersBuiltHereRunUnprivileged() {
    compose.services().fields().forEachRemaining(e -> {
      if (e.getValue().has("build")) {
        JsonNode service = e.getValue();
        assertThat(service.path("user").asText()).as(e.getKey()).matches("[1-9][0-9]*:[1-9][0-9]*");
        assertThat(service.path("read_only").asBoolean()).as(e.getKey()).isTrue();
        assertThat(textList(service.path("cap_drop"))).as(e.getKey()).contains("ALL");
        assertThat(textList(service.path("security_opt"))).as(e.getKey()).contains("no-new-privileges:true");
      }
    });
  }

  static List<String> textList(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
