package io.pullproof.audit;

import io.pullproof.audit.read.TopicReader;
import io.pullproof.audit.replay.Replayer;
import io.pullproof.audit.report.AuditReport;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicNames;

/** One audit, end to end: read the installation's topics, replay them, report. */
public final class AuditReplay {
  private AuditReplay() {}

  /**
   * The report and how long each half took.
   *
   * @param records records read from Kafka (every topic, before the window filter)
   */
  public record Result(AuditReport report, long records, long undecodable, long readNanos, long replayNanos) {
    /** Events per second over the whole audit (read, decode, replay). */
    public double eventsPerSecond() {
      return records / ((readNanos + replayNanos) / 1e9);
    }
  }

  public static Result run(KafkaClientConfig kafka, TopicNames topics, AuditQuery query, TopicReader.Progress progress) {
    long start = System.nanoTime();
    TopicReader.Log log = new TopicReader(kafka, topics).read(query.readUntil(), progress);
    long read = System.nanoTime();
    AuditReport report = new Replayer(query, topics.prefix()).replay(log.entries(), log.records());
    if (log.undecodable() > 0) {
      report.notes().put("undecodableRecords", log.undecodable());
    }
    return new Result(report, log.records(), log.undecodable(), read - start, System.nanoTime() - read);
  }
}
