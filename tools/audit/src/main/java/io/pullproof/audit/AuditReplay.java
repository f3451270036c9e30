package io.pullproof.audit;

import io.pullproof.audit.ledger.LedgerHistory;
import io.pullproof.audit.read.LogEntry;
import io.pullproof.audit.read.TopicReader;
import io.pullproof.audit.replay.Replayer;
import io.pullproof.audit.report.AuditReport;
import io.pullproof.events.CredentialRevoked;
import io.pullproof.events.ImagePulled;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicNames;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;

/** One audit, end to end: read the installation's topics, replay them, report. */
public final class AuditReplay {
  private AuditReplay() {}

  /**
   * The report and how long each half took.
   *
   * @param records records read from Kafka (every topic, before the window filter)
   * @param cpuNanos CPU time of the auditing thread over the whole audit (the consumer fetches,
   *     decompresses and parses on it), or -1 when the JVM cannot tell; on a loaded machine it
   *     says what the audit costs better than the wall clock does
   */
  public record Result(AuditReport report, long records, long undecodable, long readNanos, long replayNanos,
      long cpuNanos) {
    /** Events per second over the whole audit (read, decode, replay), wall clock. */
    public double eventsPerSecond() {
      return records / ((readNanos + replayNanos) / 1e9);
    }
  }

  public static Result run(KafkaClientConfig kafka, TopicNames topics, AuditQuery query, TopicReader.Progress progress) {
    return run(kafka, topics, query, progress, null);
  }

  /**
   * @param ledger where the ledger keeps its pull and revocation history, or {@code null}: its
   *     events the log no longer holds (past Kafka's retention) are replayed too, each event id once
   */
  public static Result run(KafkaClientConfig kafka, TopicNames topics, AuditQuery query, TopicReader.Progress progress,
      LedgerHistory.Source ledger) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    boolean cpu = threads.isCurrentThreadCpuTimeSupported();
    long cpuStart = cpu ? threads.getCurrentThreadCpuTime() : 0;
    long start = System.nanoTime();
    TopicReader.Log log = new TopicReader(kafka, topics).read(query.readUntil(), progress);
    Map<String, Long> fromLedger = ledger == null ? Map.of() : addLedgerHistory(log.entries(), ledger, query.readUntil());
    long read = System.nanoTime();
    AuditReport report = new Replayer(query, topics.prefix()).replay(log.entries(), log.records());
    report.notes().putAll(fromLedger);
    if (log.undecodable() > 0) {
      report.notes().put("undecodableRecords", log.undecodable());
    }
    long end = System.nanoTime();
    return new Result(report, log.records(), log.undecodable(), read - start, end - read,
        cpu ? threads.getCurrentThreadCpuTime() - cpuStart : -1);
  }

  /**
   * Adds the ledger's pulls and revocations whose event ids the log does not hold (dropped by
   * retention) to {@code entries}; returns how many of each, for the report's notes.
   */
  private static Map<String, Long> addLedgerHistory(List<LogEntry> entries, LedgerHistory.Source ledger, Instant until) {
    Set<String> inLog = new HashSet<>();
    for (LogEntry entry : entries) {
      if (entry.event() instanceof ImagePulled pulled) {
        inLog.add(pulled.getEventId());
      } else if (entry.event() instanceof CredentialRevoked revoked) {
        inLog.add(revoked.getEventId());
      }
    }
    long pulls = 0;
    long revocations = 0;
    long index = 0;
    for (SpecificRecord event : LedgerHistory.read(ledger, until)) {
      // Partition -1: at equal times and topics, the ledger's copies sort before the log's records.
      if (event instanceof ImagePulled pulled && !inLog.contains(pulled.getEventId())) {
        entries.add(new LogEntry(pulled.getOccurredAt().toEpochMilli(), LogEntry.Topic.PULLS.ordinal(), -1, index++, pulled));
        pulls++;
      } else if (event instanceof CredentialRevoked revoked && !inLog.contains(revoked.getEventId())) {
        entries.add(new LogEntry(revoked.getOccurredAt().toEpochMilli(), LogEntry.Topic.REVOCATIONS.ordinal(), -1, index++,
            revoked));
        revocations++;
      }
    }
    Map<String, Long> notes = new TreeMap<>();
    notes.put("pullsFromLedger", pulls);
    notes.put("revocationsFromLedger", revocations);
    return notes;
  }
}
