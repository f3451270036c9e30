package io.pullproof.audit;

import io.pullproof.audit.read.TopicReader;
import io.pullproof.audit.replay.Replayer;
import io.pullproof.audit.report.AuditReport;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicNames;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

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
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    boolean cpu = threads.isCurrentThreadCpuTimeSupported();
    long cpuStart = cpu ? threads.getCurrentThreadCpuTime() : 0;
    long start = System.nanoTime();
    TopicReader.Log log = new TopicReader(kafka, topics).read(query.readUntil(), progress);
    long read = System.nanoTime();
    AuditReport report = new Replayer(query, topics.prefix()).replay(log.entries(), log.records());
    if (log.undecodable() > 0) {
      report.notes().put("undecodableRecords", log.undecodable());
    }
    long end = System.nanoTime();
    return new Result(report, log.records(), log.undecodable(), read - start, end - read,
        cpu ? threads.getCurrentThreadCpuTime() - cpuStart : -1);
  }
}
