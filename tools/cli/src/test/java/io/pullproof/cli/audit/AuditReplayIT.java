package io.pullproof.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pullproof.cli.InProcessCli;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicNames;
import io.pullproof.stack.process.DebianPackages;
import io.pullproof.testkit.TestInfrastructure;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./pullproof audit} end to end on a real Kafka broker and schema registry: a workload
 * published by {@link AuditWorkload} (Avro, Confluent framing, the topics an installation uses),
 * replayed by the command in this JVM. The report assertions live in {@link AuditReportCheck} so a
 * log made by {@code ./pullproof demo --inject-bypass 3 --inject-tamper 2} can be checked the same way.
 */
class AuditReplayIT {
  private static final Logger LOG = LoggerFactory.getLogger(AuditReplayIT.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path OUT = Path.of("target", "audit-it");

  private static KafkaClientConfig kafka;

  @BeforeAll
  static void servers() throws IOException {
    TestInfrastructure.startKafkaAndRegistry();
    kafka = new KafkaClientConfig(TestInfrastructure.kafka().bootstrapServers(), TestInfrastructure.schemaRegistry().url(),
        "audit-it");
    Files.createDirectories(OUT);
  }

  private static TopicNames publish(AuditWorkload workload) throws Exception {
    TopicNames topics = new TopicNames(TestInfrastructure.newTopicPrefix());
    workload.publish(kafka, topics);
    return topics;
  }

  private static InProcessCli replay(TopicNames topics, String... extra) {
    List<String> args = new ArrayList<>(List.of("audit", "replay", "--bootstrap", kafka.bootstrapServers(),
        "--schema-registry", kafka.schemaRegistryUrl(), "--topic-prefix", topics.prefix(),
        "--from", AuditWorkload.T0.toString(), "--to", AuditWorkload.T0.plusSeconds(3600).toString()));
    args.addAll(List.of(extra));
    InProcessCli run = InProcessCli.run(args.toArray(String[]::new));
    LOG.info("audit replay {} -> exit {}; stderr: {}", extra, run.exitCode(), run.err());
    return run;
  }

  private static JsonNode jsonReport(TopicNames topics, Path file) throws IOException {
    InProcessCli run = replay(topics, "--format", "json", "--out", file.toString());
    assertThat(run.exitCode()).as(run.err()).isEqualTo(AuditReplayCommand.EXIT_FINDINGS);
    return JSON.readTree(file.toFile());
  }

  /** Checks a report against the injected findings; the demo variant calls {@link AuditReportCheck#onlyInjected}. */
  static void assertInjectedFindings(JsonNode report, AuditWorkload workload) {
    assertThat(report.get("events").asLong()).isEqualTo(workload.events.size());
    assertThat(report.get("startsReplayed").asLong()).isEqualTo(workload.starts);
    AuditReportCheck.exactly(report, workload.bypassOutcomeIds, workload.tamperVerdictIds);
  }

  @Test
  void reportListsExactlyTheInjectedBypassesAndTamperedVerdicts() throws Exception {
    AuditWorkload workload = new AuditWorkload().pulls().starts(120).bypasses(3).tampers(2);
    TopicNames topics = publish(workload);

    JsonNode report = jsonReport(topics, OUT.resolve("injected.json"));

    assertInjectedFindings(report, workload);
    assertThat(report.get("timelinesByImage").size()).isEqualTo(AuditWorkload.TENANTS);
    assertThat(report.get("timelinesByTenant").size()).isEqualTo(AuditWorkload.TENANTS);

    // Only the categories named in --fail-on decide the exit code.
    assertThat(replay(topics, "--format", "csv", "--out", OUT.resolve("x.csv").toString(), "--fail-on", "fallbacks")
        .exitCode()).isZero();
    assertThat(replay(topics, "--format", "csv", "--out", OUT.resolve("x.csv").toString(), "--fail-on", "bypasses")
        .exitCode()).isEqualTo(AuditReplayCommand.EXIT_FINDINGS);
  }

  @Test
  void revocationFollowedByAStaleAllowIsCaught() throws Exception {
    AuditWorkload workload = new AuditWorkload().pulls().starts(24)
        .revocationThenStaleAllow(AuditWorkload.T0.plusSeconds(60));
    TopicNames topics = publish(workload);

    JsonNode report = jsonReport(topics, OUT.resolve("stale.json"));

    assertThat(report.get("revokedOrExpiredAllows")).hasSize(1);
    JsonNode stale = report.get("revokedOrExpiredAllows").get(0);
    assertThat(stale.get("eventId").asText()).isEqualTo(workload.staleAllowVerdictIds.get(0));
    assertThat(stale.get("via").asText()).isEqualTo("VERDICT");
    assertThat(stale.get("recomputed").get("reason").asText()).isEqualTo("REVOKED");
    assertThat(report.get("divergences")).isEmpty();
    assertThat(report.get("bypasses")).isEmpty();
  }

  @Test
  void cleanLogExitsZeroAndWhoRanNamesThePodsAndCredentials() throws Exception {
    AuditWorkload workload = new AuditWorkload().pulls().starts(24);
    TopicNames topics = publish(workload);

    InProcessCli table = replay(topics);
    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out()).contains("divergences 0, bypasses 0, revoked/expired ALLOWs 0");

    InProcessCli whoRan = InProcessCli.run("audit", "who-ran", AuditWorkload.image(1) + ":1", "--bootstrap",
        kafka.bootstrapServers(), "--schema-registry", kafka.schemaRegistryUrl(), "--topic-prefix", topics.prefix(),
        "--from", AuditWorkload.T0.toString(), "--to", AuditWorkload.T0.plusSeconds(3600).toString());
    assertThat(whoRan.exitCode()).as(whoRan.err()).isZero();
    // Tenant 1's image: its own pods with its secret, tenant 2's refused pods, preloaded starts on c2.
    assertThat(whoRan.out()).contains(AuditWorkload.image(1) + ": 6 starts")
        .contains("secret tenant-1/pull " + AuditWorkload.hash(1))
        .contains("c1/n-1").contains("c2/fresh-1").contains("tenant-2/pod-")
        .contains("REPULL NO_MATCHING_CREDENTIAL").contains("BLOCKED_ERR_IMAGE_PULL via REGISTRY_VERIFICATION");
  }

