package io.pullproof.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.events.ContainerStartObserved;
import io.pullproof.events.DecisionSource;
import io.pullproof.events.StartOutcome;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicNames;
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
  static Fleet fleet;
  /** Everything this JVM printed while the demo ran: the services' and agents' log lines included. */
  static final java.io.ByteArrayOutputStream CONSOLE = new java.io.ByteArrayOutputStream();
  static java.io.PrintStream originalOut;
  static java.io.PrintStream originalErr;

  @BeforeAll
  static void runDemo() throws Exception {
    TestInfrastructure.startKafkaAndRegistry();
    // Logback's console appender writes to whatever System.out/err is at the time of each line.
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new java.io.PrintStream(new Tee(originalOut, CONSOLE), true, java.nio.charset.StandardCharsets.UTF_8));
    System.setErr(new java.io.PrintStream(new Tee(originalErr, CONSOLE), true, java.nio.charset.StandardCharsets.UTF_8));
    // The services log at INFO in this test (the demo command quiets them): more lines to scan.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.pullproof")).setLevel(ch.qos.logback.classic.Level.INFO);
    SimulationSettings settings = SimulationSettings.demo(Duration.ofSeconds(20), 42, BYPASSES, TAMPERS);
    fleet = Fleet.build(settings.fleet());
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
    if (originalOut != null) {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }

  /** Copies what is printed to the console and to a buffer. */
  private static final class Tee extends java.io.OutputStream {
    private final java.io.OutputStream console;
    private final java.io.ByteArrayOutputStream copy;

    Tee(java.io.OutputStream console, java.io.ByteArrayOutputStream copy) {
      this.console = console;
      this.copy = copy;
    }

    @Override
    public void write(int b) throws java.io.IOException {
      console.write(b);
      synchronized (copy) {
        copy.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      console.write(b, off, len);
      synchronized (copy) {
        copy.write(b, off, len);
      }
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

  /**
   * Issue 9: secrets never reach logs, events or the database. The demo's secrets are known to the
   * test: every registry password the fleet's pull secrets and node credential ever held (before and
   * after the rotation), as written and as the base64 {@code user:password} of a docker config, and
   * the ledger's API tokens. None may appear in any console line of this JVM (services and agents
   * log there), in any record of any topic of the run (keys, values, headers, raw and decoded), or
   * in any row of any table of the database.
   */
  @Test
  void noSecretReachesALogLineATopicOrATable() throws Exception {
    java.util.Map<String, String> secrets = new java.util.LinkedHashMap<>();
    List<String> users = new ArrayList<>();
    fleet.tenants().forEach(t -> users.add(t.registryUser()));
    users.add(Fleet.PLATFORM_USER);
    users.add(io.pullproof.sim.run.SimRegistry.adminUser());
    deployment.registry().issuedPasswords(users).forEach((user, passwords) -> {
      for (int generation = 0; generation < passwords.size(); generation++) {
        String password = passwords.get(generation);
        secrets.put("password " + generation + " of " + user, password);
        secrets.put("docker auth " + generation + " of " + user, java.util.Base64.getEncoder().encodeToString(
            (user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
    });
    secrets.put("ledger reader token", deployment.services().readerToken());
    secrets.put("ledger admin token", deployment.services().adminToken());
    assertThat(secrets.size()).isGreaterThan(10);

    String console;
    synchronized (CONSOLE) {
      console = CONSOLE.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
    assertThat(console.lines().count()).as("console lines scanned").isGreaterThan(200);
    assertNoSecret("the console", console, secrets);

    long records = 0;
    for (String topic : deploymentTopics()) {
      StringBuilder text = new StringBuilder();
      records += readRaw(topic, text);
      assertNoSecret("topic " + topic, text.toString(), secrets);
    }
    assertThat(records).as("records scanned").isGreaterThan(1000);

    long rows = 0;
    try (java.sql.Connection db = java.sql.DriverManager.getConnection(TestInfrastructure.postgresUrl())) {
      List<String> tables = new ArrayList<>();
      try (var rs = db.createStatement().executeQuery("SELECT table_schema, table_name FROM information_schema.tables"
          + " WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')")) {
        while (rs.next()) {
          tables.add('"' + rs.getString(1) + "\".\"" + rs.getString(2) + '"');
        }
      }
      for (String table : tables) {
        StringBuilder text = new StringBuilder();
        try (var rs = db.createStatement().executeQuery("SELECT t::text FROM " + table + " t")) {
          while (rs.next()) {
            text.append(rs.getString(1)).append('\n');
            rows++;
          }
        }
        assertNoSecret("table " + table, text.toString(), secrets);
      }
    }
    assertThat(rows).as("database rows scanned").isGreaterThan(1000);
    originalOut.printf("secret scan: %d secrets, %d console lines, %d records, %d database rows: none found%n",
        secrets.size(), console.lines().count(), records, rows);
  }

  private static void assertNoSecret(String where, String text, java.util.Map<String, String> secrets) {
    secrets.forEach((what, secret) -> assertThat(text.contains(secret)).as("%s contains the %s", where, what).isFalse());
  }

  private static List<String> deploymentTopics() {
    TopicNames topics = deployment.topics();
    return List.of(topics.pulls(), topics.startRequests(), topics.verdicts(), topics.startOutcomes(), topics.revocations(),
        topics.deadLetters());
  }

  /** Appends every record of {@code topic} (key, value and headers as text, and the value decoded) to {@code text}. */
  private static long readRaw(String topic, StringBuilder text) {
    return forEachRecord(topic, (record, deserializer) -> {
      if (record.key() != null) {
        text.append(new String(record.key(), java.nio.charset.StandardCharsets.ISO_8859_1)).append('\n');
      }
      if (record.value() != null) {
        text.append(new String(record.value(), java.nio.charset.StandardCharsets.ISO_8859_1)).append('\n');
        try {
          text.append(deserializer.deserialize(record.topic(), record.headers(), record.value())).append('\n');
        } catch (RuntimeException undecodable) {
          text.append("(undecodable)\n");
        }
      }
      record.headers().forEach(h -> text.append(h.key()).append('=')
          .append(h.value() == null ? "" : new String(h.value(), java.nio.charset.StandardCharsets.ISO_8859_1)).append('\n'));
    });
  }

  /** Every event of {@code topic} from the beginning, decoded. */
  private static List<Object> readAll(String topic) {
    List<Object> events = new ArrayList<>();
    forEachRecord(topic, (record, deserializer) ->
        events.add(deserializer.deserialize(record.topic(), record.headers(), record.value())));
    return events;
  }

  /** Hands every record of {@code topic}, from the beginning to its current end, to {@code action}. */
  private static long forEachRecord(String topic,
      java.util.function.BiConsumer<ConsumerRecord<byte[], byte[]>, Deserializer<Object>> action) {
    KafkaClientConfig kafka = new KafkaClientConfig(TestInfrastructure.kafka().bootstrapServers(),
        TestInfrastructure.schemaRegistry().url(), "demo-it");
    Deserializer<Object> deserializer = kafka.avroValueDeserializer();
    long count = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties("demo-it-reader"))) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          count++;
          action.accept(record, deserializer);
        }
      }
    }
    return count;
  }
}
