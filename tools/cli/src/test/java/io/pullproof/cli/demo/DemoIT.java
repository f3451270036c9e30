package io.pullproof.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.events.ContainerStartObserved;
import io.pullproof.events.DecisionSource;
import io.pullproof.events.StartOutcome;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.sim.fleet.Fleet;
import io.pullproof.sim.run.SimulationSettings;
import io.pullproof.testkit.TestInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A short demo on REAL servers (Kafka, schema registry, PostgreSQL from the test kit; the ledger and
 * decision services; the simulation's own token-auth registry): the summary against the ground
 * truth, the comparison, and the injections as the audit tool will read them from the topics.
 */
class DemoIT {
  private static final int BYPASSES = 3;
  private static final int TAMPERS = 2;

  static DemoDeployment deployment;
  static Map<String, Object> summary;

  @BeforeAll
  static void runDemo() throws Exception {
    TestInfrastructure.startKafkaAndRegistry();
    SimulationSettings settings = SimulationSettings.demo(Duration.ofSeconds(20), 42, BYPASSES, TAMPERS);
    Fleet fleet = Fleet.build(settings.fleet());
    deployment = DemoDeployment.start("it", TestInfrastructure.kafka().bootstrapServers(),
        TestInfrastructure.schemaRegistry().url(), TestInfrastructure.postgresUrl(),
        TestInfrastructure.root().resolve("demo-it"), fleet, System.out);
    summary = deployment.simulate(settings, fleet, System.out);
  }

  @AfterAll
  static void stop() {
    if (deployment != null) {
      deployment.close();
    }
  }

  private static long number(String field) {
    return ((Number) summary.get(field)).longValue();
  }

  @SuppressWarnings("unchecked")
  private static long verifications(String model) {
    return ((Number) ((Map<String, Object>) summary.get("registryVerifications")).get(model)).longValue();
  }

  @Test
  void noStartTheRegistryWouldRefuseHappenedAndAttemptsWereBlocked() {
    assertThat(number("starts")).isGreaterThan(100);
    assertThat(number("unauthorizedStarts")).isZero();
    assertThat(number("unauthorizedAttempts")).isPositive();
    assertThat(number("unauthorizedAttemptsBlocked")).isPositive().isEqualTo(number("unauthorizedAttempts"));
    assertThat(number("crossTenantAttemptsBlocked")).isPositive();
  }

  @Test
  void pullproofAsksTheRegistryLessThanPerNodeKep2535WhichAsksLessThanAlwaysPullImages() {
    assertThat(verifications("pullproof")).isPositive().isLessThan(verifications("perNodeKep2535"));
    assertThat(verifications("perNodeKep2535")).isLessThan(verifications("alwaysPullImages"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void theRotationWasAllowedByCoordinatesAndTheRevocationTookEffect() {
    Map<String, Long> reasons = (Map<String, Long>) summary.get("verdictsByReason");
    assertThat(reasons).containsKey("ALLOW/SECRET_HASH_MATCH");
    Map<String, Object> revocation = (Map<String, Object>) ((Map<String, Object>) summary.get("events")).get("revocation");
    assertThat(revocation).containsEntry("effective", true);
  }

  @Test
  void theSummaryTellsTheAuditWhereTheDataIs() {
    assertThat(summary.get("topicPrefix")).isEqualTo(deployment.topics().prefix());
    assertThat(summary.get("bootstrap")).isEqualTo(TestInfrastructure.kafka().bootstrapServers());
    assertThat(summary.get("schemaRegistry")).isEqualTo(TestInfrastructure.schemaRegistry().url());
    assertThat((String) summary.get("ledgerUrl")).startsWith("http://127.0.0.1:");
    assertThat(Instant.parse((String) summary.get("from"))).isBefore(Instant.parse((String) summary.get("to")));
  }

  @Test
  void injectedBypassesAreOutcomesWithoutARequestAndNothingElse() throws Exception {
    assertThat(number("injectedBypasses")).isEqualTo(BYPASSES);
    List<ContainerStartObserved> bypasses = new ArrayList<>();
    for (Object event : readAll(deployment.topics().startOutcomes())) {
      ContainerStartObserved outcome = (ContainerStartObserved) event;
      // The agent itself publishes requestId null / NONE for "absent and Never" (blocked): a bypass is a STARTED one.
      if (outcome.getRequestId() == null && outcome.getOutcome() == StartOutcome.STARTED) {
        bypasses.add(outcome);
      }
    }
    assertThat(bypasses).hasSize(BYPASSES).allSatisfy(b -> {
      assertThat(b.getDecisionSource()).isEqualTo(DecisionSource.NONE);
      assertThat(b.getVerdict()).isNull();
      assertThat(b.getImageRef()).startsWith("sha256:");
    });
  }

  @Test
  void injectedTampersAreASecondOppositeVerdictForAnAnsweredRequest() throws Exception {
    assertThat(number("injectedTampers")).isEqualTo(TAMPERS);
    Map<String, List<StartVerdictIssued>> byRequest = new HashMap<>();
    for (Object event : readAll(deployment.topics().verdicts())) {
      StartVerdictIssued verdict = (StartVerdictIssued) event;
      byRequest.computeIfAbsent(verdict.getRequestId(), r -> new ArrayList<>()).add(verdict);
    }
    List<List<StartVerdictIssued>> doubled = byRequest.values().stream().filter(v -> v.size() > 1).toList();
    assertThat(doubled).hasSize(TAMPERS).allSatisfy(pair -> {
      assertThat(pair).hasSize(2);
      assertThat(pair.get(0).getVerdict()).isNotEqualTo(pair.get(1).getVerdict());
      assertThat(pair.get(0).getEventId()).isNotEqualTo(pair.get(1).getEventId());
      assertThat(pair.get(0).getDecidedBy()).isEqualTo(pair.get(1).getDecidedBy());
    });
  }

  @Test
  void theLedgerRecordedTheRunAndAnswersTheReaderToken() throws Exception {
    HttpResponse<String> stats = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(deployment.services().ledgerUrl() + "/api/v1/stats"))
        .header("Authorization", "Bearer " + deployment.services().readerToken()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(stats.statusCode()).isEqualTo(200);
    assertThat(stats.body()).contains("grants");
  }

  /**
   * Issue 7's acceptance test on the demo's own data: the audit replay of the demo's window, with
   * the decision service's policy, lists exactly the injected bypasses and tampered verdicts and
   * nothing else (no divergence from a legitimate race, no stale ALLOW, no fallback).
   */
  @Test
  void theAuditReplayOfTheDemoFindsExactlyTheInjectedBypassesAndTampers() throws Exception {
    java.nio.file.Path out = TestInfrastructure.root().resolve("demo-it-audit.json");
    io.pullproof.cli.InProcessCli run = io.pullproof.cli.InProcessCli.run("audit", "replay",
        "--bootstrap", TestInfrastructure.kafka().bootstrapServers(),
        "--schema-registry", TestInfrastructure.schemaRegistry().url(),
        "--topic-prefix", deployment.topics().prefix(),
        "--policy", deployment.services().policyFile().toString(),
        "--from", (String) summary.get("from"), "--to", (String) summary.get("to"),
        "--format", "json", "--out", out.toString());
    assertThat(run.exitCode()).as(run.err()).isEqualTo(io.pullproof.cli.audit.AuditReplayCommand.EXIT_FINDINGS);
    com.fasterxml.jackson.databind.JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toFile());
    assertThat(report.get("startsReplayed").asLong()).isGreaterThan(100);
    io.pullproof.cli.audit.AuditReportCheck.onlyInjected(report, BYPASSES, TAMPERS);
  }

  /** Every event of {@code topic} from the beginning, decoded. */
  private static List<Object> readAll(String topic) {
    KafkaClientConfig kafka = new KafkaClientConfig(TestInfrastructure.kafka().bootstrapServers(),
        TestInfrastructure.schemaRegistry().url(), "demo-it");
    Deserializer<Object> deserializer = kafka.avroValueDeserializer();
    List<Object> events = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties("demo-it-reader"))) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          events.add(deserializer.deserialize(record.topic(), record.headers(), record.value()));
        }
      }
    }
    return events;
  }
}