  @Test
  void twoRunsWriteIdenticalBytesInEveryFileFormat() throws Exception {
    AuditWorkload workload = new AuditWorkload().pulls().starts(60).bypasses(3).tampers(2);
    TopicNames topics = publish(workload);

    for (String format : List.of("json", "csv", "html")) {
      Path first = OUT.resolve("determinism-1." + format);
      Path second = OUT.resolve("determinism-2." + format);
      assertThat(replay(topics, "--format", format, "--out", first.toString()).exitCode()).isEqualTo(3);
      assertThat(replay(topics, "--format", format, "--out", second.toString()).exitCode()).isEqualTo(3);
      assertThat(Files.size(first)).as(format).isGreaterThan(1000);
      assertThat(Files.mismatch(first, second)).as(format + " files differ").isEqualTo(-1L);
    }
  }

  @Test
  void htmlReportRendersInHeadlessChromiumWithATimelinePerImage() throws Exception {
    AuditWorkload workload = new AuditWorkload().pulls().starts(120).bypasses(3).tampers(2);
    TopicNames topics = publish(workload);
    Path html = OUT.resolve("audit-report.html").toAbsolutePath();
    assertThat(replay(topics, "--format", "html", "--out", html.toString()).exitCode()).isEqualTo(3);
    assertInjectedFindings(jsonReport(topics, OUT.resolve("audit-report.json")), workload);
    String source = Files.readString(html);
    assertThat(source).doesNotContain("http://", "https://", "<script", "src=");

    DebianPackages.ensureInstalled(List.of(DebianPackages.CHROMIUM), LOG::info);
    String dom = chromium(html, "--dump-dom");
    Matcher charts = Pattern.compile("<svg class=\"chart\"[^>]*aria-label=\"timeline of ([^\"]+)\"").matcher(dom);
    Set<String> images = new HashSet<>();
    while (charts.find()) {
      images.add(charts.group(1));
    }
    Set<String> expected = new HashSet<>();
    for (int t = 0; t < AuditWorkload.TENANTS; t++) {
      expected.add(AuditWorkload.image(t));
    }
    assertThat(images).as("one timeline chart per image in the rendered DOM").isEqualTo(expected);

    Path png = OUT.resolve("audit-report.png").toAbsolutePath();
    Files.deleteIfExists(png);
    chromium(html, "--screenshot=" + png, "--window-size=1280,2400", "--hide-scrollbars");
    BufferedImage shot = ImageIO.read(png.toFile());
    assertThat(shot.getWidth()).isEqualTo(1280);
    int findingMarks = 0;
    int greenMarks = 0;
    for (int y = 0; y < shot.getHeight(); y++) {
      for (int x = 0; x < shot.getWidth(); x++) {
        int rgb = shot.getRGB(x, y) & 0xFFFFFF;
        if (close(rgb, 0xB00020)) {
          findingMarks++;
        } else if (close(rgb, 0x1B7A1B)) {
          greenMarks++;
        }
      }
    }
    LOG.info("screenshot {}: {} finding-red and {} started-green pixels", png, findingMarks, greenMarks);
    assertThat(findingMarks).as("red finding marks drawn").isGreaterThan(50);
    assertThat(greenMarks).as("green start marks drawn").isGreaterThan(50);
  }

