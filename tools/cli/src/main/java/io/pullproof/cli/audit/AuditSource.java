package io.pullproof.cli.audit;

import io.pullproof.audit.AuditQuery;
import io.pullproof.audit.AuditReplay;
import io.pullproof.audit.ledger.LedgerHistory;
import io.pullproof.audit.ProgressBar;
import io.pullproof.audit.read.TopicReader;
import io.pullproof.cli.BadInputException;
import io.pullproof.cli.stack.DurationConverter;
import io.pullproof.decision.FleetPolicy;
import io.pullproof.decisionservice.policy.FleetPolicyParser;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kit.config.InvalidConfigException;
import io.pullproof.stack.StackState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the log is and which part of it to audit: the options {@code audit replay} and
 * {@code audit who-ran} share. Every problem is bad input naming the option (exit 2).
 */
public final class AuditSource {
  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
  String bootstrap;

  @Option(names = "--schema-registry", paramLabel = "URL", description = "Schema registry base URL, e.g. http://127.0.0.1:8081.")
  String schemaRegistry;

  @Option(names = "--stack", paramLabel = "DIR",
      description = "Read Kafka and the registry from a running embedded stack (./pullproof stack up --data-dir DIR) instead.")
  Path stack;

  @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = TopicNames.DEFAULT_PREFIX,
      description = "Prefix of the installation's topics, e.g. a demo's (default: ${DEFAULT-VALUE}).")
  String topicPrefix;

  @Option(names = "--policy", paramLabel = "FILE",
      description = "The decision service's policy file (PULLPROOF_DECISION_POLICY_FILE); default: the kubelet default everywhere.")
  Path policy;

  @Option(names = "--from", paramLabel = "TIME", required = true, description = "Window start, ISO-8601 (2026-11-22T10:00:00Z).")
  String from;

  @Option(names = "--to", paramLabel = "TIME", description = "Window end (exclusive), ISO-8601; default: now.")
  String to;

  @Option(names = "--ledger-db", paramLabel = "JDBC_URL",
      description = {"Also replay the pulls and revocations the ledger stored (its pull_events and revocations tables),",
          "for windows whose pulls have left Kafka's retention; e.g. jdbc:postgresql://db:5432/pullproof.",
          "Password from the environment variable " + LEDGER_DB_PASSWORD_VARIABLE + " (never a flag)."})
  String ledgerDb;

  @Option(names = "--ledger-db-user", paramLabel = "NAME", description = "Database user for --ledger-db.")
  String ledgerDbUser;

  @Option(names = "--ledger-schema", paramLabel = "NAME", defaultValue = "ledger",
      description = "Schema of the ledger's tables (PULLPROOF_LEDGER_DB_SCHEMA; default: ${DEFAULT-VALUE}).")
  String ledgerSchema;

  static final String LEDGER_DB_PASSWORD_VARIABLE = "PULLPROOF_AUDIT_LEDGER_DB_PASSWORD";

  @Option(names = "--propagation", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
      description = {"How long an event may take to reach the decision service and the agents (default: ${DEFAULT-VALUE},",
          "the design's bound for a revocation). A mismatch explained by an event still on its way within it is",
          "listed under withinPropagation, not as a finding; 0s makes every such mismatch a finding."})
  Duration propagation;

  @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "1m", converter = DurationConverter.class,
      description = "How long after --to verdicts and outcomes of requests in the window are still read (default: ${DEFAULT-VALUE}).")
  Duration grace;

  @Option(names = "--cluster", paramLabel = "NAME", description = "Only starts in this cluster.")
  String cluster;

  @Option(names = "--namespace", paramLabel = "NAME", description = "Only pods of this namespace (tenant).")
  String namespace;

  KafkaClientConfig kafka() {
    String servers = bootstrap;
    String registry = schemaRegistry;
    if (stack != null) {
      if (servers != null || registry != null) {
        throw new BadInputException("--stack " + stack + ": give either --stack or --bootstrap/--schema-registry, not both");
      }
      Optional<StackState> state;
      try {
        state = StackState.read(stack);
      } catch (RuntimeException e) {
        throw new BadInputException("--stack " + stack + ": " + e.getMessage(), e);
      }
      if (state.isEmpty() || !"UP".equals(state.get().status())) {
        throw new BadInputException("--stack " + stack + ": no running stack there (" + StackState.FILE
            + (state.isEmpty() ? " missing" : " says " + state.get().status()) + "); start it with ./pullproof stack up");
      }
      servers = state.get().kafkaBootstrap();
      registry = state.get().schemaRegistryUrl();
    }
    if (servers == null) {
      throw new BadInputException("--bootstrap is required (or --stack DIR)");
    }
    if (registry == null) {
      throw new BadInputException("--schema-registry is required (or --stack DIR)");
    }
    try {
      return new KafkaClientConfig(servers, registry, "pullproof-audit");
    } catch (IllegalArgumentException e) {
      throw new BadInputException((e.getMessage().contains("bootstrapServers") ? "--bootstrap " : "--schema-registry ")
          + e.getMessage(), e);
    }
  }

  TopicNames topics() {
    try {
      return new TopicNames(topicPrefix);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--topic-prefix: " + e.getMessage(), e);
    }
  }

  AuditQuery query(String image) {
    Instant start = instant("--from", from);
    Instant end = to == null ? Instant.now() : instant("--to", to);
    if (!start.isBefore(end)) {
      throw new BadInputException("--from " + from + " must be before --to " + (to == null ? "(now) " + end : to));
    }
    if (propagation.isNegative()) {
      throw new BadInputException("--propagation " + propagation + ": must not be negative");
    }
    if (grace.isNegative()) {
      throw new BadInputException("--grace " + grace + ": must not be negative");
    }
    FleetPolicy fleetPolicy = FleetPolicy.kubeletDefault();
    String policyName = "kubelet default (NeverVerifyPreloadedImages, no expiry)";
    if (policy != null) {
      if (!Files.isReadable(policy)) {
        throw new BadInputException("--policy " + policy + ": no such readable file");
      }
      try {
        fleetPolicy = FleetPolicyParser.parse(policy, "--policy");
      } catch (InvalidConfigException e) {
        throw new BadInputException(e.getMessage(), e);
      }
      policyName = policy.getFileName().toString();
    }
    return new AuditQuery(start, end, grace, blankToNull(cluster), blankToNull(namespace), image, fleetPolicy, policyName,
        propagation);
  }

  /** The ledger's history for --ledger-db, or null without it. */
  LedgerHistory.Source ledger() {
    if (ledgerDb == null) {
      return null;
    }
    if (!ledgerDb.startsWith("jdbc:postgresql:")) {
      throw new BadInputException("--ledger-db " + ledgerDb + ": must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db)");
    }
    return new LedgerHistory.Source(ledgerDb, ledgerDbUser, System.getenv(LEDGER_DB_PASSWORD_VARIABLE), ledgerSchema);
  }

  /** Reads and replays, with a progress bar on a terminal; a missing topic is bad input. */
  AuditReplay.Result run(AuditQuery query) {
    KafkaClientConfig kafka = kafka();
    TopicNames topics = topics();
    TopicReader.Progress progress = ProgressBar.forTerminal(System.err);
    try {
      AuditReplay.Result result = AuditReplay.run(kafka, topics, query, progress, ledger());
      if (result.undecodable() > 0) {
        // Not fatal (a poison record is no reason to lose the audit), but the report is partial.
        System.err.printf("pullproof: warning: %,d of %,d records could not be decoded (wrong --schema-registry?"
            + " dead letters?); they are left out of the report%n", result.undecodable(), result.records());
      }
      return result;
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage(), e);
    } finally {
      ProgressBar.finish(progress);
    }
  }

  private static Instant instant(String option, String value) {
    try {
      return Instant.parse(value.trim());
    } catch (DateTimeParseException e) {
      throw new BadInputException(option + " '" + value + "': not an ISO-8601 instant such as 2026-11-22T10:00:00Z");
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