  private static boolean close(int rgb, int target) {
    int dr = Math.abs((rgb >> 16) - (target >> 16));
    int dg = Math.abs(((rgb >> 8) & 0xFF) - ((target >> 8) & 0xFF));
    int db = Math.abs((rgb & 0xFF) - (target & 0xFF));
    return dr + dg + db < 40;
  }

  /** Runs Debian's chromium headless on {@code file} with a fresh profile; returns its stdout. */
  private static String chromium(Path file, String... args) throws Exception {
    Path profile = Files.createTempDirectory(TestInfrastructure.root(), "chromium-profile-");
    Path stdout = Files.createTempFile(TestInfrastructure.root(), "chromium-", ".out");
    List<String> command = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    command.add(file.toUri().toString());
    Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(TestInfrastructure.root().resolve("chromium.log").toFile())).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new IllegalStateException("chromium did not finish within 120 s: " + command);
    }
    assertThat(process.exitValue()).as("chromium exit; log in " + TestInfrastructure.root().resolve("chromium.log")).isZero();
    return Files.readString(stdout);
  }


  /**
   * --ledger-db: a real ledger stores the workload, then the pulls leave Kafka (records deleted up
   * to the end, as retention does). Without the ledger the starts recompute as if the image were
   * preloaded (its node never pulled it, as far as the log knows); with it
   * the report is the original one, and says how many pulls came from the ledger.
   */
  @Test
  void pullsPastKafkasRetentionAreReadFromTheLedger() throws Exception {
    AuditWorkload workload = new AuditWorkload().pulls().starts(40).bypasses(1).tampers(1);
    TopicNames topics = publish(workload);
    String schema = "audit_it_" + Long.toHexString(System.nanoTime());
    String postgres = TestInfrastructure.postgresUrl();
    java.util.Map<String, String> settings = io.pullproof.cli.demo.LocalServices.ledgerSettings(kafka.bootstrapServers(),
        kafka.schemaRegistryUrl(), postgres, topics, schema, "it-reader reader " + "0".repeat(64));
    try (io.pullproof.ledger.LedgerMain.Running ledger = io.pullproof.ledger.LedgerMain.start(
        io.pullproof.ledger.LedgerConfig.from(io.pullproof.kit.config.ConfigSource.of(settings)))) {
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
      while (pullEventsStored(postgres, schema) < AuditWorkload.TENANTS) {
        assertThat(System.nanoTime()).as("the ledger stored the pulls within 60 s").isLessThan(deadline);
        Thread.sleep(200);
      }
    }
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
        java.util.Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      java.util.Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.RecordsToDelete> all =
          new java.util.HashMap<>();
      for (var partition : admin.describeTopics(List.of(topics.pulls())).allTopicNames().get().get(topics.pulls()).partitions()) {
        all.put(new org.apache.kafka.common.TopicPartition(topics.pulls(), partition.partition()),
            org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(-1L));
      }
      admin.deleteRecords(all).all().get();
    }

    JsonNode withoutLedger = jsonReport(topics, OUT.resolve("retention-without-ledger.json"));
    assertThat(withoutLedger.get("divergences").size()).as("starts without their pulls").isGreaterThan(1);
    // Without its pull the node never pulled the image: the replay takes it for preloaded.
    assertThat(withoutLedger.get("divergences").get(0).at("/recomputed/reason").asText()).isEqualTo("PRELOADED");

    Path file = OUT.resolve("retention-with-ledger.json");
    InProcessCli run = replay(topics, "--ledger-db", postgres, "--ledger-schema", schema, "--format", "json",
        "--out", file.toString());
    assertThat(run.exitCode()).as(run.err()).isEqualTo(AuditReplayCommand.EXIT_FINDINGS);
    JsonNode withLedger = JSON.readTree(file.toFile());
    AuditReportCheck.exactly(withLedger, workload.bypassOutcomeIds, workload.tamperVerdictIds);
    assertThat(withLedger.at("/notes/pullsFromLedger").asLong()).isEqualTo(AuditWorkload.TENANTS);

    InProcessCli bad = replay(topics, "--ledger-db", "postgres://nowhere", "--format", "json", "--out", file.toString());
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("--ledger-db");
  }

  private static long pullEventsStored(String postgres, String schema) throws Exception {
    try (var db = java.sql.DriverManager.getConnection(postgres);
        var rows = db.createStatement().executeQuery("SELECT count(*) FROM " + schema + ".pull_events")) {
      rows.next();
      return rows.getLong(1);
    } catch (java.sql.SQLException e) {
      return 0; // the schema is created by the ledger's first migration
    }
  }
}
